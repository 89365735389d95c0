"""The firm exit pages of /workbench/: the community's part of a firm's exit — the handover
checklist and the signatures of the two firms and the community. The district's steps (the
joint meeting's decision, the successor, the new contract) are taken in the admin. Records come
from `visible_to(user)`; every write goes through properties/services.py (EXIT)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from properties import forms
from properties.models import ContractExit, ExitAction
from properties.services import EXIT
from redproperty.workbench.views import ScopedDetailView, ScopedListView, WorkbenchMixin, redirect_after_post
from redproperty.workflow import TransitionError

# The moves a community worker takes here, with their forms.
COMMUNITY_STEPS = {
    ExitAction.CHECK_ITEMS: forms.CheckItemsForm,
    ExitAction.SIGN: forms.SignForm,
}


class ExitListView(ScopedListView):
    """Firm exits of the user's complexes: open ones by deadline, or all (`?status=all`)."""

    model = ContractExit
    permission_required = ("properties.view_contractexit",)
    template_name = "workbench/exits/list.html"
    select_related = ("complex__community", "contract__firm", "successor_firm")
    title = _("Firm exits and handovers")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.GET.get("status") != "all":
            queryset = queryset.open()
        return queryset.order_by("due_on", "pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "status": self.request.GET.get("status", "")}


class ExitDetailView(ScopedDetailView):
    model = ContractExit
    permission_required = ("properties.view_contractexit",)
    template_name = "workbench/exits/detail.html"
    select_related = ("complex__community", "contract__firm", "successor_firm", "new_contract")
    prefetch_related = ("items", "events__actor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        steps = []
        if self.request.user.has_perm("properties.change_contractexit"):
            steps = [(action, EXIT.label(action)) for action in EXIT.allowed_actions(record)
                     if action in COMMUNITY_STEPS]
        context.update({"title": str(record), "steps": steps,
                        "signatures": [(_("Outgoing firm"), record.outgoing_signed_on),
                                       (_("Incoming firm or interim manager"), record.incoming_signed_on),
                                       (_("Community"), record.community_signed_on)]})
        return context


class ExitStepView(WorkbenchMixin, TemplateView):
    """One community step on a firm exit: its form (GET) and the move (POST). A move not allowed
    from the record's status, or based on a stale page, is refused with its message."""

    template_name = "workbench/exits/step.html"
    permission_required = ("properties.change_contractexit",)

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in COMMUNITY_STEPS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def record(self):
        if not hasattr(self, "_record"):
            self._record = get_object_or_404(
                self.scoped(ContractExit).select_related("complex", "contract__firm"), pk=self.kwargs["pk"])
        return self._record

    def build(self, data=None):
        record = self.record()
        return COMMUNITY_STEPS[self.kwargs["action"]](data, request=self.request, record=record,
                                                      initial={"expected_status": record.status})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.build())
        record = self.record()
        context.update({"record": record, "title": f"{EXIT.label(self.kwargs['action'])}: {record}",
                        "button": EXIT.label(self.kwargs["action"])})
        return context

    def post(self, request, *args, **kwargs):
        form = self.build(request.POST)
        detail = reverse("workbench:properties:exit_detail", args=[self.record().pk])
        if form.is_valid():
            try:
                with transaction.atomic():
                    form.run(actor=request.user, expected_status=form.cleaned_data["expected_status"] or None)
            except TransitionError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(detail)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("%(action)s: done.") % {"action": EXIT.label(kwargs["action"])})
                return redirect_after_post(request, detail)
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response



