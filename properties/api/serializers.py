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


# ---------------------------------------------------------------------------
# Firm exit and replacement
# ---------------------------------------------------------------------------
from decimal import Decimal  # noqa: E402

from communities.models import ResidentialComplex  # noqa: E402
from redproperty.api import ScopedPrimaryKeyRelatedField  # noqa: E402
from redproperty.workflow_api import StepSerializer, WorkflowRecordSerializer, events_serializer  # noqa: E402

from ..models import (  # noqa: E402
    ContractExit,
    ContractExitEvent,
    ExitDecision,
    ExitStatus,
    HandoverItem,
    HandoverItemKind,
    HandoverSide,
    SuccessorKind,
)
from ..services import EXIT  # noqa: E402


class HandoverItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandoverItem
        fields = ["id", "kind", "is_done", "detail", "amount"]
        read_only_fields = fields


class ContractExitSerializer(WorkflowRecordSerializer):
    """A firm's exit from a complex and its replacement: the joint meeting's decision, the
    successor, the handover checklist and signatures, the new contract, and the timeline."""

    workflow = EXIT
    complex_name = serializers.CharField(source="complex.name", read_only=True)
    outgoing_firm = serializers.IntegerField(source="contract.firm_id", read_only=True)
    status = serializers.ChoiceField(choices=ExitStatus.choices, read_only=True)
    # Blank until the step is taken: declared so that the schema allows "" (a read-only model
    # field loses allow_blank).
    decision = serializers.ChoiceField(choices=ExitDecision.choices, allow_blank=True, read_only=True)
    successor_kind = serializers.ChoiceField(choices=SuccessorKind.choices, allow_blank=True, read_only=True)
    items = HandoverItemSerializer(many=True, read_only=True)
    events = events_serializer(ContractExitEvent)(many=True, read_only=True)

    class Meta:
        model = ContractExit
        fields = [
            "id", "complex", "complex_name", "contract", "outgoing_firm", "status", "opened_on", "reason",
            "decided_on", "decision", "decision_note", "successor_kind", "successor_firm", "interim_manager",
            "chosen_on", "choice_note", "outgoing_signed_on", "incoming_signed_on", "community_signed_on",
            "new_contract", "cancel_reason", "due_on", "overdue_since", "is_overdue", "allowed_actions", "items",
            "events", "created_at", "updated_at",
        ]
        read_only_fields = fields


class ExitOpenSerializer(serializers.Serializer):
    contract = ScopedPrimaryKeyRelatedField(queryset=ServiceContract.objects.none(),
                                            help_text=_("A contract under exit review."))
    opened_on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ExitDecideSerializer(StepSerializer):
    decided_on = serializers.DateField()
    decision = serializers.ChoiceField(choices=ExitDecision.choices)
    note = serializers.CharField(max_length=2000, help_text=_("What the joint meeting decided and why."))


class ExitChooseSuccessorSerializer(StepSerializer):
    chosen_on = serializers.DateField()
    successor_kind = serializers.ChoiceField(choices=SuccessorKind.choices)
    successor_firm = serializers.PrimaryKeyRelatedField(
        queryset=PropertyFirm.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("The incoming firm (not for interim management)."))
    interim_manager = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class HandoverLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HandoverItemKind.choices)
    is_done = serializers.BooleanField()
    detail = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False,
                                      allow_null=True, default=None)


class ExitCheckItemsSerializer(StepSerializer):
    items = HandoverLineSerializer(many=True, help_text=_("The checklist lines to record, each kind once."))

    def validate_items(self, items):
        kinds = [i["kind"] for i in items]
        if not kinds or len(set(kinds)) != len(kinds):
            raise serializers.ValidationError(_("Name each checklist line once."))
        return {i["kind"]: {k: v for k, v in i.items() if k != "kind"} for i in items}


class ExitSignSerializer(StepSerializer):
    side = serializers.ChoiceField(choices=HandoverSide.choices)
    signed_on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class ExitRecordContractSerializer(StepSerializer):
    firm = serializers.PrimaryKeyRelatedField(
        queryset=PropertyFirm.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("After interim management: the firm the owners chose; otherwise the incoming firm."))
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    fee_standard = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0"))
    filed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ExitReasonSerializer(StepSerializer):
    reason = serializers.CharField(max_length=2000)


class UnattendedComplexSerializer(serializers.ModelSerializer):
    """A complex nobody is responsible for: no serving contract, no interim manager."""

    community_name = serializers.CharField(source="community.name", read_only=True)
    subdistrict_name = serializers.CharField(source="community.subdistrict.name", read_only=True)
    last_firm_name = serializers.CharField(read_only=True, allow_null=True,
                                           help_text=_("The firm that served it last, if any."))
    last_ended_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = ResidentialComplex
        fields = ["id", "name", "community", "community_name", "subdistrict_name", "complex_type", "management_mode",
                  "households", "last_firm_name", "last_ended_on"]
        read_only_fields = fields
