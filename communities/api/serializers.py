"""Serializers of the communities/ API."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from redproperty.api import ScopedModelSerializer

from ..models import Community, District, OwnersCommittee, OwnersCommitteeMember, ResidentialComplex, Subdistrict


class DistrictSerializer(ScopedModelSerializer):
    class Meta:
        model = District
        fields = ["id", "code", "name"]


class SubdistrictSerializer(ScopedModelSerializer):
    class Meta:
        model = Subdistrict
        fields = ["id", "district", "code", "name"]


class CommunitySerializer(ScopedModelSerializer):
    district = serializers.IntegerField(source="subdistrict.district_id", read_only=True)

    class Meta:
        model = Community
        fields = ["id", "district", "subdistrict", "code", "name", "address", "phone"]


class ResidentialComplexSerializer(ScopedModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    has_two_way_entry = serializers.BooleanField(
        read_only=True, help_text=_("An active cross-appointment in each direction (derived).")
    )
    current_firm = serializers.SerializerMethodField(help_text=_("Id of the firm holding the active contract."))

    class Meta:
        model = ResidentialComplex
        fields = [
            "id", "community", "community_name", "name", "complex_type", "management_mode", "households",
            "buildings", "floor_area", "year_built", "address", "latitude", "longitude",
            "has_two_way_entry", "current_firm", "created_at", "updated_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_current_firm(self, obj):
        contract = obj.active_contract  # prefetched as `active_contracts` by the viewset
        return contract.firm_id if contract else None


class MemberSerializer(ScopedModelSerializer):
    class Meta:
        model = OwnersCommitteeMember
        fields = ["id", "committee", "name", "role", "is_party_member", "phone"]


class NestedMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = OwnersCommitteeMember
        fields = ["id", "name", "role", "is_party_member", "phone"]


class OwnersCommitteeSerializer(ScopedModelSerializer):
    """Created with its full member list (checked for size, parity and one director);
    afterwards members change through /owners-committee-members/."""

    complex_name = serializers.CharField(source="complex.name", read_only=True)
    is_red = serializers.BooleanField(read_only=True, help_text=_("Party members hold at least half the seats and the chair."))
    members = NestedMemberSerializer(many=True, required=False)

    class Meta:
        model = OwnersCommittee
        fields = [
            "id", "complex", "complex_name", "term_start", "term_end", "filed_on", "status", "is_red", "members",
            "created_at", "updated_at",
        ]

    def validate(self, attrs):
        members = attrs.pop("members", None)
        if self.instance is not None and members is not None:
            raise serializers.ValidationError(
                {"members": [_("Change members through /api/v1/owners-committee-members/.")]}
            )
        if self.instance is None and not members:
            raise serializers.ValidationError({"members": [_("List the committee's members.")]})
        attrs = super().validate(attrs)
        if members is not None:
            attrs["members"] = members
        return attrs


# ---------------------------------------------------------------------------
# Owners' committee elections
# ---------------------------------------------------------------------------
from decimal import Decimal  # noqa: E402

from redproperty.api import ScopedPrimaryKeyRelatedField  # noqa: E402
from redproperty.workflow_api import StepSerializer, WorkflowRecordSerializer, events_serializer  # noqa: E402

from ..models import (  # noqa: E402
    CommitteeElection,
    CommitteeElectionEvent,
    ElectionCandidate,
    ElectionStatus,
    GroupSide,
    MemberRole,
    PreparatoryGroupMember,
)
from ..services import ELECTION  # noqa: E402


class GroupMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreparatoryGroupMember
        fields = ["name", "side", "post", "is_leader", "is_party_member"]


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ElectionCandidate
        fields = ["id", "name", "role", "is_party_member", "votes_owners", "votes_area", "is_elected"]
        read_only_fields = ["id", "votes_owners", "votes_area", "is_elected"]


class CommitteeElectionSerializer(WorkflowRecordSerializer):
    """An owners' committee formation (no previous committee) or re-election, with its
    preparatory group, candidates and their votes, and its timeline."""

    workflow = ELECTION
    complex_name = serializers.CharField(source="complex.name", read_only=True)
    status = serializers.ChoiceField(choices=ElectionStatus.choices, read_only=True)
    group_members = GroupMemberSerializer(many=True, read_only=True)
    candidates = CandidateSerializer(many=True, read_only=True)
    events = events_serializer(CommitteeElectionEvent)(many=True, read_only=True)

    class Meta:
        model = CommitteeElection
        fields = [
            "id", "complex", "complex_name", "previous_committee", "status", "formed_on", "meeting_on", "seats",
            "owners_total", "area_total", "owners_voting", "area_voting", "voted_on", "result_note", "committee",
            "filed_on", "cancel_reason", "due_on", "overdue_since", "is_overdue", "allowed_actions",
            "group_members", "candidates", "events", "created_at", "updated_at",
        ]
        read_only_fields = fields


class ElectionOpenSerializer(serializers.Serializer):
    complex = ScopedPrimaryKeyRelatedField(queryset=ResidentialComplex.objects.none())
    formed_on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)
    group_members = GroupMemberSerializer(many=True, help_text=_("At least 3; one leader, from the party side."))


class CandidateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER)
    is_party_member = serializers.BooleanField(default=False)


class ElectionConveneSerializer(StepSerializer):
    meeting_on = serializers.DateField()
    seats = serializers.IntegerField(min_value=5, max_value=11)
    owners_total = serializers.IntegerField(min_value=1)
    area_total = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    candidates = CandidateInputSerializer(many=True)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class VoteInputSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(min_value=1, help_text=_("A candidate id of this election."))
    owners = serializers.IntegerField(min_value=0, help_text=_("Owners voting for."))
    area = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"),
                                    help_text=_("Floor area (m²) voting for."))


class ElectionResultSerializer(StepSerializer):
    voted_on = serializers.DateField()
    owners_voting = serializers.IntegerField(min_value=0)
    area_voting = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    votes = VoteInputSerializer(many=True, help_text=_("One entry per candidate."))

    def validate_votes(self, votes):
        ids = [v["candidate"] for v in votes]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("Each candidate once."))
        return {v["candidate"]: {"owners": v["owners"], "area": v["area"]} for v in votes}


class ElectionFileSerializer(StepSerializer):
    filed_on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ReasonSerializer(StepSerializer):
    reason = serializers.CharField(max_length=2000)


# ---------------------------------------------------------------------------
# Mediation of disputes
# ---------------------------------------------------------------------------
from ..models import MediationCase, MediationCaseEvent, MediationParty, MediationSession, MediationStatus  # noqa: E402
from ..models import PartySide  # noqa: E402
from ..services import MEDIATION  # noqa: E402


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationParty
        fields = ["name", "side"]


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "held_on", "summary"]
        read_only_fields = fields


class MediationCaseSerializer(WorkflowRecordSerializer):
    """A dispute in mediation, with its parties, sessions, agreement, follow-up, outcome, linked
    complaints (ids) and timeline."""

    workflow = MEDIATION
    complex_name = serializers.CharField(source="complex.name", read_only=True)
    status = serializers.ChoiceField(choices=MediationStatus.choices, read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)
    events = events_serializer(MediationCaseEvent)(many=True, read_only=True)

    class Meta:
        model = MediationCase
        fields = [
            "id", "complex", "complex_name", "status", "subject", "description", "opened_on", "mediator",
            "mediator_post", "complaints", "agreement", "agreed_on", "follow_up_on", "follow_up_note", "outcome",
            "closed_on", "due_on", "overdue_since", "is_overdue", "allowed_actions", "parties", "sessions", "events",
            "created_at", "updated_at",
        ]
        read_only_fields = fields


class PartyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    side = serializers.ChoiceField(choices=PartySide.choices)


class MediationOpenSerializer(serializers.Serializer):
    complex = ScopedPrimaryKeyRelatedField(queryset=ResidentialComplex.objects.none())
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000)
    opened_on = serializers.DateField()
    mediator = serializers.CharField(max_length=50)
    mediator_post = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    parties = PartyInputSerializer(many=True, help_text=_("At least two."))
    complaints = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=20,
        help_text=_("Ids of the complaints the dispute grew from (of the same complex)."))

    def validate_complaints(self, ids):
        from django.apps import apps

        complaint = apps.get_model("complaints", "Complaint")
        found = list(complaint.objects.visible_to(self.context["request"].user).filter(pk__in=ids))
        if len(found) != len(set(ids)):
            raise serializers.ValidationError(_("No such complaint here."))
        return found


class MediationSessionInputSerializer(StepSerializer):
    held_on = serializers.DateField()
    summary = serializers.CharField(max_length=2000)


class MediationAgreementSerializer(StepSerializer):
    agreed_on = serializers.DateField()
    agreement = serializers.CharField(max_length=2000)
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class MediationFollowUpSerializer(StepSerializer):
    checked_on = serializers.DateField()
    honoured = serializers.BooleanField()
    note = serializers.CharField(max_length=2000)


class MediationCloseSerializer(StepSerializer):
    closed_on = serializers.DateField()
    outcome = serializers.CharField(max_length=2000)


class MediationWithdrawSerializer(StepSerializer):
    closed_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)
