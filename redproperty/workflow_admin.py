"""The admin door of every governance workflow (redproperty/workflow.py): the district's and
subdistrict's steps, and the place where every record's history is read.

    @admin.register(CommitteeElection)
    class CommitteeElectionAdmin(WorkflowAdmin):
        workflow = services.ELECTION
        open_form = ElectionOpenForm               # the add page: opens a record through its service
        step_forms = {ElectionAction.CONVENE: ConveneForm, ...}
        inlines = [events_inline(CommitteeElectionEvent), ...]

A record's change page is read-only: it shows the record, its timeline and one button per move
allowed from its status (and held in `step_forms`). Each button opens a small form (a `StepForm`,
possibly with a formset of rows) whose `run()` calls the service with the status the user saw,
so a move based on a stale page is refused; refusals show as form errors or, for an illegal or
stale move, as a message. The history is read-only: no "revert" around a state machine.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .admin import ScopedModelAdmin, ScopedTabularInline
from .workflow import TransitionError
from .workflow_forms import StepForm


class ReadOnlyInline(ScopedTabularInline):
    """Rows written by the services only: shown, never edited here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlainReadOnlyInline(ReadOnlyInline):
    """A read-only inline of rows that belong to their record (no jurisdiction of their own)."""

    def get_queryset(self, request):
        return admin.TabularInline.get_queryset(self, request)


def events_inline(event_model):
    """The read-only timeline of a workflow's records, oldest first."""

    class EventInline(ReadOnlyInline):
        model = event_model
        fields = ["created_at", "action", "from_status", "to_status", "actor", "note"]
        readonly_fields = fields
        verbose_name_plural = _("timeline")

        def get_queryset(self, request):
            return super().get_queryset(request).select_related("actor")

    return EventInline


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(overdue_since__isnull=self.value() == "no")
        return queryset


class WorkflowAdmin(ScopedModelAdmin):
    workflow = None
    open_form: type[StepForm] | None = None
    step_forms: dict = {}
    change_form_template = "admin/workflow/change_form.html"

    # -- a record changes through its moves only --------------------------------------
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's "revert" hides its button when disabled but still saves a POST:
        # a past version is only ever read here.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields if f.name != "id"]
        return [*names, *self.readonly_fields]

    def get_fields(self, request, obj=None):
        return [f for f in self.get_readonly_fields(request, obj) if f not in self.hidden_fields]

    hidden_fields: tuple = ()

    # -- pages ------------------------------------------------------------------------
    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path("<path:object_id>/step/<str:action>/", self.admin_site.admin_view(self.step_view),
                 name="%s_%s_step" % info),
            *super().get_urls(),
        ]

    def step_url(self, obj, action) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse("admin:%s_%s_step" % info, args=[obj.pk, action])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        buttons = []
        if obj is not None and self.has_change_permission(request, obj):
            buttons = [(self.step_url(obj, action), self.workflow.label(action))
                       for action in self.workflow.allowed_actions(obj) if action in self.step_forms]
        extra_context = {**(extra_context or {}), "step_buttons": buttons, "show_save": False,
                         "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        """Open a record through the workflow's opening service (`open_form.run`)."""
        if self.open_form is None or not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = self.open_form(data, request=request)
        if data is not None and form.is_valid():
            try:
                with transaction.atomic():
                    record = form.run(actor=request.user, expected_status=None)
                    self.log_addition(request, record, [{"added": {}}])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                self.message_user(request, _("%(record)s: opened.") % {"record": record}, messages.SUCCESS)
                return HttpResponseRedirect(reverse(
                    "admin:%s_%s_change" % (self.model._meta.app_label, self.model._meta.model_name), args=[record.pk]))
        return self._form_page(request, form, title=_("Open: %(name)s") % {"name": self.model._meta.verbose_name},
                               button=_("Open"), record=None)

    def step_view(self, request, object_id, action):
        record = self.get_object(request, unquote(object_id))
        if record is None:  # out of scope looks exactly like a missing record
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if action not in self.step_forms or not self.has_change_permission(request, record):
            raise PermissionDenied
        change_url = reverse("admin:%s_%s_change" % (self.model._meta.app_label, self.model._meta.model_name),
                             args=[record.pk])
        label = self.workflow.label(action)
        data = request.POST if request.method == "POST" else None
        form = self.step_forms[action](data, request=request, record=record,
                                       initial={"expected_status": record.status})
        if data is not None and form.is_valid():
            try:
                with transaction.atomic():
                    form.run(actor=request.user, expected_status=form.cleaned_data["expected_status"] or None)
            except TransitionError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                self.message_user(request, _("%(action)s: done.") % {"action": label}, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return self._form_page(request, form, title=f"{label}: {record}", button=label, record=record,
                               change_url=change_url)

    def _form_page(self, request, form, *, title, button, record, change_url=None):
        return TemplateResponse(request, "admin/workflow/step.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": record,
            "title": title,
            "form": form,
            "formset": form.formset,
            "button": button,
            "change_url": change_url or reverse(
                "admin:%s_%s_changelist" % (self.model._meta.app_label, self.model._meta.model_name)),
            "media": self.media + form.media,
        })


__all__ = ["StepForm", "ReadOnlyInline", "PlainReadOnlyInline", "events_inline", "OverdueFilter", "WorkflowAdmin"]
