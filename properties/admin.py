"""Admin of the firm register, service contracts and the evidence of how firms serve."""
from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from redproperty.admin import ScopedModelAdmin, ScopedTabularInline

from .models import (
    SERVING_STATUSES,
    CreditEvent,
    FeeCollection,
    Inspection,
    PropertyFirm,
    SatisfactionSurvey,
    ServiceContract,
)


class ContractFormSet(BaseInlineFormSet):
    """Refuses two serving contracts for one complex entered together on the firm's page
    (each row alone passes the database check, which sees only saved contracts)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        serving = [
            form.cleaned_data["complex"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("status") in SERVING_STATUSES
        ]
        if len(serving) != len(set(serving)):
            raise ValidationError(_("This complex already has an active service contract."))


class ContractInline(ScopedTabularInline):
    model = ServiceContract
    formset = ContractFormSet
    fk_name = "firm"
    fields = ["complex", "start_date", "end_date", "fee_standard", "status", "filed_on"]
    autocomplete_fields = ["complex"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("complex")


@admin.register(PropertyFirm)
class PropertyFirmAdmin(ScopedModelAdmin):
    list_display = ["name", "credit_code", "qualification", "status", "serving_contracts", "party_organization"]
    list_filter = ["status"]
    search_fields = ["name", "credit_code", "contact_person"]
    inlines = [ContractInline]

    def get_queryset(self, request):
        """Scoped firms with their serving contracts counted and `has_party_org` annotated."""
        return (
            super()
            .get_queryset(request)
            .with_party_organization()
            .annotate(_serving=Count("contracts", filter=Q(contracts__status__in=SERVING_STATUSES), distinct=True))
        )

    @admin.display(description=_("serving contracts"), ordering="_serving")
    def serving_contracts(self, obj):
        return obj._serving

    @admin.display(description=_("party organisation"), boolean=True, ordering="has_party_org")
    def party_organization(self, obj):
        return obj.has_party_organization


@admin.register(ServiceContract)
class ServiceContractAdmin(ScopedModelAdmin):
    list_display = ["firm", "complex", "community", "start_date", "end_date", "fee_standard", "status", "filed_on"]
    list_filter = ["status", "complex__community__subdistrict", "complex__community", "firm"]
    list_select_related = ["firm", "complex__community"]
    search_fields = ["firm__name", "complex__name", "firm__credit_code"]
    autocomplete_fields = ["firm", "complex", "successor"]
    date_hierarchy = "start_date"

    @admin.display(description=_("community"), ordering="complex__community__code")
    def community(self, obj):
        return obj.complex.community


class ComplexRecordAdmin(ScopedModelAdmin):
    """Records of one complex: list them with the complex and its community."""

    list_select_related = ["complex__community"]
    search_fields = ["complex__name"]
    autocomplete_fields = ["complex"]

    @admin.display(description=_("community"), ordering="complex__community__code")
    def community(self, obj):
        return obj.complex.community


@admin.register(FeeCollection)
class FeeCollectionAdmin(ComplexRecordAdmin):
    list_display = [
        "complex", "community", "period", "billed_amount", "paid_amount", "collection_rate",
        "billed_households", "paid_households", "is_disclosed",
    ]
    list_filter = ["is_disclosed", "complex__community__subdistrict", "complex__community"]
    date_hierarchy = "period"

    @admin.display(description=_("collection rate (%)"))
    def collection_rate(self, obj):
        return obj.collection_rate


@admin.register(Inspection)
class InspectionAdmin(ComplexRecordAdmin):
    list_display = ["complex", "community", "inspected_on", "inspector", "total"]
    list_filter = ["complex__community__subdistrict", "complex__community"]
    search_fields = ["complex__name", "inspector"]
    date_hierarchy = "inspected_on"

    @admin.display(description=_("total (of 100)"))
    def total(self, obj):
        return obj.total


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ComplexRecordAdmin):
    list_display = ["complex", "community", "period_start", "period_end", "sample_size", "satisfied", "rate"]
    list_filter = ["complex__community__subdistrict", "complex__community"]
    date_hierarchy = "period_start"

    @admin.display(description=_("satisfaction rate (%)"))
    def rate(self, obj):
        return obj.satisfaction_rate


@admin.register(CreditEvent)
class CreditEventAdmin(ScopedModelAdmin):
    list_display = ["firm", "kind", "occurred_on", "points", "complex", "is_verified"]
    list_filter = ["kind", "is_verified", "firm"]
    list_select_related = ["firm", "complex"]
    search_fields = ["firm__name", "description", "complex__name"]
    autocomplete_fields = ["firm", "complex"]
    date_hierarchy = "occurred_on"
