"""Dashboard pages of the governance workflows: the complexes nobody is responsible for (after
a firm's exit, or never served). Reads only, through the properties selectors."""
from __future__ import annotations

from django.core.paginator import Paginator

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
