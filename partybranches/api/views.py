"""Viewsets of the partybranches/ API. Every queryset comes from visible_to()."""
from redproperty.api import ScopedModelViewSet

from ..models import CrossAppointment, JointMeeting, MeetingResolution, PartyOrganization, RedPropertyProject
from ..models import ServiceStation
from . import filters, serializers


class PartyOrganizationViewSet(ScopedModelViewSet):
    queryset = PartyOrganization.objects.none()
    serializer_class = serializers.PartyOrganizationSerializer
    filterset_class = filters.PartyOrganizationFilter
    search_fields = ["name", "secretary"]
    ordering_fields = ["name", "kind", "member_count"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("complexes")


class CrossAppointmentViewSet(ScopedModelViewSet):
    queryset = CrossAppointment.objects.none()
    serializer_class = serializers.CrossAppointmentSerializer
    filterset_class = filters.CrossAppointmentFilter
    search_fields = ["person_name", "home_post", "appointed_post"]
    ordering_fields = ["start_date", "end_date"]


class JointMeetingViewSet(ScopedModelViewSet):
    queryset = JointMeeting.objects.none()
    serializer_class = serializers.JointMeetingSerializer
    filterset_class = filters.JointMeetingFilter
    search_fields = ["title", "topics"]
    ordering_fields = ["held_on"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            "complexes", "attending_firms", "cited_complaints", "resolutions"
        )


class MeetingResolutionViewSet(ScopedModelViewSet):
    queryset = MeetingResolution.objects.none()
    serializer_class = serializers.MeetingResolutionSerializer
    filterset_class = filters.MeetingResolutionFilter
    search_fields = ["text", "follow_up"]
    ordering_fields = ["due_on", "completed_on"]


class RedPropertyProjectViewSet(ScopedModelViewSet):
    queryset = RedPropertyProject.objects.none()
    serializer_class = serializers.RedPropertyProjectSerializer
    filterset_class = filters.RedPropertyProjectFilter
    search_fields = ["name"]
    ordering_fields = ["year_designated", "name"]


class ServiceStationViewSet(ScopedModelViewSet):
    queryset = ServiceStation.objects.none()
    serializer_class = serializers.ServiceStationSerializer
    filterset_class = filters.ServiceStationFilter
    search_fields = ["name", "address"]
    ordering_fields = ["name", "opened_on"]


# ---------------------------------------------------------------------------
# Red-project applications
# ---------------------------------------------------------------------------
from drf_spectacular.utils import extend_schema  # noqa: E402
from rest_framework.decorators import action  # noqa: E402

from redproperty.workflow_api import CHANGE, WorkflowViewSet, step_responses  # noqa: E402

from .. import services  # noqa: E402
from ..models import ProjectApplication  # noqa: E402

APPLICATION_STEPS = step_responses(serializers.ProjectApplicationSerializer)
REVIEW = ["partybranches.review_projectapplication"]


class ProjectApplicationViewSet(WorkflowViewSet):
    """Red-project applications of your jurisdiction. POST applies (申报); the district reviews
    them with scores against the stated criteria (评审), designates district-level projects (命名)
    and recommends some to the city; the applicant may withdraw before the review."""

    queryset = ProjectApplication.objects.none()
    serializer_class = serializers.ProjectApplicationSerializer
    open_serializer_class = serializers.ApplicationSubmitSerializer
    open_service = staticmethod(services.application_submit)
    record_kwarg = "application"
    filterset_class = filters.ProjectApplicationFilter
    search_fields = ["name"]
    ordering_fields = ["submitted_on", "due_on", "total_score", "created_at"]
    action_permissions = {"review": REVIEW, "designate": REVIEW, "recommend": REVIEW, "reject": REVIEW,
                          "withdraw": CHANGE}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("events")

    @extend_schema(request=serializers.ApplicationSubmitSerializer,
                   responses={201: serializers.ProjectApplicationSerializer})
    def create(self, request, *args, **kwargs):
        """Apply: the community, the complex or firm applying, the project's name, what it has
        done and the materials."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=serializers.ApplicationReviewSerializer, responses=APPLICATION_STEPS)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """submitted → reviewed: a score for each stated criterion (district)."""
        return self.step(serializers.ApplicationReviewSerializer, services.application_review)

    @extend_schema(request=serializers.ApplicationDesignateSerializer, responses=APPLICATION_STEPS)
    @action(detail=True, methods=["post"])
    def designate(self, request, pk=None):
        """reviewed → designated: a district-level red property project (80 points or more)."""
        return self.step(serializers.ApplicationDesignateSerializer, services.application_designate)

    @extend_schema(request=serializers.ApplicationRecommendSerializer, responses=APPLICATION_STEPS)
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        """designated → recommended to the city (district)."""
        return self.step(serializers.ApplicationRecommendSerializer, services.application_recommend)

    @extend_schema(request=serializers.ApplicationReasonSerializer, responses=APPLICATION_STEPS)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """submitted / reviewed → not designated, with the reason (district)."""
        return self.step(serializers.ApplicationReasonSerializer, services.application_reject)

    @extend_schema(request=serializers.ApplicationReasonSerializer, responses=APPLICATION_STEPS)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """submitted → withdrawn by the applicant, with the reason."""
        return self.step(serializers.ApplicationReasonSerializer, services.application_withdraw)


# ---------------------------------------------------------------------------
# Funds and people: registers
# ---------------------------------------------------------------------------
from ..models import Funding, Training  # noqa: E402


class FundingViewSet(ScopedModelViewSet):
    """Funds put into complexes and red projects of your jurisdiction."""

    queryset = Funding.objects.none()
    serializer_class = serializers.FundingSerializer
    filterset_class = filters.FundingFilter
    ordering_fields = ["granted_on", "amount"]


class TrainingViewSet(ScopedModelViewSet):
    """Trainings of firm staff, red stewards and owners' committee members in your jurisdiction."""

    queryset = Training.objects.none()
    serializer_class = serializers.TrainingSerializer
    filterset_class = filters.TrainingFilter
    search_fields = ["course"]
    ordering_fields = ["held_on"]
