"""The evidence pages of the workbench: inspections entered on a tablet (the firm taken from
the complex's serving contract), a month's fee collection figures for all the community's
complexes on one page, satisfaction surveys, and the service contracts (read-only).

Records come from `visible_to(user)`; writes go through properties/services.py."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from communities.models import ResidentialComplex
from properties import services
from properties.models import FeeCollection, Inspection, SatisfactionSurvey, ServiceContract
from redproperty.workbench.views import ScopedListView, ServiceFormView, WorkbenchMixin, redirect_after_post

from . import forms

ENDING_DAYS = 90


def serving_firms(complexes) -> dict[int, str]:
    """complex id → the name of the firm of its serving contract. One query."""
    return dict(ServiceContract.objects.active().filter(complex__in=complexes).values_list("complex_id", "firm__name"))


class InspectionListView(ScopedListView):
    model = Inspection
    permission_required = ("properties.view_inspection",)
    template_name = "workbench/properties/inspections.html"
    select_related = ("complex__community",)
    title = _("Inspections")

    def get_queryset(self):
        serving = ServiceContract.objects.active().select_related("firm")
        return super().get_queryset().prefetch_related(
            Prefetch("complex__contracts", queryset=serving, to_attr="active_contracts")).order_by("-inspected_on", "-pk")


class InspectionCreateView(ServiceFormView):
    permission_required = ("properties.add_inspection",)
    form_class = forms.InspectionForm
    template_name = "workbench/properties/inspection_form.html"
    title = _("Enter an inspection")
    success_message = _("Inspection saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        complexes = self.scoped(ResidentialComplex)
        kwargs.update(community=self.community, firms=serving_firms(complexes))
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.inspection_record(actor=self.request.user, complex=data["complex"], inspected_on=data["inspected_on"],
                                          inspector=data["inspector"], notes=data["notes"], **form.scores())

    def get_success_url(self):
        return reverse("workbench:properties:inspection_list")


class FeesView(WorkbenchMixin, TemplateView):
    """One month's fee figures for every complex of the user's jurisdiction (or chosen
    community), entered on one page and saved together through fee_collections_record."""

    permission_required = ("properties.view_feecollection",)
    template_name = "workbench/properties/fees.html"
    title = _("Fee collection")

    def month(self):
        form = forms.MonthForm(self.request.GET or None)
        if self.request.GET.get("month") and form.is_valid():
            return form, form.cleaned_data["month"]
        today = timezone.localdate()
        return forms.MonthForm(initial={"month": today.replace(day=1)}), today.replace(day=1)

    def rows(self, data=None, month=None):
        complexes = list(self.scoped(ResidentialComplex).select_related("community").order_by("community__code", "name"))
        existing = {f.complex_id: f for f in self.scoped(FeeCollection).filter(period=month)}
        return forms.fee_rows(data, complexes, existing)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month_form, month = self.month()
        context.setdefault("rows", self.rows(month=month))
        context.update({"month_form": month_form, "month": month,
                        "may_edit": self.request.user.has_perms(["properties.add_feecollection",
                                                                 "properties.change_feecollection"])})
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perms(["properties.add_feecollection", "properties.change_feecollection"]):
            raise PermissionDenied
        _month_form, month = self.month()
        rows = self.rows(request.POST, month=month)
        errors = []
        if all(row.is_valid() for row in rows):
            filled = [dict(complex=row.complex, is_disclosed=row.cleaned_data["is_disclosed"],
                           **{name: row.cleaned_data[name] for name in forms.FeeRowForm.FIELDS})
                      for row in rows if row.is_filled]
            if not filled:
                errors.append(_("Fill in the figures of at least one complex."))
            else:
                try:
                    count = services.fee_collections_record(actor=request.user, period=month, rows=filled)
                except ValidationError as exc:
                    errors.extend(exc.messages)
                else:
                    messages.success(request, _("Fee figures of %(month)s saved for %(count)d complex(es).")
                                     % {"month": f"{month:%Y-%m}", "count": count})
                    url = f"{reverse('workbench:properties:fees')}?{urlencode({'month': f'{month:%Y-%m}'})}"
                    return redirect_after_post(request, url)
        context = self.get_context_data(rows=rows, page_errors=errors)
        return self.render_to_response(context, status=400)

    def render_to_response(self, context, status=200, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response.status_code = status
        return response


class SurveyListView(ScopedListView):
    model = SatisfactionSurvey
    permission_required = ("properties.view_satisfactionsurvey",)
    template_name = "workbench/properties/surveys.html"
    select_related = ("complex__community",)
    title = _("Satisfaction surveys")

    def get_queryset(self):
        return super().get_queryset().order_by("-period_start", "complex__name", "pk")


class SurveyCreateView(ServiceFormView):
    permission_required = ("properties.add_satisfactionsurvey",)
    form_class = forms.SurveyForm
    template_name = "workbench/properties/survey_form.html"
    title = _("Enter a satisfaction survey")
    success_message = _("Survey saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "community": self.community}

    def perform(self, form):
        return services.survey_record(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("workbench:properties:survey_list")


class ContractListView(ScopedListView):
    """The service contracts serving the user's complexes, read-only (the district keeps them
    in the admin); `?ending=90` lists those ending within the 90-day notice period."""

    model = ServiceContract
    permission_required = ("properties.view_servicecontract",)
    template_name = "workbench/properties/contracts.html"
    select_related = ("firm", "complex__community")
    title = _("Service contracts")

    def get_queryset(self):
        queryset = super().get_queryset().active()
        if self.request.GET.get("ending") == "90":
            today = timezone.localdate()
            queryset = queryset.filter(end_date__gte=today, end_date__lte=today + datetime.timedelta(days=ENDING_DAYS))
        return queryset.order_by("end_date", "pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "ending": self.request.GET.get("ending", "")}
