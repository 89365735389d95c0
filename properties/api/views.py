"""Viewsets of the properties/ API. Every queryset comes from visible_to()."""
from redproperty.api import ScopedModelViewSet

from ..models import CreditEvent, FeeCollection, Inspection, PropertyFirm, SatisfactionSurvey, ServiceContract
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
