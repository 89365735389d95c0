"""The complaint pages of the workbench: the queue, one page per complaint with the moves
allowed now, intake for a resident who phoned or walked in, bulk accept, the phone reveal,
the tracking-code autocomplete and the reply templates staff keep.

Every record comes from `Complaint.objects.visible_to(user)` (through the base's `scoped`);
every write is a call to complaints/services.py."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from complaints import selectors, services
from complaints.models import Action, Complaint, ComplaintEvent, ReplyTemplate, Status
from redproperty.models import AccessDoor
from redproperty.privacy import CONTACT_PERMISSION, reporter_as_seen_by
from redproperty.scoping import ROLE_FIRM, staff_profile_of
from redproperty.workbench.forms import add_service_errors
from redproperty.workbench.views import (
    ScopedListView,
    ScopedMixin,
    ServiceFormView,
    WorkbenchMixin,
    redirect_after_post,
)

from . import forms

PHONE_PERMISSION = CONTACT_PERMISSION

# action -> (service, form, button label). Rating is the resident's, on the portal.
ACTIONS = {
    Action.ACCEPT: (services.complaint_accept, forms.AcceptForm, pgettext_lazy("complaint action", "Accept")),
    Action.START: (services.complaint_start, forms.StartForm, pgettext_lazy("complaint action", "Start work")),
    Action.RESOLVE: (services.complaint_resolve, forms.ResolveForm, pgettext_lazy("complaint action", "Resolve")),
    Action.REJECT: (services.complaint_reject, forms.RejectForm, pgettext_lazy("complaint action", "Reject")),
    Action.REOPEN: (services.complaint_reopen, forms.ReopenForm, pgettext_lazy("complaint action", "Reopen")),
    Action.CLOSE: (services.complaint_close, forms.CloseForm, pgettext_lazy("complaint action", "Close")),
    Action.MARK_DUPLICATE: (services.complaint_mark_duplicate, forms.DuplicateForm, pgettext_lazy("complaint action", "Mark as duplicate")),
    Action.REASSIGN: (services.complaint_reassign, forms.ReassignForm, pgettext_lazy("complaint action", "Reassign")),
    Action.ESCALATE: (services.complaint_escalate, forms.EscalateForm, pgettext_lazy("complaint action", "Escalate")),
}
# Shown open: the move that usually comes next. The others fold away behind their name.
MAIN_ACTIONS = (Action.ACCEPT, Action.START, Action.RESOLVE)


class ComplaintQueueView(ScopedListView):
    model = Complaint
    permission_required = ("complaints.view_complaint",)
    template_name = "workbench/complaints/list.html"
    fragment_target = "queue"
    fragment_template_name = "workbench/complaints/_queue.html"
    title = _("Complaints")

    def get_queryset(self):
        self.filter_form = forms.QueueFilterForm(self.request.GET or None, user=self.request.user)
        filters = self.filter_form.filters() if self.request.GET else {}
        return selectors.complaint_queue(self.scoped(Complaint), **{k: v for k, v in filters.items() if v not in (None, "")})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["filters_active"] = any(v for k, v in self.request.GET.items() if k not in ("q", "page"))
        context["may_accept"] = self.request.user.has_perm("complaints.change_complaint")
        context["may_add"] = self.request.user.has_perm("complaints.add_complaint")
        return context


class BulkAcceptView(WorkbenchMixin, View):
    """Accept the ticked complaints, each through complaint_accept in its own transaction;
    the ones that moved meanwhile are named, not silently skipped."""

    permission_required = ("complaints.change_complaint",)

    def post(self, request):
        queryset = self.scoped(Complaint).filter(status=Status.SUBMITTED)
        form = forms.BulkAcceptForm(request.POST, queryset=queryset)
        if not form.is_valid():
            for error in form.errors.get("complaints", []):
                messages.error(request, error)
        else:
            done = 0
            for complaint in form.cleaned_data["complaints"]:
                try:
                    services.complaint_accept(complaint=complaint, actor=request.user, expected_status=Status.SUBMITTED)
                    done += 1
                except ValidationError as exc:
                    messages.warning(request, f"{complaint.tracking_code}: {' '.join(exc.messages)}")
            if done:
                messages.success(request, _("%(count)d complaint(s) accepted.") % {"count": done})
        return redirect_after_post(request, request.POST.get("next") or reverse("workbench:complaints:list"))


def _templates_for(user, complaint):
    return ReplyTemplate.objects.visible_to(user).filter(category_id=complaint.category_id)


def transition_forms(user, complaint, *, bound=None):
    """(action, label, form, is_main) for each move allowed now; `bound` = (action, form) keeps a
    submitted form with its errors in its place."""
    if not user.has_perm("complaints.change_complaint"):
        return []
    templates = _templates_for(user, complaint)
    candidates = None
    result = []
    for action in services.allowed_actions(complaint):
        if action not in ACTIONS:
            continue
        _service, form_class, label = ACTIONS[action]
        if bound and bound[0] == action:
            form = bound[1]
        else:
            kwargs = {}
            if form_class is forms.DuplicateForm:
                candidates = candidates if candidates is not None else selectors.duplicate_candidates(
                    Complaint.objects.visible_to(user), complaint)
                kwargs["candidates"] = candidates
            form = form_class(user=user, complaint=complaint, **kwargs)
            if hasattr(form, "add_templates"):
                form.add_templates(templates)
        result.append({"action": action, "label": label, "form": form, "is_main": action in MAIN_ACTIONS,
                       "url": reverse("workbench:complaints:transition", args=[complaint.pk, action])})
    return result


class ComplaintDetailView(ScopedMixin, TemplateView):
    """One complaint: facts, the timeline, photos, the reporter (masked unless the permission
    is held), duplicate suggestions and the moves allowed now."""

    model = Complaint
    permission_required = ("complaints.view_complaint",)
    template_name = "workbench/complaints/detail.html"
    select_related = ("complex__community", "category", "assigned_firm", "assigned_community", "escalated_to",
                      "duplicate_of")

    def get_complaint(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.complaint = self.get_complaint()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, *, bound=None, revealed=None, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint, user = self.complaint, self.request.user
        events = (ComplaintEvent.objects.visible_to(user).filter(complaint=complaint)
                  .select_related("actor").order_by("created_at", "pk"))
        context.update({
            "complaint": complaint,
            "title": complaint.tracking_code,
            "events": events,
            "attachments": complaint.attachments.order_by("created_at", "pk"),
            "transitions": transition_forms(user, complaint, bound=bound),
            "reporter": reporter_as_seen_by(complaint, user),  # complaints/privacy.py
            "revealed": revealed,
            "candidates": selectors.duplicate_candidates(Complaint.objects.visible_to(user), complaint)
            if complaint.is_open else [],
        })
        return context


class ComplaintTransitionView(ComplaintDetailView):
    """POST one move. Refused moves (stale page, not allowed now) come back as a message; bad
    input comes back on the page with status 400 and nothing changed."""

    permission_required = ("complaints.view_complaint", "complaints.change_complaint")
    http_method_names = ["post"]

    def post(self, request, pk, action):
        self.complaint = complaint = self.get_complaint()
        if action not in ACTIONS:
            raise Http404
        service, form_class, label = ACTIONS[action]
        kwargs = {}
        if form_class is forms.DuplicateForm:
            kwargs["candidates"] = selectors.duplicate_candidates(Complaint.objects.visible_to(request.user), complaint)
        form = form_class(request.POST, request.FILES, user=request.user, complaint=complaint, **kwargs)
        if hasattr(form, "add_templates"):
            form.add_templates(_templates_for(request.user, complaint))
        detail_url = reverse("workbench:complaints:detail", args=[complaint.pk])
        if form.is_valid():
            try:
                service(complaint=complaint, actor=request.user, expected_status=form.cleaned_data["expected_status"],
                        **form.service_kwargs())
            except services.TransitionError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect_after_post(request, detail_url)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(action)s: done.") % {"action": label})
                return redirect_after_post(request, detail_url)
        if action not in services.allowed_actions(complaint):
            messages.error(request, _("“%(action)s” is not possible while the complaint is “%(status)s”.")
                           % {"action": label, "status": complaint.get_status_display()})
            return redirect_after_post(request, detail_url)
        context = self.get_context_data(bound=(action, form))
        return self.render_to_response(context, status=400)

    def render_to_response(self, context, status=200, **kwargs):
        return render(self.request, self.template_name, context, status=status)


class RevealPhoneView(ComplaintDetailView):
    """POST: show the reporter's full number to a user holding the permission, recorded as an
    internal event. htmx gets the number alone; without JavaScript the page comes back with it."""

    permission_required = ("complaints.view_complaint", PHONE_PERMISSION)
    http_method_names = ["post"]

    def post(self, request, pk):
        self.complaint = complaint = self.get_complaint()
        phone = services.complaint_reveal_phone(complaint=complaint, actor=request.user, door=AccessDoor.WORKBENCH)
        revealed = {"phone": phone, "email": complaint.reporter_email}
        if request.headers.get("HX-Request") == "true":
            # The phone in place, the e-mail out of band (htmx's hx-swap-oob).
            context = {"complaint": complaint, "revealed": revealed, "oob": True}
            return render(request, "workbench/complaints/_reveal.html", context)
        return self.render_to_response(self.get_context_data(revealed=revealed))


class IntakeView(ServiceFormView):
    """File a complaint for a resident who phoned or walked in, with the worker as actor."""

    permission_required = ("complaints.add_complaint",)
    form_class = forms.IntakeForm
    template_name = "workbench/complaints/intake.html"
    title = _("Take in a complaint")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["files"] = self.request.FILES if self.request.method == "POST" else None
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.community is not None:
            form.fields["complex"].queryset = form.fields["complex"].queryset.filter(community=self.community)
        return form

    def perform(self, form):
        return services.complaint_submit(actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, form):
        return _("Complaint filed. Its tracking code is %(code)s: read it out to the resident, who can follow "
                 "the complaint with it.") % {"code": self.result.tracking_code}

    def get_success_url(self):
        return reverse("workbench:complaints:detail", args=[self.result.pk])


class AutocompleteView(WorkbenchMixin, View):
    """Complaints whose tracking code starts with what was typed (an htmx fragment): code,
    complex and category. Only complaints the user may see are ever offered."""

    permission_required = ("complaints.view_complaint",)

    def get(self, request):
        # `q`, or the last word typed into a field of several codes (the meeting form's).
        term = request.GET.get("q") or (request.GET.get("cited_codes", "").split() or [""])[-1]
        found = selectors.complaints_by_code_prefix(self.scoped(Complaint), term)
        return render(request, "workbench/complaints/_autocomplete.html", {
            "found": found, "term": term, "input_id": request.GET.get("input", ""),
            "search_id": request.GET.get("search", ""),
        })


# ---------------------------------------------------------------------------
# Reply templates
# ---------------------------------------------------------------------------
def _owner_of(request, community):
    """Who keeps a new template: the firm for firm staff, else the worker's community (or the
    chosen one). None when a community has yet to be chosen."""
    profile = staff_profile_of(request.user)
    if profile is not None and profile.role == ROLE_FIRM:
        return {"firm": profile.firm}
    if profile is not None and profile.role == "community":
        return {"community": profile.community}
    return {"community": community} if community is not None else None


class ReplyTemplateListView(ScopedListView):
    model = ReplyTemplate
    permission_required = ("complaints.view_replytemplate",)
    template_name = "workbench/complaints/replies.html"
    select_related = ("category", "community", "firm")
    title = _("Reply templates")


class ReplyTemplateCreateView(ServiceFormView):
    permission_required = ("complaints.add_replytemplate",)
    form_class = forms.ReplyTemplateForm
    template_name = "workbench/complaints/reply_form.html"
    title = _("New reply template")
    success_message = _("Reply template saved.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["needs_community"] = _owner_of(self.request, self.community) is None
        return context

    def perform(self, form):
        owner = _owner_of(self.request, self.community)
        if owner is None:
            raise ValidationError(_("Choose a community first (at the top of the page): a template belongs to one."))
        return services.reply_template_create(actor=self.request.user, **owner, **form.cleaned_data)

    def get_success_url(self):
        return reverse("workbench:complaints:reply_list")


class ReplyTemplateEditView(ReplyTemplateCreateView):
    permission_required = ("complaints.change_replytemplate",)
    title = _("Edit reply template")

    def get_object(self):
        return get_object_or_404(self.scoped(ReplyTemplate), pk=self.kwargs["pk"])

    def get_initial(self):
        template = self.get_object()
        return {"category": template.category, "title": template.title, "text": template.text}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "template_obj": self.get_object(), "needs_community": False}

    def perform(self, form):
        return services.reply_template_update(actor=self.request.user, template=self.get_object(), **form.cleaned_data)


class ReplyTemplateDeleteView(WorkbenchMixin, View):
    permission_required = ("complaints.delete_replytemplate",)

    def post(self, request, pk):
        template = get_object_or_404(self.scoped(ReplyTemplate), pk=pk)
        services.reply_template_delete(actor=request.user, template=template)
        messages.success(request, _("Reply template deleted."))
        return redirect_after_post(request, reverse("workbench:complaints:reply_list"))
