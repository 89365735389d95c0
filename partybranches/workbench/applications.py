"""The red-project application pages of /workbench/ (the community's steps): its applications
with their status and scores, a new application (申报), and an application's page with its
timeline and, before the review, the withdrawal. The district's review, designation and
recommendation are in the admin. Writes go through partybranches/services.py (APPLICATION)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from redproperty.workbench.views import ScopedListView, WorkbenchMixin, redirect_after_post
from redproperty.workflow import TransitionError

from .. import forms
from ..models import REVIEW_CRITERIA, ApplicationAction, ProjectApplication


class ApplicationListView(ScopedListView):
    model = ProjectApplication
    permission_required = ("partybranches.view_projectapplication",)
    template_name = "workbench/applications/list.html"
    select_related = ("community", "complex", "firm")
    title = _("Red-project applications")

    def get_queryset(self):
        return super().get_queryset().order_by("-submitted_on", "-pk")


class ApplicationNewView(WorkbenchMixin, TemplateView):
    permission_required = ("partybranches.add_projectapplication",)
    template_name = "workbench/applications/new.html"
    title = _("Apply for a red property project")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.ApplicationSubmitForm(request=self.request))
        return context

    def post(self, request, *args, **kwargs):
        form = forms.ApplicationSubmitForm(request.POST, request=request)
        if form.is_valid():
            try:
                with transaction.atomic():
                    application = form.run(actor=request.user, expected_status=None)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Application submitted; the district reviews it."))
                return redirect_after_post(request, reverse("workbench:partybranches:application_detail",
                                                            args=[application.pk]))
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class ApplicationDetailView(WorkbenchMixin, TemplateView):
    """GET: the application and its timeline; POST: withdraw it (the applicant's one move)."""

    permission_required = ("partybranches.view_projectapplication",)
    template_name = "workbench/applications/detail.html"

    def application(self):
        if not hasattr(self, "_application"):
            self._application = get_object_or_404(
                self.scoped(ProjectApplication).select_related("community", "complex", "firm", "project"),
                pk=self.kwargs["pk"])
        return self._application

    def withdraw_form(self, data=None):
        application = self.application()
        if ApplicationAction.WITHDRAW not in forms.services.APPLICATION.allowed_actions(application) or \
                not self.request.user.has_perm("partybranches.change_projectapplication"):
            return None
        return forms.WithdrawForm(data, request=self.request, record=application,
                                  initial={"expected_status": application.status})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application()
        labels = {code: (label, maximum) for code, label, maximum in REVIEW_CRITERIA}
        context.update(application=application, title=str(application),
                       scores=[(labels[code][0], score, labels[code][1]) for code, score in application.scores.items()
                               if code in labels],
                       events=application.events.select_related("actor"))
        context.setdefault("form", self.withdraw_form())
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("partybranches.change_projectapplication"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        application = self.application()
        url = reverse("workbench:partybranches:application_detail", args=[application.pk])
        form = forms.WithdrawForm(request.POST, request=request, record=application,
                                  initial={"expected_status": application.status})
        if form.is_valid():
            try:
                with transaction.atomic():
                    form.run(actor=request.user, expected_status=form.cleaned_data["expected_status"] or None)
            except TransitionError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect_after_post(request, url)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The application is withdrawn."))
                return redirect_after_post(request, url)
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response
