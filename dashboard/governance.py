"""The governance pages of /dashboard/, over the user's jurisdiction:

- /dashboard/unattended/: the complexes nobody is responsible for (after a firm's exit, or
  never served), through the properties selectors;
- /dashboard/referrals/: referrals to departments (监管联动) by department — referred, open,
  overdue, replied and replied in time — from the one figures function of complaints/services.py
  (the API's /referrals/figures/ answers the same);
- /dashboard/applications/: red-project applications by status;
- /dashboard/resources/: funds put in (经费) by purpose and source, and trainings (人才) with
  their attendance by group."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from complaints.models import Referral
from complaints.services import referral_figures
from properties.selectors import unattended_complex_list

from .views import DashboardView

PAGE_SIZE = 50


class UnattendedView(DashboardView):
    """Every complex of the user's jurisdiction with no serving contract and no interim manager,
    with the firm that served it last: 物业退出 must never leave a complex alone."""

    template_name = "dashboard/unattended.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = unattended_complex_list(self.request.user)
        context["page"] = Paginator(queryset, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return context


class ReferralFiguresView(DashboardView):
    template_name = "dashboard/referrals.html"

    def dispatch(self, request, *args, **kwargs):
        # Anonymous visitors go to the login (DashboardView); staff without the permission are refused.
        if request.user.is_authenticated and not request.user.has_perm("complaints.view_referral"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = referral_figures(Referral.objects.visible_to(self.request.user), today=self.today)
        totals = {key: sum(r[key] for r in rows) for key in ("referred", "open", "overdue", "replied", "replied_in_time")}
        totals["in_time_rate"] = totals["replied_in_time"] / totals["replied"] if totals["replied"] else None
        context.update(rows=rows, totals=totals)
        return context


class ApplicationFiguresView(DashboardView):
    """/dashboard/applications/: red-project applications of the user's jurisdiction by status,
    with the reviews' average score, and the district-level projects designated from them."""

    template_name = "dashboard/applications.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("partybranches.view_projectapplication"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from django.db.models import Avg, Count

        from partybranches.models import ApplicationStatus, ProjectApplication

        context = super().get_context_data(**kwargs)
        queryset = ProjectApplication.objects.visible_to(self.request.user)
        counts = dict(queryset.order_by().values_list("status").annotate(n=Count("id")))
        context["rows"] = [{"status": label, "count": counts.get(value, 0)} for value, label in ApplicationStatus.choices]
        context["total"] = sum(counts.values())
        context["average_score"] = queryset.aggregate(avg=Avg("total_score"))["avg"]
        context["overdue"] = queryset.filter(overdue_since__isnull=False,
                                             status__in=ProjectApplication.OPEN_STATUSES).count()
        return context


class ResourcesView(DashboardView):
    """/dashboard/resources/: funds by purpose and by source, trainings and their attendance."""

    template_name = "dashboard/resources.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("partybranches.view_funding"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from django.db.models import Count, Sum

        from partybranches.models import Funding, FundPurpose, FundSource, Training

        context = super().get_context_data(**kwargs)
        funds = Funding.objects.visible_to(self.request.user).order_by()
        by_purpose = dict(funds.values_list("purpose").annotate(total=Sum("amount")))
        by_source = dict(funds.values_list("source").annotate(total=Sum("amount")))
        trainings = Training.objects.visible_to(self.request.user).aggregate(
            sessions=Count("id"), firm_staff=Sum("firm_staff"), stewards=Sum("stewards"),
            committee_members=Sum("committee_members"))
        context.update(
            by_purpose=[(label, by_purpose.get(value) or 0) for value, label in FundPurpose.choices],
            by_source=[(label, by_source.get(value) or 0) for value, label in FundSource.choices],
            funds_total=sum(by_purpose.values()) if by_purpose else 0,
            trainings={key: value or 0 for key, value in trainings.items()},
        )
        return context
