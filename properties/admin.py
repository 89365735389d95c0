"""Admin of the firm register, service contracts and the evidence of how firms serve."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
from .services import contracts_put_under_exit_review


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


CONTRACT_INLINE_FIELDS = ["complex", "start_date", "end_date", "fee_standard", "status", "filed_on"]


class ContractInline(ScopedTabularInline):
    """The firm's contracts, read-only: each one changes on its own page, where its exit is recorded.
    (Editable rows would cost a query per row for the complex picker.)"""

    model = ServiceContract
    fk_name = "firm"
    fields = readonly_fields = CONTRACT_INLINE_FIELDS
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row shows the contract's name, which names its firm and complex.
        return super().get_queryset(request).select_related("firm", "complex")


class NewContractInline(ScopedTabularInline):
    """Rows to add new contracts on the firm's page."""

    model = ServiceContract
    formset = ContractFormSet
    fk_name = "firm"
    fields = CONTRACT_INLINE_FIELDS
    autocomplete_fields = ["complex"]
    extra = 1
    verbose_name = _("new service contract")
    verbose_name_plural = _("new service contracts")

    def get_queryset(self, request):
        return super().get_queryset(request).none()


@admin.register(PropertyFirm)
class PropertyFirmAdmin(ScopedModelAdmin):
    list_display = ["name", "credit_code", "qualification", "status", "serving_contracts", "party_organization"]
    list_filter = ["status"]
    search_fields = ["name", "credit_code", "contact_person"]
    inlines = [ContractInline, NewContractInline]

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


class ComplexRecordAdmin(ScopedModelAdmin):
    """Records of one complex: listed with the complex and its community, filtered by place."""

    list_filter = ["complex__community__subdistrict", "complex__community"]
    list_select_related = ["complex__community"]
    search_fields = ["complex__name"]
    autocomplete_fields = ["complex"]

    @admin.display(description=_("community"), ordering="complex__community__code")
    def community(self, obj):
        return obj.complex.community


@admin.register(ServiceContract)
class ServiceContractAdmin(ComplexRecordAdmin):
    list_display = ["firm", "complex", "community", "start_date", "end_date", "fee_standard", "status", "filed_on"]
    list_filter = ["status", *ComplexRecordAdmin.list_filter, "firm"]
    list_select_related = ["firm", "complex__community"]
    search_fields = ["firm__name", "complex__name", "firm__credit_code"]
    autocomplete_fields = ["firm", "complex", "successor"]
    date_hierarchy = "start_date"
    actions = ["put_under_exit_review"]

    def get_queryset(self, request):
        # A contract is named by its firm and complex: joined for autocomplete answers too (and
        # as the list needs, since the list skips list_select_related once anything is joined).
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.action(description=_("Put under exit review"), permissions=["change"])
    def put_under_exit_review(self, request, queryset):
        """Asks for the reason on a page of its own, then calls contracts_put_under_exit_review."""
        form = ExitReviewForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            changed = contracts_put_under_exit_review(actor=request.user, reasons={c.pk: reason for c in queryset})
            self.message_user(request, ngettext(
                "%(count)d contract put under exit review.", "%(count)d contracts put under exit review.", changed,
            ) % {"count": changed}, messages.SUCCESS if changed else messages.WARNING)
            return None
        return TemplateResponse(request, "admin/properties/servicecontract/exit_review.html", {
            **self.admin_site.each_context(request),
            "title": _("Put under exit review"),
            "opts": self.model._meta,
            "form": form,
            "contracts": queryset.select_related("firm", "complex"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })


class ExitReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("exit reason"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded on every contract selected; the joint meeting takes it up."),
    )


@admin.register(FeeCollection)
class FeeCollectionAdmin(ComplexRecordAdmin):
    list_display = [
        "complex", "community", "period", "billed_amount", "paid_amount", "collection_rate",
        "billed_households", "paid_households", "is_disclosed",
    ]
    list_filter = ["is_disclosed", *ComplexRecordAdmin.list_filter]
    date_hierarchy = "period"

    @admin.display(description=_("collection rate (%)"))
    def collection_rate(self, obj):
        return obj.collection_rate


@admin.register(Inspection)
class InspectionAdmin(ComplexRecordAdmin):
    list_display = ["complex", "community", "inspected_on", "inspector", "total"]
    search_fields = ["complex__name", "inspector"]
    date_hierarchy = "inspected_on"

    @admin.display(description=_("total (of 100)"))
    def total(self, obj):
        return obj.total


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ComplexRecordAdmin):
    list_display = ["complex", "community", "period_start", "period_end", "sample_size", "satisfied", "rate"]
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


# ---------------------------------------------------------------------------
# Firm evaluation (helper E): schemes are revised, not edited; results and their
# consequences are computed by properties/evaluation.py and only read here.
# ---------------------------------------------------------------------------
from django.utils.html import format_html, format_html_join  # noqa: E402
from django.utils.translation import gettext  # noqa: E402

from redproperty.admin import HistoryAdmin, ScopedAdminMixin  # noqa: E402

from .explanations import credit_text, dimension_explanations, missing_text  # noqa: E402
from .models import DeadlineReminder, EvaluationConsequence, EvaluationScheme, FirmEvaluation  # noqa: E402
from .services import scheme_revise  # noqa: E402


class ReadOnlyAdminMixin:
    """Computed records: listed and opened, never added, edited or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(HistoryAdmin):
    """Saving a changed scheme makes a new version (scheme_revise) and puts it in use; the
    results of the old version keep it."""

    list_display = [
        "version", "is_active", "weight_basic_service", "weight_satisfaction", "weight_response",
        "weight_compliance", "weight_party", "grade_excellent_min", "grade_good_min", "grade_pass_min", "created_at",
    ]
    readonly_fields = ["version", "is_active", "created_at"]
    fieldsets = [
        (None, {"fields": ["version", "is_active", "created_at", "note"]}),
        (_("Dimension weights (points, adding up to 100)"), {"fields": list(EvaluationScheme.WEIGHT_FIELDS)}),
        (_("Grade bands"), {"fields": ["grade_excellent_min", "grade_good_min", "grade_pass_min"]}),
        (_("Fee collection steps"), {"fields": ["fee_full_min", "fee_three_quarters_min", "fee_half_min"]}),
        (_("Bonus and deductions"), {"fields": ["bonus_cap", "repeat_complaint_penalty"]}),
        (_("Minimum data per quarter"), {"fields": ["min_inspections", "min_satisfaction_answers", "min_fee_months"]}),
    ]

    def has_add_permission(self, request):
        return False  # a new version comes from revising the one in use

    def has_delete_permission(self, request, obj=None):
        return False  # results refer to every version

    def save_model(self, request, obj, form, change):
        original = EvaluationScheme.objects.get(pk=obj.pk)
        revised = scheme_revise(
            actor=request.user, scheme=original, **{name: form.cleaned_data[name] for name in form.changed_data}
        )
        obj.pk, obj.version, obj.is_active = revised.pk, revised.version, revised.is_active


@admin.register(FirmEvaluation)
class FirmEvaluationAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "period", "firm", "where", "status", "grade", "total", "score_basic_service", "score_satisfaction",
        "score_response", "score_compliance", "score_party", "bonus", "deduction", "scheme_version",
    ]
    list_filter = ["period", "grade", "status", "scheme"]
    list_select_related = ["firm", "complex", "scheme"]
    search_fields = ["firm__name", "complex__name"]
    exclude = ["explanation"]
    readonly_fields = ["explained"]

    @admin.display(description=_("complex"), ordering="complex__name")
    def where(self, obj):
        return obj.complex or _("Firm roll-up")

    @admin.display(description=_("scheme"), ordering="scheme__version")
    def scheme_version(self, obj):
        return obj.scheme.version

    @admin.display(description=_("explanation"))
    def explained(self, obj):
        """The stored evidence in words, dimension by dimension, with the points (the API keeps
        the structured JSON)."""
        dimensions = dimension_explanations(obj, obj.scheme)
        rows = format_html_join(
            "", '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>',
            ((d["label"], "—" if d["score"] is None else d["score"], "—" if d["weight"] is None else d["weight"],
              d["text"] or "—") for d in dimensions),
        )
        table = format_html(
            '<table id="evaluation-explanation"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            gettext("Dimension"), gettext("Score"), gettext("Of"), gettext("Evidence"), rows,
        )
        notes = []
        if not obj.contract_id:
            notes.append(dimensions[0]["rollup_text"])
        else:
            notes.append(credit_text(obj))
        missing = missing_text(obj)
        if missing:
            notes.append(gettext("Too little data to score: missing %(missing)s.") % {"missing": missing})
        return format_html("{}{}", table, format_html_join("", "<p>{}</p>", ((note,) for note in notes)))


@admin.register(EvaluationConsequence)
class EvaluationConsequenceAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["period", "kind", "contract", "reason", "notified_at"]
    list_filter = ["period", "kind"]
    list_select_related = ["contract__firm", "contract__complex"]
    search_fields = ["contract__firm__name", "contract__complex__name"]


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "complex", "ends_on", "notified_at"]
    list_filter = ["kind"]
    list_select_related = ["complex"]
    search_fields = ["complex__name"]


# ---------------------------------------------------------------------------
# Firm exit and replacement: every step through properties/services.py (EXIT)
# ---------------------------------------------------------------------------
from redproperty.workflow_admin import OverdueFilter, PlainReadOnlyInline, WorkflowAdmin, events_inline  # noqa: E402

from . import forms as exit_forms  # noqa: E402
from .models import ContractExit, ContractExitEvent, ExitAction, HandoverItem  # noqa: E402
from .services import EXIT  # noqa: E402


class HandoverItemInline(PlainReadOnlyInline):
    model = HandoverItem
    fields = readonly_fields = ["kind", "is_done", "detail", "amount"]


@admin.register(ContractExit)
class ContractExitAdmin(WorkflowAdmin):
    workflow = EXIT
    open_form = exit_forms.ExitOpenForm
    step_forms = {
        ExitAction.DECIDE: exit_forms.DecideForm,
        ExitAction.CHOOSE_SUCCESSOR: exit_forms.ChooseSuccessorForm,
        ExitAction.CHECK_ITEMS: exit_forms.CheckItemsForm,
        ExitAction.SIGN: exit_forms.SignForm,
        ExitAction.RECORD_CONTRACT: exit_forms.RecordContractForm,
        ExitAction.CANCEL: exit_forms.ExitCancelForm,
    }
    list_display = ["complex", "community", "outgoing_firm", "status", "successor_kind", "opened_on", "due_on",
                    "overdue"]
    list_filter = ["status", OverdueFilter, "successor_kind", "complex__community__subdistrict"]
    list_select_related = ["complex__community", "contract__firm"]
    search_fields = ["complex__name", "contract__firm__name"]
    date_hierarchy = "opened_on"
    inlines = [HandoverItemInline, events_inline(ContractExitEvent)]

    @admin.display(description=_("community"), ordering="complex__community__code")
    def community(self, obj):
        return obj.complex.community

    @admin.display(description=_("outgoing firm"), ordering="contract__firm__name")
    def outgoing_firm(self, obj):
        return obj.contract.firm

    @admin.display(description=_("overdue"), boolean=True, ordering="overdue_since")
    def overdue(self, obj):
        return obj.is_overdue
