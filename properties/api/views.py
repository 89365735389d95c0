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
