"""The owners' committee pages: committees with their red status (derived, never typed in),
the committee and its members in one form, and the end of a term with the next one started
in one step. Records come from `visible_to(user)`; writes go through communities/services.py."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from communities import services
from communities.models import CommitteeStatus, OwnersCommittee
from redproperty.workbench.forms import add_service_errors, as_typed
from redproperty.workbench.views import ScopedListView, WorkbenchMixin, redirect_after_post

from . import forms

ENDING_DAYS = 90


class CommitteeListView(ScopedListView):
    model = OwnersCommittee
    permission_required = ("communities.view_ownerscommittee",)
    template_name = "workbench/committees/list.html"
    select_related = ("complex__community",)
    title = _("Owners' committees")

    def get_queryset(self):
        queryset = super().get_queryset().with_red().annotate(member_count=Count("members", distinct=True))
        today = timezone.localdate()
        if self.request.GET.get("ending") == "90":
            queryset = queryset.filter(status=CommitteeStatus.ACTIVE, term_end__gte=today,
                                       term_end__lte=today + datetime.timedelta(days=ENDING_DAYS))
        elif self.request.GET.get("status") != "all":
            queryset = queryset.filter(status=CommitteeStatus.ACTIVE)
        return queryset.order_by("term_end", "pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "ending": self.request.GET.get("ending", ""),
                "status": self.request.GET.get("status", ""), "today": timezone.localdate()}


class CommitteeFormView(WorkbenchMixin, TemplateView):
    """New committee (no pk), edit (pk) or renew (pk, renew=True): the committee and its member
    rows in one form. "Add a member row" reloads the form with one more row, nothing saved."""

    template_name = "workbench/committees/form.html"
    mode = "new"

    def get_permission_required(self):
        return ("communities.add_ownerscommittee",) if self.mode != "edit" else ("communities.change_ownerscommittee",)

    def dispatch(self, request, *args, **kwargs):
        self.permission_required = self.get_permission_required()
        return super().dispatch(request, *args, **kwargs)

    @property
    def committee(self):
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_committee"):
            self._committee = get_object_or_404(self.scoped(OwnersCommittee).select_related("complex"), pk=self.kwargs["pk"])
        return self._committee

    def build(self, data=None):
        committee = self.committee
        rows = 7
        if data is not None and "add_row" in data:
            data = data.copy()
            data["members-TOTAL_FORMS"] = str(int(data.get("members-TOTAL_FORMS") or 0) + 1)
        members = list(committee.members.order_by("role", "name")) if committee is not None else []
        initial = {}
        if committee is not None and self.mode == "edit":
            initial = {"term_start": committee.term_start, "term_end": committee.term_end, "filed_on": committee.filed_on}
        elif committee is not None:  # renew: the next term after this one
            initial = {"term_start": committee.term_end + datetime.timedelta(days=1)}
        form = forms.CommitteeForm(data, user=self.request.user, community=self.community, initial=initial,
                                   fixed_complex=committee.complex if committee is not None else None)
        formset = forms.member_formset(data, members=members, rows=rows)
        return form, formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            context["form"], context["formset"] = self.build()
        context.update({"committee": self.committee, "mode": self.mode, "title": {
            "new": _("New owners' committee"), "edit": _("Owners' committee and its members"),
            "renew": _("End the term and start the next")}[self.mode]})
        return context

    def post(self, request, *args, **kwargs):
        form, formset = self.build(request.POST)
        if "add_row" in request.POST:
            return self.render_to_response(self.get_context_data(form=as_typed(form), formset=as_typed(formset)))
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                committee = self.save(data, formset.members())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, {
                    "new": _("Owners' committee saved."), "edit": _("Owners' committee saved."),
                    "renew": _("The term has ended and the next committee is in office.")}[self.mode])
                return redirect_after_post(request, reverse("workbench:communities:committee_edit", args=[committee.pk]))
        response = self.render_to_response(self.get_context_data(form=form, formset=formset))
        response.status_code = 400
        return response

    def save(self, data, members):
        actor = self.request.user
        terms = {"term_start": data["term_start"], "term_end": data["term_end"], "filed_on": data["filed_on"]}
        if self.mode == "new":
            return services.owners_committee_create(actor=actor, complex=data["complex"], members=members, **terms)
        if self.mode == "edit":
            return services.owners_committee_update(actor=actor, committee=self.committee, members=members, **terms)
        return services.owners_committee_renew(actor=actor, committee=self.committee, members=members, **terms)
