"""/dashboard/: pages for district, subdistrict and community staff (and, for their own firm,
firm staff), all scoped by the one jurisdiction rule through dashboard/selectors.py.

Every page is server-rendered; each chart is drawn by static/dashboard/charts.js from
options passed with json_script, beside the table that holds the same figures."""
from __future__ import annotations

import io
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from properties.evaluation import Quarter
from properties.explanations import credit_text, dimension_explanations, missing_text
from properties.models import Grade
from redproperty.models import AccessDoor
from redproperty.overview import FIGURES
from redproperty.pagination import CappedPaginator
from redproperty.scoping import ROLE_FIRM, staff_profile_of

from . import charts, exports, selectors, snapshots
from .definitions import FIGURE_DEFINITIONS
from .models import REPORT_CARD_PDF, ExportJob, ExportStatus
from .selectors import Place
from .services import export_job_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        context["refresh_minutes"] = settings.DASHBOARD_CACHE_SECONDS // 60
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
        month = selectors.parse_month(self.request.GET.get("month"), self.today)
        context.update(cached_place_context(self.request.user, self.place, month, self.today))
        context.update({
            "crumbs": selectors.breadcrumbs(self.place, self.root),
            "months": [(m, month_label(m)) for m in selectors.month_choices(self.today)],
        })
        return context


def place_context(user, place: Place, month, today) -> dict:
    """Everything a place page shows for `month`, computed (see place_base_context and
    place_month_context)."""
    base = place_base_context(user, place, today)
    return {**base, **place_month_context(user, place, month, today, base)}


def place_base_context(user, place: Place, today) -> dict:
    """What a place page shows whatever the month chosen: headline figures, complaints overdue
    now per place one level down, twelve months of rates and of complaints by category and
    channel, evaluation and coverage. The same for every user who may open the page (their
    jurisdiction holds the whole place), so it may be cached. Closed months come from the
    stored snapshots (RatesSnapshot, dashboard.snapshots); this month is counted live."""
    history_months = selectors.months_before(selectors.month_of(today), selectors.HISTORY_MONTHS)
    chart_months = history_months[1:] + [selectors.month_of(today)]
    quarters = selectors.last_quarters(today)
    last_quarter = quarters[-1]
    stored = snapshots.stored_months(history_months)

    figures = selectors.place_figures(user, place)
    history = selectors.rates_history(user, place, history_months)
    by_category, by_channel = selectors.complaints_by_month(user, place, chart_months, stored)
    grades = selectors.grade_distribution(user, place, quarters)
    failing, failing_count = selectors.failing_results(user, place, last_quarter)
    notices, notice_count = selectors.rectifications(user, place, last_quarter)
    coverage_rows, coverage_total = selectors.coverage(user, place)
    overdue = selectors.overdue_by(user, place, place.child_level)

    month_labels = [month_label(m) for m in history_months]
    history_series = [
        (_("Response rate"), [h.response_rate if h else None for h in history.values()]),
        (_("Resolution rate"), [h.resolution_rate if h else None for h in history.values()]),
        (_("Satisfaction rate"), [h.satisfaction_rate if h else None for h in history.values()]),
    ]
    return {
        "place": place,
        "counted_at": timezone.now(),
        "stored_months": stored,
        "figures": [(key, FIGURES[key], FIGURE_DEFINITIONS[key], figures[key]) for key in FIGURES],
        "child_level": place.child_level,
        "overdue_by": overdue,
        "overdue": sum(overdue.values()),
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
    }


def place_month_context(user, place: Place, month, today, base: dict) -> dict:
    """What a place page shows for the chosen `month`: the three rates ranked one level down
    (live this month, stored snapshots for closed ones) with `base`'s overdue counts, and the
    median times (stored for stored months)."""
    stored = base["stored_months"]
    if month not in stored and month != selectors.month_of(today):
        stored = snapshots.stored_months([month])
    rows, live = selectors.children_rates(user, place, month, today, overdue=base["overdue_by"])
    return {
        "month": month,
        "month_counted_at": timezone.now(),
        "month_stored_at": stored.get(month),
        "is_live": live,
        # The places one level down partition this one: its rates are their sum.
        "place_rates": selectors.rates_sum([row.rates for row in rows]),
        "rate_rows": rows,
        "rates_chart": charts.ranking_chart(
            _("Three rates"), [r.name for r in rows if r.rank][:15],
            [(_("Response rate"), [r.rates.response_rate for r in rows if r.rank][:15]),
             (_("Resolution rate"), [r.rates.resolution_rate for r in rows if r.rank][:15]),
             (_("Satisfaction rate"), [r.rates.satisfaction_rate for r in rows if r.rank][:15])]),
        "medians": selectors.median_times(user, place, month, stored),
    }


def cached_place_context(user, place: Place, month, today) -> dict:
    """place_context, its two parts each kept in the cache for DASHBOARD_CACHE_SECONDS: the
    part common to every month per place, day and language, the month's part per month too.
    The `dashboard.refresh_place_figures` task recomputes the district's and the
    subdistricts' pages of this month every few minutes, so their readers never wait; the
    page states when its figures were counted."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return place_context(user, place, month, today)
    base_key, month_key = place_cache_keys(place, month, today)
    found = cache.get_many([base_key, month_key])
    base, part = found.get(base_key), found.get(month_key)
    if base is None:
        base = place_base_context(user, place, today)
        cache.set(base_key, base, seconds)
    if part is None:
        part = place_month_context(user, place, month, today, base)
        cache.set(month_key, part, seconds)
    return {**base, **part, "counted_at": min(base["counted_at"], part["month_counted_at"])}


def place_cache_keys(place: Place, month, today) -> tuple[str, str]:
    """The cache keys of a place page's two parts: (every month's, `month`'s)."""
    key = f"dashboard:place:{place.level}:{place.pk}:{today:%Y-%m-%d}:{get_language()}"
    return key, f"{key}:{month:%Y-%m}"


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
    jurisdiction for one month, 100 a page, with the red and black lists' rule."""

    template_name = "dashboard/rates.html"
    LEVELS = ("subdistrict", "community", "firm")
    PAGE_SIZE = 100

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
        counted_at = None
        if level == "firm":
            (rows, live), counted_at = cached_firm_rates(user, root, month, today)
        elif selectors.LEVELS.index(level) == selectors.LEVELS.index(root.level) + 1:
            rows, live, counted_at = cached_children_rates(user, root, month, today)
        else:  # communities of a whole district: rank them all
            rows, live = [], False
            for sub in selectors.children(user, root):
                sub_rows, live, sub_counted_at = cached_children_rates(user, Place("subdistrict", sub), month, today)
                counted_at = min(filter(None, [counted_at, sub_counted_at]), default=None)
                rows += sub_rows
            rows = selectors.ranked(rows)
        page = Paginator(rows, self.PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update({
            "root": root, "level": level, "levels": allowed, "rows": page, "page": page, "is_live": live, "month": month,
            "counted_at": counted_at or timezone.now(),
            "months": [(m, month_label(m)) for m in selectors.month_choices(today)],
            "lists": selectors.firm_lists(today),
            "list_size": selectors.LIST_SIZE, "list_min": selectors.LIST_MIN_RECEIVED,
        })
        return context


def cached_children_rates(user, place: Place, month, today):
    """(rows, live?, when counted) of the places one level below `place`: with the cache on,
    the rows of the place page's cached month part (which the refresh keeps for the district
    and the subdistricts this month); else counted on the request."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        rows, live = selectors.children_rates(user, place, month, today)
        return rows, live, None
    part = cache.get(place_cache_keys(place, month, today)[1])  # the month's part holds the rows
    if part is None:
        part = cached_place_context(user, place, month, today)
        return part["rate_rows"], part["is_live"], part["counted_at"]
    return part["rate_rows"], part["is_live"], part["month_counted_at"]


def firm_rates_cache_key(place: Place, month, today) -> str:
    return f"dashboard:firm-rates:{place.level}:{place.pk}:{month:%Y-%m}:{today:%Y-%m-%d}"


def cached_firm_rates(user, root: Place, month, today):
    """((rows, live?), when counted) of selectors.firm_rates. The district's ranking as staff
    who see the whole district get it is the same for all of them: kept in the cache for
    DASHBOARD_CACHE_SECONDS, and this month's refreshed by `dashboard.refresh_place_figures`."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds or root.level != "district" or not selectors.sees_whole_district(user):
        return selectors.firm_rates(user, root, month, today), None
    key = firm_rates_cache_key(root, month, today)
    found = cache.get(key)
    if found is None:
        found = (selectors.firm_rates(user, root, month, today), timezone.now())
        cache.set(key, found, seconds)
    return found


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
        page = selectors.firm_trends(self.request.user, root, quarters, grade, page=self.request.GET.get("page") or 1)
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


def report_card_context(user, firm_pk, period: str) -> dict:
    """What a firm's report card for one quarter shows `user` (404 out of scope or for a
    quarter that is not one), for the page and for its PDF (dashboard.tasks.export_run)."""
    firm = selectors.firm_get(user, firm_pk)
    try:
        quarter = Quarter.parse(period)
    except ValidationError:
        raise Http404
    card = selectors.report_card(user, firm, quarter)
    scheme = card["scheme"]
    return {
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
    }


class ReportCardView(DashboardView):
    """A firm's report card for one quarter (HTML, printable; its PDF is a job, below)."""

    template_name = "dashboard/report_card.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(report_card_context(self.request.user, kwargs["pk"], kwargs["period"]))
        context["as_pdf"] = False
        return context


class ReportCardPdfView(DashboardView):
    """POST: queue the report card's PDF. WeasyPrint takes seconds, longer than a web worker
    should be held, so the `dashboard.export_run` task writes it and the export's progress
    page offers the download when it is ready."""

    http_method_names = ("post",)

    def post(self, request, pk, period):
        context = report_card_context(request.user, pk, period)  # 404 out of scope
        job = export_job_create(actor=request.user, kind=REPORT_CARD_PDF, total=1, params={
            "firm": context["firm"].pk, "period": str(context["quarter"]), "language": get_language()})
        return redirect("dashboard:export_job", pk=job.pk)


def report_card_pdf(job: ExportJob) -> bytes:
    """The PDF of a queued report card, as its user may see it now, in the language asked in."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from .pdf import html_to_pdf

    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        context = report_card_context(job.user, job.params["firm"], job.params["period"])
        html = render_to_string("dashboard/report_card.html", {
            **context, "as_pdf": True, "today": timezone.localdate()})
    return html_to_pdf(html)


# ---------------------------------------------------------------------------
# Complaints list and Excel exports
# ---------------------------------------------------------------------------
class ComplaintsView(DashboardView):
    """Complaints the user may see, filtered (place, status, category, channel, dates,
    overdue), 50 a page; "Export to Excel" carries the same filters."""

    template_name = "dashboard/complaints.html"

    def get_context_data(self, **kwargs):
        from .forms import ComplaintFilterForm

        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = ComplaintFilterForm(user, self.request.GET or None)
        filters = form.filters()
        queryset = exports.complaints_filtered(user, filters)
        page = CappedPaginator(queryset, 50).get_page(self.request.GET.get("page"))
        context.update({"form": form, "page": page, "export_query": urlencode(filters)})
        return context


class ExportsView(DashboardView):
    """What may be exported (registers, a quarter's evaluations) and the user's recent exports."""

    template_name = "dashboard/exports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        available = [e for e in exports.exports().values() if exports.may_export(user, e)]
        context.update({
            "registers": [e for e in available if e.name in exports.REGISTERS],
            "can_export_evaluations": any(e.name == "evaluations" for e in available),
            "quarters": list(reversed(selectors.last_quarters(self.today, 8))),
            "jobs": ExportJob.objects.of(user)[:10],
        })
        return context


class ExportView(LoginRequiredMixin, View):
    """GET /dashboard/export/<name>/?filters: the xlsx itself, or, above
    DASHBOARD_EXPORT_ASYNC_ROWS rows, a queued ExportJob and its progress page."""

    login_url = "admin:login"

    def get(self, request, name):
        export = exports.exports().get(name)
        if export is None or not exports.may_export(request.user, export):
            raise Http404
        if name == "complaints":
            params = exports.clean_complaint_filters(request.GET)
        elif name == "evaluations":
            params = {"period": request.GET.get("period", "")}
        else:
            params = {}
        return export_response(request, export, export.queryset(request.user, params), params)


def export_response(request, export, queryset, params: dict, *, door: str = AccessDoor.DASHBOARD):
    """The workbook as a download, or a queued job when it is large (see ExportView). An export
    of personal data is recorded in the PIPL audit (`door`: where it was asked for): with the
    job, in its transaction; or once the file is written and before it leaves, so there is no
    download without its record (and no write lock held while the file is written)."""
    total = queryset.count()
    if total > settings.DASHBOARD_EXPORT_ASYNC_ROWS:
        with transaction.atomic():
            exports.record_export(actor=request.user, export=export, rows=total, door=door)
            job = export_job_create(actor=request.user, kind=export.name, params=params, total=total)
        return redirect("dashboard:export_job", pk=job.pk)
    buffer = io.BytesIO()
    written = exports.write_workbook(export, queryset, buffer)
    exports.record_export(actor=request.user, export=export, rows=written, door=door)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(export)}"'
    return response


class ExportJobView(DashboardView):
    """A queued export's progress (htmx polls this page while it runs) and its download link."""

    template_name = "dashboard/export_job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = ExportJob.objects.of(self.request.user).filter(pk=kwargs["pk"]).first()
        if job is None:
            raise Http404
        context["job"] = job
        return context


class ExportDownloadView(LoginRequiredMixin, View):
    """The finished file, for the user who asked for it only (anyone else: 404)."""

    login_url = "admin:login"

    def get(self, request, pk):
        job = ExportJob.objects.of(request.user).filter(pk=pk, status=ExportStatus.DONE).first()
        if job is None or not job.file:
            raise Http404
        if job.kind == REPORT_CARD_PDF:
            return FileResponse(job.file.open("rb"), as_attachment=True, content_type="application/pdf",
                                filename=f"report-card-{job.params['firm']}-{job.params['period']}.pdf")
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=f"{job.kind}-{job.pk}.xlsx",
                            content_type=XLSX)


# ---------------------------------------------------------------------------
# Excel import
# ---------------------------------------------------------------------------
IMPORT_SESSION_KEY = "dashboard_import_file"


class ImportTemplateView(LoginRequiredMixin, View):
    login_url = "admin:login"

    def get(self, request):
        from .imports import template_workbook

        buffer = io.BytesIO()
        template_workbook().save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="import-template.xlsx"'
        return response


class ImportView(DashboardView):
    """Upload → dry run listing every bad row (nothing written) → "Import" imports the same
    file in one transaction through the services, only if every row is still valid. The
    uploaded file waits in the media storage under a random name kept in the session."""

    template_name = "dashboard/import.html"

    def post(self, request, *args, **kwargs):
        from django.contrib import messages
        from django.core.files.storage import default_storage

        from .forms import ImportForm
        from .imports import import_workbook

        if "confirm" in request.POST:
            name = request.session.get(IMPORT_SESSION_KEY)
            if not name or not default_storage.exists(name):
                messages.error(request, _("Upload the file again: the checked file is no longer here."))
                return redirect("dashboard:import")
            with default_storage.open(name, "rb") as handle:
                report = import_workbook(handle, user=request.user, commit=True)
            if report.committed:
                default_storage.delete(name)
                request.session.pop(IMPORT_SESSION_KEY, None)
                messages.success(request, _("Imported %(n)s records.") % {"n": report.total})
                return redirect("dashboard:import")
            return self.render_to_response(self.get_context_data(form=ImportForm(), report=report), status=400)

        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        report = import_workbook(upload, user=request.user, commit=False)
        if not report.is_valid:
            return self.render_to_response(self.get_context_data(form=form, report=report), status=400)
        upload.seek(0)
        previous = request.session.get(IMPORT_SESSION_KEY)
        if previous:
            default_storage.delete(previous)
        request.session[IMPORT_SESSION_KEY] = default_storage.save(f"imports/{uuid.uuid4().hex}.xlsx", upload)
        return self.render_to_response(self.get_context_data(form=form, report=report, checked=True))

    def get_context_data(self, **kwargs):
        from .forms import ImportForm
        from .imports import SHEETS

        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportForm())
        report = context.get("report")
        if report is not None:
            context["sheet_counts"] = [(sheet.title, report.counts.get(sheet.key, 0)) for sheet in SHEETS]
        return context


# ---------------------------------------------------------------------------
# Published results on the residents' portal (no account, no personal data)
# ---------------------------------------------------------------------------
class PublishedResultsView(TemplateView):
    """/portal/results/: per complex, the serving firm, the firm's grade of the last quarter and
    the complex's three rates of last month; and the district's red and black lists of firms.
    Only names of places and firms and counted figures: nothing about any person."""

    template_name = "dashboard/published.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update({
            **selectors.published_complexes(self.request.GET, today),
            "lists": selectors.firm_lists(today),
            "list_size": selectors.LIST_SIZE, "list_min": selectors.LIST_MIN_RECEIVED,
        })
        return context
