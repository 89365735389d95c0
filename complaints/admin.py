"""Staff handle complaints in the admin: a scoped list with overdue rows highlighted, the
timeline inline, and a button (with a small form where a reason or note is needed) for each
transition, each calling complaints/services.py. Staff with `complaints.add_complaint` file a
complaint for a resident who phoned or walked in (the add page, through complaint_submit). The
reporter is shown by complaints/privacy.py's one rule: phone and e-mail masked, revealed (and
recorded) on the reveal page to holders of `complaints.view_reporter_phone`; an anonymous
reporter's name hidden from everyone else. Nothing here changes a status on its own."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from properties.models import PropertyFirm
from redproperty.admin import HistoryAdmin, ScopedModelAdmin, ScopedTabularInline
from redproperty.models import AccessDoor
from redproperty.privacy import may_see_contacts

from . import services
from .selectors import search_complaints
from .models import Action, Attachment, Category, Channel, Complaint, ComplaintEvent, RatesSnapshot, overdue_condition
from .portal.forms import PhotosField



# ---------------------------------------------------------------------------
# Transition forms: the inputs each staff action needs besides the complaint itself
# ---------------------------------------------------------------------------
class TransitionForm(forms.Form):
    """Base: the status the user saw, so a move based on a stale page is refused."""

    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, request=None, complaint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.complaint = request, complaint

    def service_kwargs(self) -> dict:
        return {}


class OptionalNoteForm(TransitionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=services.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"]}


class RequiredNoteForm(TransitionForm):
    note = forms.CharField(label=_("Note to the resident"), max_length=services.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"]}


class RejectForm(TransitionForm):
    reason = forms.CharField(label=_("Reason (the resident reads it)"), max_length=services.NOTE_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class DuplicateForm(TransitionForm):
    original = forms.CharField(label=_("Tracking code of the original complaint"), max_length=12)

    def clean_original(self):
        code = self.cleaned_data["original"].strip().upper()
        original = Complaint.objects.visible_to(self.request.user).filter(tracking_code=code).first()
        if original is None:
            raise ValidationError(_("No complaint with this tracking code."))
        return original

    def service_kwargs(self):
        return {"original": self.cleaned_data["original"]}


class ReassignForm(TransitionForm):
    firm = forms.ModelChoiceField(
        label=_("Property firm"), queryset=PropertyFirm.objects.none(), required=False,
        help_text=_("Leave empty to hand the complaint to the complex's community."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = PropertyFirm.objects.visible_to(self.request.user).exclude(status="withdrawn")

    def service_kwargs(self):
        return {"firm": self.cleaned_data["firm"]}


# action -> (service, form, button label). Rating is the resident's, on the portal.
STAFF_ACTIONS = {
    Action.ACCEPT: (services.complaint_accept, OptionalNoteForm, pgettext_lazy("complaint action", "Accept")),
    Action.REJECT: (services.complaint_reject, RejectForm, pgettext_lazy("complaint action", "Reject")),
    Action.START: (services.complaint_start, OptionalNoteForm, pgettext_lazy("complaint action", "Start work")),
    Action.RESOLVE: (services.complaint_resolve, RequiredNoteForm, pgettext_lazy("complaint action", "Resolve")),
    Action.REOPEN: (services.complaint_reopen, RequiredNoteForm, pgettext_lazy("complaint action", "Reopen")),
    Action.CLOSE: (services.complaint_close, OptionalNoteForm, pgettext_lazy("complaint action", "Close")),
    Action.MARK_DUPLICATE: (services.complaint_mark_duplicate, DuplicateForm, pgettext_lazy("complaint action", "Mark as duplicate")),
    Action.REASSIGN: (services.complaint_reassign, ReassignForm, pgettext_lazy("complaint action", "Reassign")),
    Action.ESCALATE: (services.complaint_escalate, TransitionForm, pgettext_lazy("complaint action", "Escalate")),
}


def _add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: under its field, else above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# ---------------------------------------------------------------------------
# Filing a complaint for a resident (the add page)
# ---------------------------------------------------------------------------
# The ways a resident reaches staff; the portal, API and Open311 file their own complaints.
FILING_CHANNELS = [Channel.PHONE, Channel.WALK_IN, Channel.HOTLINE, Channel.WECHAT]
FILING_FIELDSETS = [
    (None, {"fields": ["complex", "category", "channel", "description", "location_detail", "photos"]}),
    (_("Reporter"), {"fields": ["reporter_name", "reporter_phone", "reporter_email", "is_anonymous"]}),
]


class ComplaintFilingForm(forms.Form):
    """What a staff member takes down from a resident who phoned or came in. Checks the shape
    only; complaint_submit checks again (phone, category), routes and sets the due times.

    The complex is chosen among the complexes the user may see (the admin's scoped foreign-key
    choices, with its autocomplete); labels come from the Complaint model."""

    def __init__(self, *args, model_admin, request, **kwargs):
        super().__init__(*args, **kwargs)
        field = Complaint._meta.get_field
        self.fields["complex"] = model_admin.formfield_for_foreignkey(field("complex"), request)
        self.fields["category"] = model_admin.formfield_for_foreignkey(
            field("category"), request, queryset=Category.objects.active())
        self.fields["channel"] = forms.ChoiceField(
            label=capfirst(field("channel").verbose_name), initial=Channel.PHONE,
            choices=[(channel.value, channel.label) for channel in FILING_CHANNELS])
        self.fields["description"] = field("description").formfield(widget=forms.Textarea(attrs={"rows": 5}))
        self.fields["location_detail"] = field("location_detail").formfield()
        self.fields["photos"] = PhotosField(
            label=_("Photos (optional)"), required=False,
            help_text=_("Up to 3 photos, JPEG, PNG or WebP, at most 5 MB each. Location data is removed."))
        for name in ("reporter_name", "reporter_phone", "reporter_email", "is_anonymous"):
            self.fields[name] = field(name).formfield()


# ---------------------------------------------------------------------------
# Inlines
# ---------------------------------------------------------------------------
class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComplaintEventInline(ReadOnlyInlineMixin, ScopedTabularInline):
    """The timeline, oldest first. Read-only: events are written by the services only."""

    model = ComplaintEvent
    fields = ["created_at", "action", "from_status", "to_status", "actor", "actor_label", "note", "is_public"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AttachmentInline(ReadOnlyInlineMixin, ScopedTabularInline):
    model = Attachment
    fields = ["photo", "width", "height", "is_public", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def photo(self, obj):
        """A thumbnail opening the photo, through the photo view (the scoping rule), never MEDIA_URL."""
        url = obj.get_absolute_url()
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img class="complaint-photo" src="{}" alt="{}" width="96" '
            'height="96" loading="lazy"></a>', url, url, _("Photo"))


# ---------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------
class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(overdue_condition(timezone.now()))
        return queryset


LIST_NAME_CHARS = 8


def _cut(name: str):
    """A name cut to LIST_NAME_CHARS characters for a list column, whole in its title."""
    if len(name) <= LIST_NAME_CHARS:
        return name
    return format_html('<span title="{}">{}</span>', name, Truncator(name).chars(LIST_NAME_CHARS, truncate="…"))


def _short_time(moment):
    """"2026-11-30 14:05" in Beijing time, which stays on one line."""
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else "—"


def _bulk(service, label):
    """An admin action applying one input-less transition to each selected complaint."""

    def action(modeladmin, request, queryset):
        done, refused = 0, []
        for complaint in queryset:
            try:
                service(complaint=complaint, actor=request.user)
                done += 1
            except ValidationError as exc:
                refused.append(f"{complaint.tracking_code}: {' '.join(exc.messages)}")
        if done:
            modeladmin.message_user(request, _("%(count)d complaint(s) updated.") % {"count": done}, messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, line, messages.WARNING)

    action.__name__ = f"bulk_{service.__name__}"
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(Complaint)
class ComplaintAdmin(ScopedModelAdmin):
    # One line per complaint at 1366 px beside the filters: short dates, long names cut with
    # the whole name in the title (change_list.html keeps cells from wrapping).
    list_display = [
        "tracking_code_column", "submitted_column", "complex_column", "category", "status", "handler_level",
        "handler", "due_resolve_column", "phone_column",
    ]
    list_display_links = ["tracking_code_column"]
    # The submission date filters by ranges (today, 7 days, month, year), which need no query:
    # a date hierarchy would read the distinct years and months of a million complaints.
    list_filter = ["status", "category", OverdueFilter, "channel", "handler_level",
                   ("submitted_at", admin.DateFieldListFilter)]
    list_select_related = ["complex", "category", "assigned_firm", "assigned_community", "escalated_to"]
    # get_search_results: a code or its beginning (by index), else the description and the place.
    search_fields = ["tracking_code", "description", "location_detail"]
    search_help_text = _("A tracking code or its beginning, or words of the description or the place.")
    inlines = [ComplaintEventInline, AttachmentInline]
    change_form_template = "admin/complaints/complaint/change_form.html"
    actions = [
        _bulk(services.complaint_accept, _("Accept the selected complaints")),
        _bulk(services.complaint_start, _("Start work on the selected complaints")),
        _bulk(services.complaint_close, _("Close the selected resolved complaints")),
        _bulk(services.complaint_escalate, _("Escalate the selected complaints one level")),
    ]
    # Staff may correct where a complaint belongs in the catalogue; everything else changes
    # through the transitions.
    editable_fields = ["category", "location_detail"]

    # The add page's complex picker (the form is ComplaintFilingForm; on the change page the
    # complex is read-only).
    autocomplete_fields = ["complex"]
    # Other admins pick complaints (a joint meeting cites them) by code through the
    # autocomplete, which labels each with its complex and category (redproperty/admin_site.py).
    autocomplete_select_related = ["complex", "category"]

    def autocomplete_label(self, obj):
        return obj.label

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        return search_complaints(queryset, search_term), False

    # -- columns ---------------------------------------------------------------
    @admin.display(description=_("tracking code"), ordering="tracking_code")
    def tracking_code_column(self, obj):
        if obj.is_overdue:
            return format_html('<span class="complaint-overdue" title="{}">{} ⚠</span>', _("Overdue"), obj.tracking_code)
        return obj.tracking_code

    @admin.display(description=_("submitted at"), ordering="submitted_at")
    def submitted_column(self, obj):
        return _short_time(obj.submitted_at)

    @admin.display(description=_("resolution due"), ordering="due_resolve_at")
    def due_resolve_column(self, obj):
        return _short_time(obj.due_resolve_at)

    @admin.display(description=_("residential complex"), ordering="complex__name")
    def complex_column(self, obj):
        return _cut(obj.complex.name)

    @admin.display(description=_("handler"))
    def handler(self, obj):
        """The firm, subdistrict or community, as the handling level beside it says."""
        return _cut(obj.handler.name)

    @admin.display(description=_("reporter phone"))
    def phone_column(self, obj):
        return obj.masked_phone

    # -- the change form ---------------------------------------------------------
    def get_fieldsets(self, request, obj=None):
        # Who is looking decides how the reporter's details are shown (thread-safe: the
        # choice is a field name, not state on this shared ModelAdmin).
        # complaints/privacy.py: the name unless withheld, phone and e-mail masked, revealed
        # (and recorded) through the reveal page by holders of the permission.
        contact = ["reporter_name" if may_see_contacts(request.user) else "reporter_name_unless_anonymous",
                   "phone_with_reveal" if may_see_contacts(request.user) else "phone_masked", "email_masked",
                   "is_anonymous"]
        return [
            (None, {"fields": ["tracking_code", "status", "complex", "category", "channel", "description",
                               "location_detail"]}),
            (_("Reporter"), {"fields": contact}),
            (_("Handling"), {"fields": ["handler_level", "assigned_firm", "assigned_community", "escalated_to",
                                        "duplicate_of", "reject_reason", "resolution_note", "rating",
                                        "rating_comment", "reopened_count", "escalation_count"]}),
            (_("Times"), {"fields": ["submitted_at", "due_response_at", "due_resolve_at", "accepted_at",
                                     "started_at", "resolved_at", "rejected_at", "closed_at", "rated_at",
                                     "escalated_at", "overdue_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = [f for section in self.get_fieldsets(request, obj) for f in section[1]["fields"]]
        return [f for f in fields if f not in self.editable_fields]

    @admin.display(description=_("reporter name"))
    def reporter_name_unless_anonymous(self, obj):
        if obj.is_anonymous:
            return _("(anonymous)")
        return obj.reporter_name or "—"

    @admin.display(description=_("reporter phone"))
    def phone_masked(self, obj):
        return obj.masked_phone or "—"

    @admin.display(description=_("reporter phone"))
    def phone_with_reveal(self, obj):
        if not (obj.reporter_phone or obj.reporter_email):
            return "—"
        url = reverse("admin:complaints_complaint_reveal_phone", args=[obj.pk])
        return format_html('{} <a class="button" href="{}">{}</a>', obj.masked_phone or "—", url,
                           _("Show the full contact details"))

    @admin.display(description=_("reporter email"))
    def email_masked(self, obj):
        return obj.masked_email or "—"

    # -- transitions ---------------------------------------------------------------
    def get_urls(self):
        return [
            path("<path:object_id>/transition/<str:action>/", self.admin_site.admin_view(self.transition_view),
                 name="complaints_complaint_transition"),
            path("<path:object_id>/reveal-phone/", self.admin_site.admin_view(self.reveal_phone_view),
                 name="complaints_complaint_reveal_phone"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        buttons = []
        if obj is not None and self.has_change_permission(request, obj):
            for action in services.allowed_actions(obj):
                if action in STAFF_ACTIONS:
                    url = reverse("admin:complaints_complaint_transition", args=[obj.pk, action])
                    buttons.append((url, STAFF_ACTIONS[action][2]))
        # Filing is its own page; the change page keeps only "Save" and "Save and continue".
        extra_context = {**(extra_context or {}), "transition_buttons": buttons, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        """File a complaint for a resident through complaint_submit, with the user as actor.

        A refusal by the service shows on the form and saves nothing. On success the user
        lands on the new complaint (or, with "Save and add another", on a fresh form) with
        its tracking code to read out to the resident."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = (request.POST, request.FILES) if request.method == "POST" else ()
        form = ComplaintFilingForm(*data, model_admin=self, request=request)
        if data and form.is_valid():
            try:
                with transaction.atomic():
                    complaint = services.complaint_submit(actor=request.user, **form.cleaned_data)
                    self.log_addition(request, complaint, [{"added": {}}])
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                self.message_user(request, _(
                    "Complaint filed. Its tracking code is %(code)s: read it out to the resident, who can "
                    "follow the complaint with it.") % {"code": complaint.tracking_code}, messages.SUCCESS)
                if "_addanother" in request.POST:
                    return HttpResponseRedirect(request.path)
                return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
        adminform = helpers.AdminForm(form, FILING_FIELDSETS, {}, model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            "title": _("File a complaint for a resident"),
            "adminform": adminform,
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "media": self.media + adminform.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            # "Save" already opens the new complaint.
            "show_save_and_continue": False,
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)

    def _complaint_or_redirect(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # out of scope looks exactly like a missing complaint
            return None, self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return obj, None

    def transition_view(self, request, object_id, action):
        complaint, redirect = self._complaint_or_redirect(request, object_id)
        if redirect:
            return redirect
        if action not in STAFF_ACTIONS:
            raise PermissionDenied
        if not self.has_change_permission(request, complaint):
            raise PermissionDenied
        service, form_class, label = STAFF_ACTIONS[action]
        change_url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        data = request.POST if request.method == "POST" else None
        form = form_class(data, request=request, complaint=complaint, initial={"expected_status": complaint.status})
        if data is not None and form.is_valid():
            try:
                service(complaint=complaint, actor=request.user, expected_status=form.cleaned_data["expected_status"],
                        **form.service_kwargs())
            except services.TransitionError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                self.message_user(request, _("%(action)s: done.") % {"action": label}, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return TemplateResponse(request, "admin/complaints/complaint/transition.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": complaint,
            "title": f"{label}: {complaint.tracking_code}",
            "form": form,
            "button": label,
            "change_url": change_url,
        })

    def reveal_phone_view(self, request, object_id):
        """Show the full number to a user with the permission, recording that they looked."""
        complaint, redirect = self._complaint_or_redirect(request, object_id)
        if redirect:
            return redirect
        if not may_see_contacts(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": complaint,
            "title": _("Reporter's phone number: %(code)s") % {"code": complaint.tracking_code},
            "change_url": reverse("admin:complaints_complaint_change", args=[complaint.pk]),
        }
        if request.method == "POST":
            context["phone"] = services.complaint_reveal_phone(complaint=complaint, actor=request.user, door=AccessDoor.ADMIN) or "—"
            context["email"] = complaint.reporter_email or "—"  # revealed with the phone, in the same record
        return TemplateResponse(request, "admin/complaints/complaint/reveal_phone.html", context)


@admin.register(Category)
class CategoryAdmin(HistoryAdmin):
    list_display = ["name", "code", "response_hours", "resolve_days", "is_urgent", "is_active", "sort_order"]
    list_filter = ["is_urgent", "is_active"]
    search_fields = ["code", "name"]
    ordering = ["sort_order", "code"]


@admin.register(RatesSnapshot)
class RatesSnapshotAdmin(admin.ModelAdmin):
    """Read-only: stored by the monthly task."""

    list_display = ["period", "scope_kind", "scope_id", "received", "response_due", "responded_in_time", "due", "resolved",
                    "rated", "satisfied", "created_at"]
    list_filter = ["scope_kind", "period"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False



# ---------------------------------------------------------------------------
# Referrals to departments (监管联动): every step through complaints/services.py (REFERRAL);
# the departments' register; 12345 work orders, read only (they come in through the API)
# ---------------------------------------------------------------------------
from redproperty.admin import ScopedAdminMixin  # noqa: E402
from redproperty.workflow_admin import OverdueFilter, WorkflowAdmin, events_inline  # noqa: E402

from . import forms as referral_forms  # noqa: E402
from .models import Department, HotlineWorkOrder, Referral, ReferralAction, ReferralEvent  # noqa: E402


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ["name", "kind", "contact_person", "contact_phone", "reply_days", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "contact_person"]


@admin.register(Referral)
class ReferralAdmin(WorkflowAdmin):
    workflow = services.REFERRAL
    open_form = referral_forms.ReferralOpenForm
    step_forms = {
        ReferralAction.ACKNOWLEDGE: referral_forms.AcknowledgeForm,
        ReferralAction.EXTEND: referral_forms.ExtendForm,
        ReferralAction.REPLY: referral_forms.ReplyForm,
        ReferralAction.WITHDRAW: referral_forms.WithdrawForm,
    }
    list_display = ["complaint", "department", "matter", "status", "referred_on", "due_on", "replied_on",
                    "in_time", "overdue"]
    list_filter = ["status", OverdueFilter, "department", "matter", "complaint__complex__community__subdistrict"]
    list_select_related = ["complaint", "department"]
    search_fields = ["complaint__tracking_code", "summary"]
    date_hierarchy = "referred_on"
    inlines = [events_inline(ReferralEvent)]

    @admin.display(description=_("replied in time"), boolean=True)
    def in_time(self, obj):
        return obj.is_replied_in_time

    @admin.display(description=_("overdue"), boolean=True, ordering="overdue_since")
    def overdue(self, obj):
        return obj.is_overdue


@admin.register(HotlineWorkOrder)
class HotlineWorkOrderAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Received through the API only (POST /api/v1/hotline-work-orders/): read here."""

    list_display = ["external_id", "complaint", "received_at"]
    list_select_related = ["complaint"]
    search_fields = ["external_id", "complaint__tracking_code"]
    fields = readonly_fields = ["external_id", "complaint", "received_by", "received_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
