"""Serializers of the properties/ API."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from redproperty.api import ScopedModelSerializer

from ..models import CreditEvent, EvaluationConsequence, Grade, EvaluationScheme, FeeCollection, FirmEvaluation, Inspection
from ..models import PropertyFirm, SatisfactionSurvey, ServiceContract


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


class EvaluationSchemeSerializer(serializers.ModelSerializer):
    """A version of the scoring rules; results keep the version that produced them."""

    class Meta:
        model = EvaluationScheme
        fields = [f.name for f in EvaluationScheme._meta.concrete_fields]
        read_only_fields = fields


class FirmEvaluationSerializer(serializers.ModelSerializer):
    """One quarter's result for a contract, or (contract null) the firm's roll-up."""

    firm_name = serializers.CharField(source="firm.name", read_only=True)
    scheme_version = serializers.IntegerField(source="scheme.version", read_only=True)
    explanation = serializers.JSONField(read_only=True, help_text=_("Per dimension: which data, how many records, the figures."))
    grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True, read_only=True,
                                    help_text=_("Empty when the data were insufficient."))

    class Meta:
        model = FirmEvaluation
        fields = [
            "id", "scheme", "scheme_version", "period", "period_start", "period_end", "firm", "firm_name", "contract",
            "complex", "households", "status", "score_basic_service", "score_satisfaction", "score_response",
            "score_compliance", "score_party", "bonus", "deduction", "total", "grade", "explanation", "evaluated_at",
        ]
        read_only_fields = fields


class EvaluationConsequenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationConsequence
        fields = ["id", "contract", "period", "kind", "evaluation", "reason", "notified_at", "created_at"]
        read_only_fields = fields
