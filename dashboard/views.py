"""/dashboard/: pages for district, subdistrict and community staff (and, for their own firm,
firm staff), all scoped by the one jurisdiction rule through dashboard/selectors.py.

Every page is server-rendered; each chart is drawn by static/dashboard/charts.js from
options passed with json_script, beside the table that holds the same figures."""
from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from properties.evaluation import Quarter
from properties.models import Grade
from redproperty.overview import FIGURES
from redproperty.scoping import ROLE_FIRM, staff_profile_of

from . import charts, selectors
from .definitions import FIGURE_DEFINITIONS, credit_text, dimension_explanations, missing_text
from .selectors import Place


def place_url(place: Place) -> str:
    if place.level == "district":
        return reverse("dashboard:home")
    return reverse(f"dashboard:{place.level}", args=[place.pk])


def month_label(month) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


class DashboardView(LoginRequiredMixin, TemplateView):
    """Base of the dashboard's pages: login required (the admin's login page), `self.today`
    taken once in Asia/Shanghai, the user's drill-down root in `self.root`."""

    login_url = "admin:login"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.today = timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = self.today
        return context


class PlaceView(DashboardView):
    """The page of a district, subdistrict or community: headline figures, the three rates
    (this month or a closed month) ranked one level down, their history, complaints by month,
    overdue and median times, firm evaluation, coverage by place."""

    template_name = "dashboard/place.html"
    level = "district"

    def get(self, request, *args, **kwargs):
        root = selectors.root_place(request.user)
        if "pk" not in kwargs:
            if root is None:
                return self._no_place(request)
            if root.level != "district":
                return redirect(place_url(root))
            self.place = root
        else:
            self.place = selectors.place_get(request.user, self.level, kwargs["pk"])
        self.root = root
        return super().get(request, *args, **kwargs)

    def _no_place(self, request):
        """Firm staff have no place to drill into: their firm's page; anyone else: nothing."""
        profile = staff_profile_of(request.user)
        if profile is not None and profile.role == ROLE_FIRM:
            return redirect("dashboard:firm", pk=profile.firm_id)
        raise Http404

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, place, today = self.request.user, self.place, self.today
        month = selectors.parse_month(self.request.GET.get("month"), today)
        history_months = selectors.months_before(selectors.month_of(today), selectors.HISTORY_MONTHS)
        chart_months = history_months[1:] + [selectors.month_of(today)]
        quarters = selectors.last_quarters(today)
        last_quarter = quarters[-1]

        figures = selectors.place_figures(user, place)
        rows, live = selectors.children_rates(user, place, month, today)
        history = selectors.rates_history(user, place, history_months)
        by_category = selectors.complaints_by_month(user, place, chart_months, "category")
        by_channel = selectors.complaints_by_month(user, place, chart_months, "channel")
        grades = selectors.grade_distribution(user, place, quarters)
        failing, failing_count = selectors.failing_results(user, place, last_quarter)
        notices, notice_count = selectors.rectifications(user, place, last_quarter)
        coverage_rows, coverage_total = selectors.coverage(user, place)

        month_labels = [month_label(m) for m in history_months]
        history_series = [
            (_("Response rate"), [h.response_rate if h else None for h in history.values()]),
            (_("Resolution rate"), [h.resolution_rate if h else None for h in history.values()]),
            (_("Satisfaction rate"), [h.satisfaction_rate if h else None for h in history.values()]),
        ]
        context.update({
            "place": place,
            "crumbs": selectors.breadcrumbs(place, self.root),
            "figures": [(key, FIGURES[key], FIGURE_DEFINITIONS[key], figures[key]) for key in FIGURES],
            "month": month,
            "months": [(m, month_label(m)) for m in selectors.month_choices(today)],
            "is_live": live,
            "place_rates": selectors.place_rates(user, place, month, today),
            "child_level": place.child_level,
            "rate_rows": rows,
            "rates_chart": charts.ranking_chart(
                _("Three rates"), [r.name for r in rows if r.rank][:15],
                [(_("Response rate"), [r.rates.response_rate for r in rows if r.rank][:15]),
                 (_("Resolution rate"), [r.rates.resolution_rate for r in rows if r.rank][:15]),
                 (_("Satisfaction rate"), [r.rates.satisfaction_rate for r in rows if r.rank][:15])]),
            "history": [(month_label(m), h) for m, h in history.items()],
            "history_chart": charts.line_chart(_("Three rates by month"), month_labels, history_series, percent=True),
            "lists": selectors.firm_lists(today) if place.level == "district" else None,
            "list_size": selectors.LIST_SIZE, "list_min": selectors.LIST_MIN_RECEIVED,
            "by_category": by_category,
            "by_category_chart": charts.bar_chart(
                _("Complaints by category"), [month_label(m) for m, _c in by_category.rows],
                [(name, [row[1][i] for row in by_category.rows]) for i, name in enumerate(by_category.columns)],
                stacked=True),
            "by_channel": by_channel,
            "by_channel_chart": charts.bar_chart(
                _("Complaints by channel"), [month_label(m) for m, _c in by_channel.rows],
                [(name, [row[1][i] for row in by_channel.rows]) for i, name in enumerate(by_channel.columns)],
                stacked=True),
            "chart_months": [month_label(m) for m in chart_months],
            "overdue": selectors.overdue_count(user, place),
            "medians": selectors.median_times(user, place, month),
            "quarter": last_quarter,
            "grades": grades,
            "grades_chart": charts.bar_chart(
                _("Grades by quarter"), [p for p, _c in grades["rows"]],
                [(name, [row[1][i] for row in grades["rows"]]) for i, name in enumerate(grades["columns"])],
                stacked=True, colours=charts.GRADE_COLOURS),
            "failing": failing, "failing_count": failing_count,
            "notices": notices, "notice_count": notice_count,
            "exit_reviews": selectors.exit_reviews(user, place),
            "coverage_rows": coverage_rows, "coverage_total": coverage_total,
            "coverage_chart": charts.bar_chart(
                _("Coverage"), [r.name for r in coverage_rows],
                [(_("Two-way entry"), [r.two_way_entry_percent for r in coverage_rows]),
                 (_("Owners' committee in office"), [r.committee_percent for r in coverage_rows]),
                 (_("Red owners' committee"), [r.red_committee_percent for r in coverage_rows])],
                percent=True),
            "export_query": f"{place.level}={place.pk}",
        })
        return context


class SubdistrictView(PlaceView):
    level = "subdistrict"


class CommunityView(PlaceView):
    level = "community"


class ComplexView(DashboardView):
    """One complex: firm and contract, committee, party organisations, appointments, red
    projects and stations, recent complaints, evaluations, three rates."""

    template_name = "dashboard/complex.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        place = selectors.place_get(user, "complex", kwargs["pk"])
        context.update({
            "place": place,
            "complex": place.obj,
            "crumbs": selectors.breadcrumbs(place, selectors.root_place(user)),
            **selectors.complex_detail(user, place, self.today),
            "export_query": f"complex={place.pk}",
        })
        return context


class RatesView(DashboardView):
    """The full ranking of one level (subdistricts, communities or firms) in the user's
    jurisdiction for one month, with the red and black lists' rule."""

    template_name = "dashboard/rates.html"
    LEVELS = ("subdistrict", "community", "firm")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, self.today
        root = selectors.root_place(user)
        if root is None:
            raise Http404
        month = selectors.parse_month(self.request.GET.get("month"), today)
        allowed = [lvl for lvl in self.LEVELS if lvl == "firm" or selectors.LEVELS.index(lvl) > selectors.LEVELS.index(root.level)]
        level = self.request.GET.get("level")
        level = level if level in allowed else allowed[0]
        if level == "firm":
            rows, live = selectors.firm_rates(user, root, month, today)
        elif selectors.LEVELS.index(level) == selectors.LEVELS.index(root.level) + 1:
            rows, live = selectors.children_rates(user, root, month, today)
        else:  # communities of a whole district: rank them all
            rows, live = [], False
            for sub in selectors.children(user, root):
                sub_rows, live = selectors.children_rates(user, Place("subdistrict", sub), month, today)
                rows += sub_rows
            rows = selectors.ranked(rows)
        context.update({
            "root": root, "level": level, "levels": allowed, "rows": rows, "is_live": live, "month": month,
            "months": [(m, month_label(m)) for m in selectors.month_choices(today)],
            "lists": selectors.firm_lists(today),
            "list_size": selectors.LIST_SIZE, "list_min": selectors.LIST_MIN_RECEIVED,
        })
        return context


class FirmListView(DashboardView):
    """Firm grades over the last four quarters: firm roll-ups for district staff, the
    contracts of their place for others; filter by last quarter's grade; 50 a page."""

    template_name = "dashboard/firms.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        root = selectors.root_place(self.request.user)
        if root is None:
            raise Http404
        quarters = selectors.last_quarters(self.today)
        grade = self.request.GET.get("grade", "")
        grade = grade if grade in Grade.values else ""
        rows = selectors.firm_trends(self.request.user, root, quarters, grade)
        page = Paginator(rows, 50).get_page(self.request.GET.get("page"))
        context.update({"quarters": quarters, "page": page, "grade": grade, "grades": Grade.choices,
                        "rollups": root.level == "district" and selectors.sees_whole_district(self.request.user)})
        return context


class FirmView(DashboardView):
    """A firm: its serving contracts the user may see, its results over four quarters with
    links to each quarter's report card, and this month's three rates."""

    template_name = "dashboard/firm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        firm = selectors.firm_get(user, kwargs["pk"])
        quarters = selectors.last_quarters(self.today)
        results = selectors.firm_results(user, firm, quarters)
        by_contract: dict = {}
        periods = [str(q) for q in quarters]
        for r in results["contracts"]:
            by_contract.setdefault(r.contract_id, [r.complex, [None] * len(quarters)])[1][periods.index(r.period)] = r
        context.update({
            "firm": firm, "quarters": quarters, "rollups": results["rollups"], "by_contract": list(by_contract.values()),
            "contracts": selectors.firm_contracts(user, firm),
            "has_place": selectors.root_place(user) is not None,
        })
        return context


class ReportCardView(DashboardView):
    """A firm's report card for one quarter (HTML, printable), or as a PDF (WeasyPrint)."""

    template_name = "dashboard/report_card.html"
    as_pdf = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        firm = selectors.firm_get(user, kwargs["pk"])
        try:
            quarter = Quarter.parse(kwargs["period"])
        except ValidationError:
            raise Http404
        card = selectors.report_card(user, firm, quarter)
        scheme = card["scheme"]
        context.update({
            "firm": firm, **card,
            "rollup_dimensions": dimension_explanations(card["rollup"], scheme) if card["rollup"] else [],
            "contract_cards": [
                {"result": r, "dimensions": dimension_explanations(r, scheme), "credit": credit_text(r),
                 "missing": missing_text(r), "trend": card["contract_trend"].get(r.contract_id)}
                for r in card["contracts"]
            ],
            "trend_chart": charts.bar_chart(
                _("Total score by quarter"), [str(q) for q in card["quarters"]],
                [(_("Total"), [r.total if r else None for r in card["trend"]])] if card["trend"] else [],
            ),
            "as_pdf": self.as_pdf,
        })
        return context

    def render_to_response(self, context, **response_kwargs):
        if not self.as_pdf:
            return super().render_to_response(context, **response_kwargs)
        from .pdf import html_to_pdf

        html = self.response_class(self.request, self.get_template_names(), context).rendered_content
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        filename = f"report-card-{context['firm'].pk}-{context['quarter']}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
