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
