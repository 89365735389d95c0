"""Viewsets of the properties/ API. Every queryset comes from visible_to()."""
from redproperty.api import ScopedModelViewSet, ScopedReadOnlyModelViewSet

from ..models import CreditEvent, EvaluationConsequence, EvaluationScheme, FeeCollection, FirmEvaluation, Inspection
from ..models import PropertyFirm, SatisfactionSurvey, ServiceContract
from . import filters, serializers


class PropertyFirmViewSet(ScopedModelViewSet):
    queryset = PropertyFirm.objects.none()
    serializer_class = serializers.PropertyFirmSerializer
    filterset_class = filters.PropertyFirmFilter
    search_fields = ["name", "credit_code"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return super().get_queryset().with_party_organization()


class ServiceContractViewSet(ScopedModelViewSet):
    queryset = ServiceContract.objects.none()
    serializer_class = serializers.ServiceContractSerializer
    filterset_class = filters.ServiceContractFilter
    search_fields = ["firm__name", "complex__name"]
    ordering_fields = ["start_date", "end_date", "fee_standard"]

    def get_queryset(self):
        return super().get_queryset().select_related("firm", "complex")


class FeeCollectionViewSet(ScopedModelViewSet):
    queryset = FeeCollection.objects.none()
    serializer_class = serializers.FeeCollectionSerializer
    filterset_class = filters.FeeCollectionFilter
    ordering_fields = ["period", "billed_amount", "paid_amount"]


class InspectionViewSet(ScopedModelViewSet):
    queryset = Inspection.objects.none()
    serializer_class = serializers.InspectionSerializer
    filterset_class = filters.InspectionFilter
    ordering_fields = ["inspected_on"]


class SatisfactionSurveyViewSet(ScopedModelViewSet):
    queryset = SatisfactionSurvey.objects.none()
    serializer_class = serializers.SatisfactionSurveySerializer
    filterset_class = filters.SatisfactionSurveyFilter
    ordering_fields = ["period_start"]


class CreditEventViewSet(ScopedModelViewSet):
    queryset = CreditEvent.objects.none()
    serializer_class = serializers.CreditEventSerializer
    filterset_class = filters.CreditEventFilter
    search_fields = ["description"]
    ordering_fields = ["occurred_on", "points"]


class EvaluationSchemeViewSet(ScopedReadOnlyModelViewSet):
    """Scoring schemes, newest version first (edited in the admin, read-only here)."""

    queryset = EvaluationScheme.objects.none()
    serializer_class = serializers.EvaluationSchemeSerializer
    filterset_fields = ["is_active"]
    ordering_fields = ["version"]


class FirmEvaluationViewSet(ScopedReadOnlyModelViewSet):
    """Quarterly results per contract and per firm (roll-ups), computed by Celery; read-only."""

    queryset = FirmEvaluation.objects.none()
    serializer_class = serializers.FirmEvaluationSerializer
    filterset_class = filters.FirmEvaluationFilter
    search_fields = ["firm__name", "complex__name"]
    ordering_fields = ["period", "total", "grade"]

    def get_queryset(self):
        return super().get_queryset().select_related("firm", "scheme")


class EvaluationConsequenceViewSet(ScopedReadOnlyModelViewSet):
    """What failing quarters set off: rectification notices, exit reviews, vetoes; read-only."""

    queryset = EvaluationConsequence.objects.none()
    serializer_class = serializers.EvaluationConsequenceSerializer
    filterset_class = filters.EvaluationConsequenceFilter
    ordering_fields = ["period", "created_at"]


# ---------------------------------------------------------------------------
# Firm exit and replacement
# ---------------------------------------------------------------------------
from drf_spectacular.utils import extend_schema  # noqa: E402
from rest_framework import mixins, viewsets  # noqa: E402
from rest_framework.decorators import action  # noqa: E402

from communities.models import ResidentialComplex  # noqa: E402
from redproperty.api import ScopedViewSetMixin  # noqa: E402
from redproperty.workflow_api import CHANGE, WorkflowViewSet, step_responses  # noqa: E402

from .. import selectors, services  # noqa: E402
from ..models import ContractExit  # noqa: E402

EXIT_STEPS = step_responses(serializers.ContractExitSerializer)


class ContractExitViewSet(WorkflowViewSet):
    """Firm exits and replacements in your jurisdiction. POST opens one for a contract under exit
    review; the moves record the joint meeting's decision, the successor, the handover checklist
    and its signatures, and the new contract, or cancel."""

    queryset = ContractExit.objects.none()
    serializer_class = serializers.ContractExitSerializer
    open_serializer_class = serializers.ExitOpenSerializer
    open_service = staticmethod(services.exit_open)
    record_kwarg = "exit"
    filterset_class = filters.ContractExitFilter
    search_fields = ["complex__name", "contract__firm__name"]
    ordering_fields = ["opened_on", "due_on", "created_at"]
    action_permissions = {name: CHANGE for name in (
        "decide", "choose_successor", "check_items", "sign", "record_contract", "cancel")}

    def get_queryset(self):
        return super().get_queryset().select_related("complex", "contract").prefetch_related("items", "events")

    @extend_schema(request=serializers.ExitOpenSerializer, responses={201: serializers.ContractExitSerializer})
    def create(self, request, *args, **kwargs):
        """Open the exit procedure of a contract under exit review."""
        return super().create(request, *args, **kwargs)

    @extend_schema(request=serializers.ExitDecideSerializer, responses=EXIT_STEPS)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """review → choosing (the firm exits) or retained (it stays; the contract is active again)."""
        return self.step(serializers.ExitDecideSerializer, services.exit_decide)

    @extend_schema(request=serializers.ExitChooseSuccessorSerializer, responses=EXIT_STEPS)
    @action(detail=True, methods=["post"], url_path="choose-successor")
    def choose_successor(self, request, pk=None):
        """choosing → handover: the owners' firm, interim management or an emergency firm."""
        return self.step(serializers.ExitChooseSuccessorSerializer, services.exit_choose_successor)

    @extend_schema(request=serializers.ExitCheckItemsSerializer, responses=EXIT_STEPS)
    @action(detail=True, methods=["post"], url_path="check-items")
    def check_items(self, request, pk=None):
        """handover: record checklist lines (signatures given before are cleared)."""
        return self.step(serializers.ExitCheckItemsSerializer, services.exit_check_items)

    @extend_schema(request=serializers.ExitSignSerializer, responses=EXIT_STEPS)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """handover: one side signs; with all three, the old contract ends (→ contracting or interim)."""
        return self.step(serializers.ExitSignSerializer, services.exit_sign)

    @extend_schema(request=serializers.ExitRecordContractSerializer, responses=EXIT_STEPS)
    @action(detail=True, methods=["post"], url_path="record-contract")
    def record_contract(self, request, pk=None):
        """contracting / interim → completed: the new contract succeeds the old one."""
        return self.step(serializers.ExitRecordContractSerializer, services.exit_record_contract)

    @extend_schema(request=serializers.ExitReasonSerializer, responses=EXIT_STEPS)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """review / choosing / handover → cancelled, with the reason."""
        return self.step(serializers.ExitReasonSerializer, services.exit_cancel)


class UnattendedComplexViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Complexes in your jurisdiction nobody is responsible for: no serving contract, no interim
    manager, no incoming firm after a handover (物业退出 must never leave a complex alone)."""

    queryset = ResidentialComplex.objects.none()
    serializer_class = serializers.UnattendedComplexSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.unattended_complex_list(self.request.user)
