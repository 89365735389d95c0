"""Viewsets of the communities/ API. Every queryset comes from visible_to()."""
from django.apps import apps
from django.db.models import Prefetch

from redproperty.api import ScopedModelViewSet, ScopedReadOnlyModelViewSet

from .. import services
from ..models import Community, District, OwnersCommittee, OwnersCommitteeMember, ResidentialComplex, Subdistrict
from . import filters, serializers


class DistrictViewSet(ScopedReadOnlyModelViewSet):
    queryset = District.objects.none()
    serializer_class = serializers.DistrictSerializer
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class SubdistrictViewSet(ScopedReadOnlyModelViewSet):
    queryset = Subdistrict.objects.none()
    serializer_class = serializers.SubdistrictSerializer
    filterset_class = filters.SubdistrictFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]


class CommunityViewSet(ScopedReadOnlyModelViewSet):
    queryset = Community.objects.none()
    serializer_class = serializers.CommunitySerializer
    filterset_class = filters.CommunityFilter
    search_fields = ["name", "code", "address"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return super().get_queryset().select_related("subdistrict")


class ResidentialComplexViewSet(ScopedModelViewSet):
    queryset = ResidentialComplex.objects.none()
    serializer_class = serializers.ResidentialComplexSerializer
    filterset_class = filters.ResidentialComplexFilter
    search_fields = ["name", "address"]
    ordering_fields = ["name", "households", "year_built", "created_at"]

    def get_queryset(self):
        contracts = apps.get_model("properties", "ServiceContract").objects.active()
        return (
            super().get_queryset()
            .with_two_way_entry()
            .select_related("community")
            .prefetch_related(Prefetch("contracts", queryset=contracts, to_attr="active_contracts"))
        )


class OwnersCommitteeViewSet(ScopedModelViewSet):
    queryset = OwnersCommittee.objects.none()
    serializer_class = serializers.OwnersCommitteeSerializer
    filterset_class = filters.OwnersCommitteeFilter
    search_fields = ["complex__name"]
    ordering_fields = ["term_start", "term_end", "filed_on"]

    def get_queryset(self):
        # The COUNT annotations of with_red() group rows, which drops the model's default ordering.
        return (
            super().get_queryset().with_red().select_related("complex").prefetch_related("members")
            .order_by(*OwnersCommittee._meta.ordering, "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.owners_committee_create(**serializer.validated_data)
        self._reread(serializer)


class OwnersCommitteeMemberViewSet(ScopedModelViewSet):
    queryset = OwnersCommitteeMember.objects.none()
    serializer_class = serializers.MemberSerializer
    filterset_class = filters.OwnersCommitteeMemberFilter
    search_fields = ["name"]
    ordering_fields = ["name", "role"]


# ---------------------------------------------------------------------------
# Owners' committee elections
# ---------------------------------------------------------------------------
from drf_spectacular.utils import extend_schema  # noqa: E402
from rest_framework.decorators import action  # noqa: E402

from redproperty.workflow_api import CHANGE, WorkflowViewSet, step_responses  # noqa: E402

from ..models import CommitteeElection  # noqa: E402

ELECTION_STEPS = step_responses(serializers.CommitteeElectionSerializer)


class CommitteeElectionViewSet(WorkflowViewSet):
    """Owners' committee formations and re-elections in your jurisdiction. POST opens one with its
    preparatory group; the moves convene the general meeting, record its vote (the Civil Code's
    double majority decides), file the elected committee, or cancel."""

    queryset = CommitteeElection.objects.none()
    serializer_class = serializers.CommitteeElectionSerializer
    open_serializer_class = serializers.ElectionOpenSerializer
    open_service = staticmethod(services.election_open)
    record_kwarg = "election"
    filterset_class = filters.CommitteeElectionFilter
    search_fields = ["complex__name"]
    ordering_fields = ["formed_on", "due_on", "created_at"]
    action_permissions = {name: CHANGE for name in ("convene", "record_result", "file", "cancel")}

    def get_queryset(self):
        return super().get_queryset().select_related("complex").prefetch_related(
            "group_members", "candidates", "events")

    @extend_schema(request=serializers.ElectionOpenSerializer, responses={201: serializers.CommitteeElectionSerializer})
    def create(self, request, *args, **kwargs):
        """Open an election: the complex, the day its preparatory group was formed, the group."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=serializers.ElectionConveneSerializer, responses=ELECTION_STEPS)
    @action(detail=True, methods=["post"])
    def convene(self, request, pk=None):
        """preparing / failed → convened: the general meeting, its seats, totals and candidates."""
        return self.step(serializers.ElectionConveneSerializer, services.election_convene)

    @extend_schema(request=serializers.ElectionResultSerializer, responses=ELECTION_STEPS)
    @action(detail=True, methods=["post"], url_path="record-result")
    def record_result(self, request, pk=None):
        """convened → elected (the committee is created, to be filed within 30 days) or failed."""
        return self.step(serializers.ElectionResultSerializer, services.election_record_result)

    @extend_schema(request=serializers.ElectionFileSerializer, responses=ELECTION_STEPS)
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        """elected → filed (备案): the committee takes office, the one it replaces leaves."""
        return self.step(serializers.ElectionFileSerializer, services.election_file)

    @extend_schema(request=serializers.ReasonSerializer, responses=ELECTION_STEPS)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Any open status → cancelled, with the reason."""
        return self.step(serializers.ReasonSerializer, services.election_cancel)


# ---------------------------------------------------------------------------
# Mediation of disputes
# ---------------------------------------------------------------------------
from ..models import MediationCase  # noqa: E402

MEDIATION_STEPS = step_responses(serializers.MediationCaseSerializer)


class MediationCaseViewSet(WorkflowViewSet):
    """Mediation cases (矛盾纠纷调解) in your jurisdiction. POST takes one in with its parties; the
    moves record sessions, the agreement and its follow-up, or close the case."""

    queryset = MediationCase.objects.none()
    serializer_class = serializers.MediationCaseSerializer
    open_serializer_class = serializers.MediationOpenSerializer
    open_service = staticmethod(services.mediation_open)
    record_kwarg = "case"
    filterset_class = filters.MediationCaseFilter
    search_fields = ["subject", "complex__name", "mediator"]
    ordering_fields = ["opened_on", "due_on", "created_at"]
    action_permissions = {name: CHANGE for name in (
        "hold_session", "record_agreement", "follow_up", "close_failed", "withdraw")}

    def get_queryset(self):
        return super().get_queryset().select_related("complex").prefetch_related(
            "parties", "sessions", "events", "complaints")

    @extend_schema(request=serializers.MediationOpenSerializer, responses={201: serializers.MediationCaseSerializer})
    def create(self, request, *args, **kwargs):
        """Take a case in: the complex, the dispute, the parties, the mediator, linked complaints."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=serializers.MediationSessionInputSerializer, responses=MEDIATION_STEPS)
    @action(detail=True, methods=["post"], url_path="hold-session")
    def hold_session(self, request, pk=None):
        """opened / mediating → mediating: a session held."""
        return self.step(serializers.MediationSessionInputSerializer, services.mediation_hold_session)

    @extend_schema(request=serializers.MediationAgreementSerializer, responses=MEDIATION_STEPS)
    @action(detail=True, methods=["post"], url_path="record-agreement")
    def record_agreement(self, request, pk=None):
        """mediating → agreed: the agreement, and the day of its follow-up."""
        return self.step(serializers.MediationAgreementSerializer, services.mediation_record_agreement)

    @extend_schema(request=serializers.MediationFollowUpSerializer, responses=MEDIATION_STEPS)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """agreed → resolved (honoured) or back to mediating."""
        return self.step(serializers.MediationFollowUpSerializer, services.mediation_follow_up)

    @extend_schema(request=serializers.MediationCloseSerializer, responses=MEDIATION_STEPS)
    @action(detail=True, methods=["post"], url_path="close-failed")
    def close_failed(self, request, pk=None):
        """mediating → failed: no agreement, with the outcome."""
        return self.step(serializers.MediationCloseSerializer, services.mediation_close_failed)

    @extend_schema(request=serializers.MediationWithdrawSerializer, responses=MEDIATION_STEPS)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """opened / mediating → withdrawn, with the reason."""
        return self.step(serializers.MediationWithdrawSerializer, services.mediation_withdraw)
