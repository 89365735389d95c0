"""Serializers of the properties/ API."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from redproperty.api import ScopedModelSerializer

from ..models import CreditEvent, FeeCollection, Inspection, PropertyFirm, SatisfactionSurvey, ServiceContract


class PropertyFirmSerializer(ScopedModelSerializer):
    has_party_organization = serializers.BooleanField(
        source="has_party_org", read_only=True, help_text=_("The firm has its own party organisation (derived).")
    )

    class Meta:
        model = PropertyFirm
        fields = [
            "id", "name", "credit_code", "qualification", "contact_person", "contact_phone", "address", "status",
            "has_party_organization", "created_at", "updated_at",
        ]


class ServiceContractSerializer(ScopedModelSerializer):
    firm_name = serializers.CharField(source="firm.name", read_only=True)
    complex_name = serializers.CharField(source="complex.name", read_only=True)

    class Meta:
        model = ServiceContract
        fields = [
            "id", "firm", "firm_name", "complex", "complex_name", "start_date", "end_date", "fee_standard", "status",
            "filed_on", "exit_reason", "ended_on", "successor", "created_at", "updated_at",
        ]


class FeeCollectionSerializer(ScopedModelSerializer):
    collection_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, read_only=True, allow_null=True, help_text=_("Paid / billed amount, in %.")
    )

    class Meta:
        model = FeeCollection
        fields = [
            "id", "complex", "period", "billed_amount", "paid_amount", "billed_households", "paid_households",
            "is_disclosed", "collection_rate", "created_at", "updated_at",
        ]


class InspectionSerializer(ScopedModelSerializer):
    total = serializers.IntegerField(read_only=True, help_text=_("Sum of the five items, out of 100."))

    class Meta:
        model = Inspection
        fields = [
            "id", "complex", "inspected_on", "inspector", *Inspection.ITEMS, "total", "notes", "created_at", "updated_at",
        ]


class SatisfactionSurveySerializer(ScopedModelSerializer):
    satisfaction_rate = serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True)

    class Meta:
        model = SatisfactionSurvey
        fields = [
            "id", "complex", "period_start", "period_end", "sample_size", "satisfied", "satisfaction_rate",
            "created_at", "updated_at",
        ]


class CreditEventSerializer(ScopedModelSerializer):
    class Meta:
        model = CreditEvent
        fields = [
            "id", "firm", "complex", "kind", "occurred_on", "points", "description", "is_verified",
            "created_at", "updated_at",
        ]
