"""The referral pages of /workbench/ (监管联动): the community's referrals to departments, open
first by deadline; a complaint referred in one form; a referral's page with its timeline and
one form per move allowed from its status. Records come from `visible_to(user)`; every write is
a service of complaints/services.py (REFERRAL), the same the admin and the API call."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from redproperty.workbench.views import ScopedListView, WorkbenchMixin, redirect_after_post
from redproperty.workflow import TransitionError

from .. import forms, services
from ..models import Complaint, Referral, ReferralStatus

FILTERS = {"open": Referral.OPEN_STATUSES, "replied": (ReferralStatus.REPLIED,),
           "withdrawn": (ReferralStatus.WITHDRAWN,)}


class ReferralListView(ScopedListView):
    model = Referral
    permission_required = ("complaints.view_referral",)
    template_name = "workbench/referrals/list.html"
    select_related = ("complaint__complex", "department")
    title = _("Referrals to departments")

    def get_queryset(self):
        shown = self.request.GET.get("status", "open")
        queryset = super().get_queryset()
        if shown in FILTERS:
            queryset = queryset.filter(status__in=FILTERS[shown])
        return queryset.order_by("due_on", "pk") if shown == "open" else queryset.order_by("-referred_on", "-pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "shown": self.request.GET.get("status", "open")}


class ReferralPage(WorkbenchMixin, TemplateView):
    def referral(self):
        if not hasattr(self, "_referral"):
            self._referral = get_object_or_404(
                self.scoped(Referral).select_related("complaint__complex", "department"), pk=self.kwargs["pk"])
        return self._referral


class ReferralDetailView(ReferralPage):
    permission_required = ("complaints.view_referral",)
    template_name = "workbench/referrals/detail.html"

    def get_context_data(self, **kwargs):
        referral = self.referral()
        may_change = self.request.user.has_perm("complaints.change_referral")
        steps = []
        if may_change:
            for action in services.REFERRAL.allowed_actions(referral):
                form = forms.STEP_FORMS[action](request=self.request, record=referral,
                                                initial={"expected_status": referral.status},
                                                auto_id=f"id_{action}_%s")
                steps.append({"action": action, "label": services.REFERRAL.label(action), "form": form,
                              "url": reverse("workbench:complaints:referral_step", args=[referral.pk, action])})
        return {**super().get_context_data(**kwargs), "referral": referral, "steps": steps,
                "events": referral.events.select_related("actor"), "title": str(referral)}


class ReferralStepView(ReferralPage):
    """One move: GET shows its form alone, POST runs it (a refused move comes back as a message)."""

    permission_required = ("complaints.change_referral",)
    template_name = "workbench/referrals/step.html"
    http_method_names = ["get", "post"]

    def form(self, data=None):
        action = self.kwargs["action"]
        if action not in forms.STEP_FORMS:
            raise Http404
        referral = self.referral()
        return forms.STEP_FORMS[action](data, request=self.request, record=referral,
                                        initial={"expected_status": referral.status})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context.update(referral=self.referral(), label=services.REFERRAL.label(self.kwargs["action"]))
        context["title"] = f"{context['label']}: {self.referral()}"
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        detail = reverse("workbench:complaints:referral_detail", args=[self.referral().pk])
        if form.is_valid():
            try:
                with transaction.atomic():
                    form.run(actor=request.user, expected_status=form.cleaned_data["expected_status"] or None)
            except TransitionError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect_after_post(request, detail)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("%(action)s: done.") % {"action": services.REFERRAL.label(kwargs["action"])})
                return redirect_after_post(request, detail)
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class ReferralNewView(WorkbenchMixin, TemplateView):
    """Refer a complaint (given as ?complaint=<id>, or chosen from the open ones)."""

    permission_required = ("complaints.add_referral",)
    template_name = "workbench/referrals/new.html"
    title = _("Refer a complaint to a department")

    def complaint(self):
        raw = self.request.GET.get("complaint") or ""
        if not raw:
            return None
        if not raw.isdigit():
            raise Http404
        return get_object_or_404(self.scoped(Complaint).select_related("complex", "category"), pk=int(raw))

    def form(self, data=None):
        return forms.ReferralOpenForm(data, request=self.request, complaint=self.complaint())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context["complaint"] = self.complaint()
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    referral = form.run(actor=request.user, expected_status=None)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Referred to %(department)s; the reply is due by %(date)s.") % {
                    "department": referral.department.name, "date": referral.due_on})
                return redirect_after_post(request, reverse("workbench:complaints:referral_detail", args=[referral.pk]))
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response



