"""Serializers of the partybranches/ API."""
from rest_framework import serializers

from redproperty.api import ScopedModelSerializer

from ..models import CrossAppointment, JointMeeting, MeetingResolution, PartyOrganization, RedPropertyProject
from ..models import ServiceStation


class PartyOrganizationSerializer(ScopedModelSerializer):
    class Meta:
        model = PartyOrganization
        fields = [
            "id", "name", "kind", "parent", "district", "community", "firm", "complexes", "secretary",
            "member_count", "established_on", "created_at", "updated_at",
        ]


class CrossAppointmentSerializer(ScopedModelSerializer):
    class Meta:
        model = CrossAppointment
        fields = [
            "id", "person_name", "is_party_member", "direction", "party_organization", "complex", "firm",
            "owners_committee", "home_post", "appointed_post", "start_date", "end_date", "created_at", "updated_at",
        ]


class NestedResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingResolution
        fields = ["id", "text", "responsible_side", "due_on", "status", "follow_up", "completed_on"]
        read_only_fields = fields


class JointMeetingSerializer(ScopedModelSerializer):
    resolutions = NestedResolutionSerializer(many=True, read_only=True)

    class Meta:
        model = JointMeeting
        fields = [
            "id", "convened_by", "community", "complexes", "held_on", "title", "topics", "minutes",
            "attending_firms", "attendees_party", "attendees_residents_committee", "attendees_owners_committee",
            "attendees_firm", "attendees_residents", "cited_complaints", "resolutions", "created_at", "updated_at",
        ]


class MeetingResolutionSerializer(ScopedModelSerializer):
    class Meta:
        model = MeetingResolution
        fields = [
            "id", "meeting", "text", "responsible_side", "due_on", "status", "follow_up", "completed_on",
            "created_at", "updated_at",
        ]


class RedPropertyProjectSerializer(ScopedModelSerializer):
    class Meta:
        model = RedPropertyProject
        fields = ["id", "name", "level", "year_designated", "community", "complex", "description", "created_at", "updated_at"]


class ServiceStationSerializer(ScopedModelSerializer):
    class Meta:
        model = ServiceStation
        fields = [
            "id", "name", "kind", "district", "complex", "address", "opened_on", "services", "created_at", "updated_at",
        ]


# ---------------------------------------------------------------------------
# Red-project applications
# ---------------------------------------------------------------------------
from django.utils.translation import gettext_lazy as _  # noqa: E402

from communities.models import Community, ResidentialComplex  # noqa: E402
from properties.models import PropertyFirm  # noqa: E402
from redproperty.api import ScopedPrimaryKeyRelatedField  # noqa: E402
from redproperty.workflow_api import StepSerializer, WorkflowRecordSerializer, events_serializer  # noqa: E402

from ..models import REVIEW_CRITERIA, ApplicationStatus, ProjectApplication, ProjectApplicationEvent  # noqa: E402
from ..services import APPLICATION  # noqa: E402


class ProjectApplicationSerializer(WorkflowRecordSerializer):
    """A red-project application with its review scores, the project it became and its timeline."""

    workflow = APPLICATION
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, read_only=True)
    scores = serializers.DictField(child=serializers.IntegerField(), read_only=True,
                                   help_text=_("Score per review criterion."))
    events = events_serializer(ProjectApplicationEvent)(many=True, read_only=True)

    class Meta:
        model = ProjectApplication
        fields = [
            "id", "community", "complex", "firm", "name", "status", "submitted_on", "summary", "materials",
            "scores", "total_score", "reviewed_on", "review_note", "project", "designated_on", "recommended_on",
            "closing_reason", "due_on", "overdue_since", "is_overdue", "allowed_actions", "events",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class ApplicationSubmitSerializer(serializers.Serializer):
    community = ScopedPrimaryKeyRelatedField(queryset=Community.objects.none())
    complex = ScopedPrimaryKeyRelatedField(queryset=ResidentialComplex.objects.none(), required=False,
                                           allow_null=True, default=None)
    firm = ScopedPrimaryKeyRelatedField(queryset=PropertyFirm.objects.none(), required=False, allow_null=True,
                                        default=None)
    name = serializers.CharField(max_length=100)
    summary = serializers.CharField(max_length=4000)
    materials = serializers.CharField(max_length=2000)
    submitted_on = serializers.DateField(required=False)


def _scores_serializer():
    fields = {code: serializers.IntegerField(min_value=0, max_value=maximum, help_text=str(label))
              for code, label, maximum in REVIEW_CRITERIA}
    return type("ReviewScoresSerializer", (serializers.Serializer,), fields)


class ApplicationReviewSerializer(StepSerializer):
    reviewed_on = serializers.DateField()
    scores = _scores_serializer()()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ApplicationDesignateSerializer(StepSerializer):
    designated_on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ApplicationRecommendSerializer(StepSerializer):
    recommended_on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ApplicationReasonSerializer(StepSerializer):
    reason = serializers.CharField(max_length=2000)


# ---------------------------------------------------------------------------
# Funds and people
# ---------------------------------------------------------------------------
from ..models import Funding, Training  # noqa: E402


class FundingSerializer(ScopedModelSerializer):
    class Meta:
        model = Funding
        fields = ["id", "community", "complex", "project", "source", "amount", "purpose", "granted_on", "delivered",
                  "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class TrainingSerializer(ScopedModelSerializer):
    attendance = serializers.IntegerField(read_only=True, help_text=_("Attendees of the three groups together."))

    class Meta:
        model = Training
        fields = ["id", "community", "course", "held_on", "firm_staff", "stewards", "committee_members",
                  "attendance", "attendees", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
