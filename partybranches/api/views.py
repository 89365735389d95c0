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
