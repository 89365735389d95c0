"""The mediation pages of /workbench/ (矛盾纠纷调解, 和事佬调解室): cases of the user's complexes,
a case taken in with its parties, and each step (sessions, the agreement, its follow-up, closing).
Records come from `visible_to(user)`; every write goes through communities/services.py
(MEDIATION)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from communities import forms
from communities.models import MediationAction, MediationCase
from communities.services import MEDIATION
from redproperty.workbench.views import ScopedDetailView, ScopedListView, WorkbenchMixin, redirect_after_post
from redproperty.workflow import TransitionError

STEPS = {
    MediationAction.HOLD_SESSION: forms.SessionForm,
    MediationAction.RECORD_AGREEMENT: forms.AgreementForm,
    MediationAction.FOLLOW_UP: forms.FollowUpForm,
    MediationAction.CLOSE_FAILED: forms.CloseFailedForm,
    MediationAction.WITHDRAW: forms.WithdrawForm,
}


class MediationListView(ScopedListView):
    """Open cases by deadline, or all (`?status=all`)."""

    model = MediationCase
    permission_required = ("communities.view_mediationcase",)
    template_name = "workbench/mediation/list.html"
    select_related = ("complex__community",)
    title = _("Mediation")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.GET.get("status") != "all":
            queryset = queryset.open()
        return queryset.order_by("due_on", "pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "status": self.request.GET.get("status", "")}


class MediationDetailView(ScopedDetailView):
    model = MediationCase
    permission_required = ("communities.view_mediationcase",)
    template_name = "workbench/mediation/detail.html"
    select_related = ("complex__community",)
    prefetch_related = ("parties", "sessions", "events", "complaints")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        steps = []
        if self.request.user.has_perm("communities.change_mediationcase"):
            steps = [(action, MEDIATION.label(action)) for action in MEDIATION.allowed_actions(self.object)
                     if action in STEPS]
        context.update({"title": str(self.object), "steps": steps})
        return context


class _FormPage(WorkbenchMixin, TemplateView):
    template_name = "workbench/mediation/form.html"

    def build(self, data=None):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.setdefault("form", self.build())
        context["formset"] = form.formset
        return context

    def post(self, request, *args, **kwargs):
        form = self.build(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    record = form.run(actor=request.user, expected_status=form.cleaned_data["expected_status"] or None)
            except TransitionError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(self.back_url())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, self.done_message())
                return redirect_after_post(request, reverse("workbench:communities:mediation_detail", args=[record.pk]))
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class MediationOpenView(_FormPage):
    permission_required = ("communities.add_mediationcase",)
    title = _("Take in a dispute")

    def build(self, data=None):
        return forms.MediationOpenForm(data, request=self.request)

    def back_url(self):
        return reverse("workbench:communities:mediation_list")

    def done_message(self):
        return _("The case is taken in. Hold the first session within ten days.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "button": _("Take in")}


class MediationStepView(_FormPage):
    """One step on a case: its form (GET) and the move (POST); a move not allowed from the
    case's status, or based on a stale page, is refused with its message."""

    permission_required = ("communities.change_mediationcase",)

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in STEPS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def record(self):
        if not hasattr(self, "_record"):
            self._record = get_object_or_404(self.scoped(MediationCase).select_related("complex"), pk=self.kwargs["pk"])
        return self._record

    def build(self, data=None):
        record = self.record()
        return STEPS[self.kwargs["action"]](data, request=self.request, record=record,
                                            initial={"expected_status": record.status})

    def back_url(self):
        return reverse("workbench:communities:mediation_detail", args=[self.record().pk])

    def done_message(self):
        return _("%(action)s: done.") % {"action": MEDIATION.label(self.kwargs["action"])}

    def get_context_data(self, **kwargs):
        label = MEDIATION.label(self.kwargs["action"])
        return {**super().get_context_data(**kwargs), "record": self.record(), "button": label,
                "title": f"{label}: {self.record()}"}
