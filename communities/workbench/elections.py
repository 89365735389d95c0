"""The owners' committee election pages of /workbench/ (筹备组 → 业主大会选举 → 备案): elections of
the user's complexes, a preparatory group formed (the community party organisation leads it),
and each step (the general meeting convened with its candidates, the vote, the filing,
cancelling). Records come from `visible_to(user)`; every write goes through
communities/services.py (ELECTION) with the step forms of communities/forms.py."""
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
from communities.models import CommitteeElection, ElectionAction, ElectionStatus
from communities.services import ELECTION
from redproperty.workbench.views import ScopedDetailView, ScopedListView, WorkbenchMixin, redirect_after_post
from redproperty.workflow import TransitionError

STEPS = {
    ElectionAction.CONVENE: forms.ConveneForm,
    ElectionAction.RECORD_RESULT: forms.RecordResultForm,
    ElectionAction.FILE: forms.FileForm,
    ElectionAction.CANCEL: forms.CancelForm,
}
STATUS_FILTERS = {"", "all", *ElectionStatus.values}  # "": the elections under way


class ElectionListView(ScopedListView):
    """Elections under way by deadline; all of them (`?status=all`), or those of one status."""

    model = CommitteeElection
    permission_required = ("communities.view_committeeelection",)
    template_name = "workbench/elections/list.html"
    select_related = ("complex__community",)
    title = _("Committee elections")

    def status(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in STATUS_FILTERS else ""

    def get_queryset(self):
        queryset, status = super().get_queryset(), self.status()
        if status == "":
            queryset = queryset.open()
        elif status != "all":
            queryset = queryset.filter(status=status)
        return queryset.order_by("due_on", "pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "status": self.status(),
                "statuses": ElectionStatus.choices}


class ElectionDetailView(ScopedDetailView):
    model = CommitteeElection
    permission_required = ("communities.view_committeeelection",)
    template_name = "workbench/elections/detail.html"
    select_related = ("complex__community", "previous_committee", "committee")
    prefetch_related = ("group_members", "candidates", "events")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        steps = []
        if self.request.user.has_perm("communities.change_committeeelection"):
            steps = [(action, ELECTION.label(action)) for action in ELECTION.allowed_actions(self.object)
                     if action in STEPS]
        context.update({"title": str(self.object), "steps": steps})
        return context


class _FormPage(WorkbenchMixin, TemplateView):
    template_name = "workbench/elections/form.html"

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
                messages.success(request, self.done_message(record))
                return redirect_after_post(request, reverse("workbench:communities:election_detail", args=[record.pk]))
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class ElectionOpenView(_FormPage):
    """The preparatory group formed: the complex, the day and its members, led by the community
    party organisation's member."""

    permission_required = ("communities.add_committeeelection",)
    title = _("Form a preparatory group")

    def build(self, data=None):
        return forms.ElectionOpenForm(data, request=self.request)

    def back_url(self):
        return reverse("workbench:communities:election_list")

    def done_message(self, record):
        return _("The preparatory group is recorded. Convene the general meeting within 90 days.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "button": _("Record the preparatory group")}


class ElectionStepView(_FormPage):
    """One step of an election: its form (GET) and the move (POST); a move not allowed from the
    election's status, or based on a stale page, is refused with its message."""

    permission_required = ("communities.change_committeeelection",)

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in STEPS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def record(self):
        if not hasattr(self, "_record"):
            self._record = get_object_or_404(
                self.scoped(CommitteeElection).select_related("complex__community"), pk=self.kwargs["pk"])
        return self._record

    def build(self, data=None):
        record = self.record()
        return STEPS[self.kwargs["action"]](data, request=self.request, record=record,
                                            initial={"expected_status": record.status})

    def back_url(self):
        return reverse("workbench:communities:election_detail", args=[self.record().pk])

    def done_message(self, record):
        return _("%(action)s: done.") % {"action": ELECTION.label(self.kwargs["action"])}

    def get_context_data(self, **kwargs):
        label = ELECTION.label(self.kwargs["action"])
        return {**super().get_context_data(**kwargs), "record": self.record(), "button": label,
                "title": f"{label}: {self.record()}"}
