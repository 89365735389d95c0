"""/dashboard/referrals/: referrals to departments (监管联动) by department — referred, open,
overdue, replied and replied in time — over the user's jurisdiction, from the one figures
function of complaints/services.py (the API's /referrals/figures/ answers the same)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from complaints.models import Referral
from complaints.services import referral_figures

from .views import DashboardView


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
