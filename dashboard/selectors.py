"""Reads of the dashboard: places, figures, the three rates, complaints, evaluations, coverage.

Everything here only reads, and every queryset starts from `Model.objects.visible_to(user)`,
narrowed to a place of the drill-down (district → subdistrict → community → complex). Rates
come from the one function (complaints.rates) for the current month and from the stored
monthly snapshots (RatesSnapshot) for closed months. Each selector costs a fixed number of
grouped queries, whatever the number of complexes, firms or complaints; the number is in
its docstring.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import (
    CommitteeStatus,
    Community,
    ComplexType,
    District,
    ManagementMode,
    OwnersCommittee,
    ResidentialComplex,
    Subdistrict,
)
from complaints.models import Channel, Complaint, RatesSnapshot, ScopeKind, Status
from complaints.rates import Rates, month_bounds, rates_for, rates_grouped
from partybranches.models import (
    CrossAppointment,
    OrgKind,
    PartyOrganization,
    ProjectLevel,
    RedPropertyProject,
    ServiceStation,
    StationKind,
)
from properties.evaluation import Quarter
from properties.models import (
    ContractStatus,
    EvaluationConsequence,
    EvaluationStatus,
    FirmEvaluation,
    Grade,
    PropertyFirm,
    ServiceContract,
)
from redproperty.overview import overview_figures

from redproperty.scoping import ROLE_DISTRICT, staff_profile_of

from .models import MonthlyComplaintCount, MonthlyMedian
from .snapshots import MEDIAN_LEVELS

LEVELS = ("district", "subdistrict", "community", "complex")
MODELS = {"district": District, "subdistrict": Subdistrict, "community": Community, "complex": ResidentialComplex}
# From a complaint, and from a complex, to the id of its place at each level.
COMPLAINT_PATH = {
    "district": "complex__community__subdistrict__district_id",
    "subdistrict": "complex__community__subdistrict_id",
    "community": "complex__community_id",
    "complex": "complex_id",
}
COMPLEX_PATH = {
    "district": "community__subdistrict__district_id",
    "subdistrict": "community__subdistrict_id",
    "community": "community_id",
    "complex": "id",
}
SNAPSHOT_KIND = {"subdistrict": ScopeKind.SUBDISTRICT, "community": ScopeKind.COMMUNITY, "firm": ScopeKind.FIRM}

# The red and black lists of firms (stated on the pages that show them).
LIST_SIZE = 10
LIST_MIN_RECEIVED = 5
HISTORY_MONTHS = 12
QUARTERS_SHOWN = 4


# ---------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """One node of the drill-down: its level and its record."""

    level: str
    obj: object

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def child_level(self) -> str | None:
        index = LEVELS.index(self.level)
        return LEVELS[index + 1] if index + 1 < len(LEVELS) else None

    def complaints_q(self) -> Q:
        return Q(**{COMPLAINT_PATH[self.level]: self.pk})

    def complexes_q(self, prefix: str = "") -> Q:
        return Q(**{prefix + COMPLEX_PATH[self.level]: self.pk})

    @property
    def narrowing(self) -> dict:
        """Keyword arguments of overview_figures for this place."""
        return {"subdistrict": self.obj} if self.level == "subdistrict" else (
            {"community": self.obj} if self.level == "community" else {})


def sees_whole_district(user) -> bool:
    if user.is_superuser and user.is_active:
        return True
    profile = staff_profile_of(user)
    return profile is not None and profile.role == ROLE_DISTRICT


def root_place(user) -> Place | None:
    """The top of the user's drill-down: the district for district staff (and superusers: the
    platform serves one district), their subdistrict or community; None for firm staff and
    users without a jurisdiction. One or two queries."""
    if user.is_superuser and user.is_active:
        district = District.objects.order_by("code").first()
        return Place("district", district) if district else None
    profile = staff_profile_of(user)
    if profile is None:
        return None
    for level in ("district", "subdistrict", "community"):
        if profile.role == level:
            return Place(level, getattr(profile, level))
    return None


def place_get(user, level: str, pk: int) -> Place:
    """The place `level`/`pk` if the user may open its page: visible to them and at or below
    the top of their drill-down; else Http404 (out of scope looks like missing)."""
    root = root_place(user)
    if level not in MODELS or root is None or LEVELS.index(level) < LEVELS.index(root.level):
        raise Http404
    queryset = MODELS[level].objects.visible_to(user)
    related = {"subdistrict": ["district"], "community": ["subdistrict__district"],
               "complex": ["community__subdistrict__district"]}.get(level, [])
    obj = queryset.select_related(*related).filter(pk=pk).first()
    if obj is None:
        raise Http404
    place = Place(level, obj)
    if root.level != level and not _is_within(place, root):
        raise Http404
    return place


def _is_within(place: Place, root: Place) -> bool:
    return _ancestor(place.obj, place.level, root.level).pk == root.pk


def _ancestor(obj, level: str, wanted: str):
    """Walk up from `obj` at `level` to its place at `wanted` (the attribute is named after
    the parent's level)."""
    while level != wanted:
        level = LEVELS[LEVELS.index(level) - 1]
        obj = getattr(obj, level)
    return obj


def breadcrumbs(place: Place, root: Place) -> list[Place]:
    """The places from the user's root down to `place` (its ancestors were select_related)."""
    chain, obj, level = [], place.obj, place.level
    while True:
        chain.append(Place(level, obj))
        if level == root.level:
            break
        obj = _ancestor(obj, level, LEVELS[LEVELS.index(level) - 1])
        level = LEVELS[LEVELS.index(level) - 1]
    return list(reversed(chain))


def children(user, place: Place) -> list:
    """The visible places one level below `place`, in code (or name) order. One query."""
    level = place.child_level
    parent_path = {"subdistrict": "district_id", "community": "subdistrict_id", "complex": "community_id"}[level]
    return list(MODELS[level].objects.visible_to(user).filter(**{parent_path: place.pk}).order_by(
        "name" if level == "complex" else "code"))


# ---------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------
def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_before(month: datetime.date, count: int) -> list[datetime.date]:
    """The `count` months before `month`, oldest first."""
    months, current = [], month
    for _ in range(count):
        current = (current - datetime.timedelta(days=1)).replace(day=1)
        months.append(current)
    return list(reversed(months))


def month_choices(today: datetime.date) -> list[datetime.date]:
    """This month first, then the last twelve closed months, newest first."""
    this = month_of(today)
    return [this] + list(reversed(months_before(this, HISTORY_MONTHS)))


def parse_month(text: str | None, today: datetime.date) -> datetime.date:
    """`YYYY-MM` among month_choices(today); anything else means this month."""
    try:
        month = datetime.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        return month_of(today)
    return month if month in month_choices(today) else month_of(today)


# ---------------------------------------------------------------------------
# The three rates
# ---------------------------------------------------------------------------
def rates_sum(rows) -> Rates:
    """Add up the counts of Rates or RatesSnapshot rows (whatever counts Rates has)."""
    names = [f.name for f in dataclasses.fields(Rates)]
    return Rates(**{name: sum(getattr(row, name) for row in rows) for name in names})


def score(rates: Rates) -> Decimal | None:
    """The ranking rule: the average of the rates that have data (one decimal), or None."""
    values = [r for r in (rates.response_rate, rates.resolution_rate, rates.satisfaction_rate) if r is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.1"))


@dataclass
class RateRow:
    key: int
    name: str
    rates: Rates
    level: str = ""
    rank: int | None = None
    overdue: int = 0

    @property
    def score(self) -> Decimal | None:
        return score(self.rates)


def ranked(rows: list[RateRow]) -> list[RateRow]:
    """Best first by score, then more complaints received, then name; rows without data last
    (unranked)."""
    rows = sorted(rows, key=lambda r: (r.score is None, -(r.score or 0), -r.rates.received, r.name))
    for position, row in enumerate(rows, start=1):
        row.rank = position if row.score is not None else None
    return rows


def _is_live(month: datetime.date, today: datetime.date) -> bool:
    return month >= month_of(today)


def place_rates(user, place: Place, month: datetime.date, today: datetime.date) -> Rates:
    """The place's three rates for `month`: live this month, else the stored snapshots (a
    district adds up its subdistricts; a complex is always live). One query."""
    if _is_live(month, today) or place.level == "complex":
        start, end = month_bounds(month)
        return rates_for(start=start, end=end, queryset=Complaint.objects.visible_to(user).filter(place.complaints_q()))
    return rates_history(user, place, [month])[month]


def rates_history(user, place: Place, months: list[datetime.date]) -> dict[datetime.date, Rates | None]:
    """Per closed month, the place's stored counts (None: no snapshot stored for that month).
    A district adds up its visible subdistricts' snapshots. One or two queries."""
    if place.level == "district":
        ids = list(Subdistrict.objects.visible_to(user).filter(district_id=place.pk).values_list("pk", flat=True))
        kind = ScopeKind.SUBDISTRICT
    else:
        ids, kind = [place.pk], SNAPSHOT_KIND[place.level]
    by_month = defaultdict(list)
    for snapshot in RatesSnapshot.objects.filter(period__in=months, scope_kind=kind, scope_id__in=ids):
        by_month[snapshot.period].append(snapshot)
    return {month: rates_sum(by_month[month]) if month in by_month else None for month in months}


def children_rates(user, place: Place, month: datetime.date, today: datetime.date,
                   overdue: dict | None = None) -> tuple[list[RateRow], bool]:
    """The places one level below `place`, ranked by their three rates for `month`, each with
    its complaints overdue now (`overdue`, as overdue_by returns it, when already counted).
    Returns (rows, live?). Live this month and always for complexes (no complex snapshots);
    stored snapshots otherwise. Three queries (two when `overdue` is given)."""
    level = place.child_level
    places = children(user, place)
    live = _is_live(month, today) or level == "complex"
    if live:
        start, end = month_bounds(month)
        visible = Complaint.objects.visible_to(user).filter(place.complaints_q())
        by_key = rates_grouped(start=start, end=end, by=COMPLAINT_PATH[level], queryset=visible)
    else:
        by_key = {s.scope_id: s.rates for s in RatesSnapshot.objects.filter(
            period=month, scope_kind=SNAPSHOT_KIND[level], scope_id__in=[p.pk for p in places])}
    if overdue is None:
        overdue = overdue_by(user, place, level)
    rows = [RateRow(key=p.pk, name=p.name, level=level, rates=by_key.get(p.pk, Rates()), overdue=overdue.get(p.pk, 0))
            for p in places]
    return ranked(rows), live


def firm_rates(user, place: Place, month: datetime.date, today: datetime.date) -> tuple[list[RateRow], bool]:
    """The firms handling complaints in `place`, ranked for `month`. For closed months at the
    district level (district staff) the stored firm snapshots; otherwise live over the
    complaints the user may see in the place. Returns (rows, live?). Two queries."""
    live = _is_live(month, today) or not (place.level == "district" and sees_whole_district(user))
    if live:
        start, end = month_bounds(month)
        visible = Complaint.objects.visible_to(user).filter(place.complaints_q(), assigned_firm__isnull=False)
        by_key = rates_grouped(start=start, end=end, by="assigned_firm_id", queryset=visible)
    else:
        by_key = {s.scope_id: s.rates for s in RatesSnapshot.objects.filter(period=month, scope_kind=ScopeKind.FIRM)}
    names = dict(PropertyFirm.objects.filter(pk__in=list(by_key)).values_list("pk", "name"))
    rows = [RateRow(key=pk, name=names.get(pk, "?"), level="firm", rates=rates) for pk, rates in by_key.items()]
    return ranked(rows), live


@dataclass
class FirmLists:
    month: datetime.date
    red: list[RateRow] = field(default_factory=list)
    black: list[RateRow] = field(default_factory=list)
    stored: bool = False


def firm_lists(today: datetime.date) -> FirmLists:
    """firm_lists_counted, kept in the cache for DASHBOARD_CACHE_SECONDS (the same for every
    page and user: it ranks every firm of the district). One cache read when kept."""
    from django.conf import settings
    from django.core.cache import cache

    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return firm_lists_counted(today)
    key = f"dashboard:firm-lists:{today:%Y-%m-%d}"
    lists = cache.get(key)
    if lists is None:
        lists = firm_lists_counted(today)
        cache.set(key, lists, seconds)
    return lists


def firm_lists_counted(today: datetime.date) -> FirmLists:
    """The district's red and black lists of firms for the last closed month, from the stored
    firm snapshots (so they do not move once published): firms with at least
    LIST_MIN_RECEIVED complaints received, ranked by `score`; the red list is the best
    LIST_SIZE, the black list the worst LIST_SIZE of the rest, worst first. Two queries."""
    month = months_before(month_of(today), 1)[0]
    snapshots = list(RatesSnapshot.objects.filter(period=month, scope_kind=ScopeKind.FIRM,
                                                  received__gte=LIST_MIN_RECEIVED))
    lists = FirmLists(month=month, stored=RatesSnapshot.objects.filter(period=month).exists() if not snapshots else True)
    if not snapshots:
        return lists
    names = dict(PropertyFirm.objects.filter(pk__in=[s.scope_id for s in snapshots]).values_list("pk", "name"))
    rows = ranked([RateRow(key=s.scope_id, name=names.get(s.scope_id, "?"), level="firm", rates=s.rates)
                   for s in snapshots])
    rows = [r for r in rows if r.rank is not None]
    lists.red = rows[:LIST_SIZE]
    lists.black = list(reversed(rows[LIST_SIZE:]))[:LIST_SIZE]
    return lists


# ---------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------
def _place_complaints(user, place: Place):
    return Complaint.objects.visible_to(user).filter(place.complaints_q())


def overdue_by(user, place: Place, level: str) -> dict[int, int]:
    """Complaints overdue now per place of `level` inside `place`. One query."""
    rows = _place_complaints(user, place).overdue().order_by().values(COMPLAINT_PATH[level]).annotate(n=Count("pk"))
    return {row[COMPLAINT_PATH[level]]: row["n"] for row in rows}


@dataclass
class MonthTable:
    """A month × key table of counts: `columns` are the keys' labels, `rows` (month, [counts])."""

    columns: list[str]
    rows: list[tuple[datetime.date, list[int]]]

    @property
    def totals(self) -> list[int]:
        return [sum(row[1][i] for row in self.rows) for i in range(len(self.columns))]


def complaints_by_month(user, place: Place, months: list[datetime.date],
                        stored: dict | None = None) -> tuple[MonthTable, MonthTable]:
    """Complaints received per month (duplicates excluded), by category and by channel, for the
    given months (oldest first). Columns in order of their total, largest first. Months in
    `stored` (see dashboard.snapshots) are read from their stored counts per community, the
    others counted live from the complaints. Two queries (one when no month is stored, or
    when every month is), each grouped by month, category and channel."""
    stored = stored or {}
    counts = {"category": defaultdict(lambda: defaultdict(int)), "channel": defaultdict(lambda: defaultdict(int))}
    kept = [m for m in months if m in stored]
    if kept:
        # A stored count has its community as a complex has: the same path to the place.
        rows = (MonthlyComplaintCount.objects.filter(place.complexes_q(), period__in=kept)
                .order_by().values("period", "channel", category_name=F("category__name")).annotate(n=Sum("received")))
        for row in rows:
            counts["category"][row["period"]][row["category_name"]] += row["n"]
            counts["channel"][row["period"]][row["channel"]] += row["n"]
    live = [m for m in months if m not in stored]
    if live:
        start, end = month_bounds(live[0])[0], month_bounds(live[-1])[1]
        rows = (
            _place_complaints(user, place).filter(submitted_at__gte=start, submitted_at__lt=end)
            .exclude(status=Status.DUPLICATE).order_by()
            .values("channel", month=TruncMonth("submitted_at"), category_name=F("category__name")).annotate(n=Count("pk"))
        )
        for row in rows:
            month = timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime.datetime) else row["month"]
            if month in stored:
                continue
            counts["category"][month][row["category_name"]] += row["n"]
            counts["channel"][month][row["channel"]] += row["n"]
    return _month_table(counts["category"], months, {}), _month_table(counts["channel"], months, dict(Channel.choices))


def _month_table(counts: dict, months: list[datetime.date], labels: dict) -> MonthTable:
    totals: dict = defaultdict(int)
    for by_key in counts.values():
        for key, n in by_key.items():
            totals[key] += n
    keys = sorted(totals, key=lambda k: (-totals[k], str(k)))
    return MonthTable(columns=[str(labels.get(k, k)) for k in keys],
                      rows=[(m, [counts[m][k] if m in counts else 0 for k in keys]) for m in months])


class _Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median in one aggregate."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _median(queryset, expression) -> datetime.timedelta | None:
    """The median of `expression` (a duration) over `queryset`: one aggregate on PostgreSQL;
    elsewhere (SQLite) a count and the one or two middle rows in order, two queries."""
    duration = ExpressionWrapper(expression, output_field=DurationField())
    if connection.vendor == "postgresql":
        return queryset.aggregate(m=_Median(duration, output_field=DurationField()))["m"]
    values = queryset.annotate(_d=duration).order_by("_d").values_list("_d", flat=True)
    n = values.count()
    if not n:
        return None
    if n % 2:
        return values[n // 2]
    low, high = list(values[n // 2 - 1:n // 2 + 1])
    return (low + high) / 2


def median_times(user, place: Place, month: datetime.date, stored: dict | None = None) -> dict:
    """Median time from submission to acceptance, and to resolution, of the complaints
    received in `month` that were accepted / resolved. For a month in `stored` (see
    dashboard.snapshots) the stored medians: one query. Otherwise counted live: two queries
    on PostgreSQL, four elsewhere."""
    if stored and month in stored and place.level in MEDIAN_LEVELS:
        row = MonthlyMedian.objects.filter(period=month, level=place.level, place_id=place.pk).first()
        return {"accept": row.accept if row else None, "resolve": row.resolve if row else None}
    start, end = month_bounds(month)
    received = _place_complaints(user, place).filter(submitted_at__gte=start, submitted_at__lt=end)
    accepted = received.filter(accepted_at__isnull=False)
    resolved = received.filter(resolved_at__isnull=False)
    return {
        "accept": _median(accepted, F("accepted_at") - F("submitted_at")),
        "resolve": _median(resolved, F("resolved_at") - F("submitted_at")),
    }


def recent_complaints(user, place: Place, limit: int = 10) -> list[Complaint]:
    """The latest complaints of the place, without personal data loaded. One query."""
    return list(
        _place_complaints(user, place).select_related("category", "complex")
        .only("tracking_code", "submitted_at", "status", "channel", "due_resolve_at", "due_response_at",
              "category__name", "complex__name")[:limit]
    )


# ---------------------------------------------------------------------------
# Firm evaluation
# ---------------------------------------------------------------------------
def quarters_until(quarter: Quarter, count: int = QUARTERS_SHOWN) -> list[Quarter]:
    """`count` quarters ending with `quarter`, oldest first."""
    result = [quarter]
    while len(result) < count:
        result.append(result[-1].previous)
    return list(reversed(result))


def last_quarters(today: datetime.date, count: int = QUARTERS_SHOWN) -> list[Quarter]:
    return quarters_until(Quarter.just_ended(today), count)


def latest_results(queryset, periods: list[str]):
    """`queryset` of FirmEvaluation narrowed to `periods`, each by the newest scheme version
    that evaluated it (re-runs under a new scheme keep the old rows). One query to find the
    versions; the narrowed queryset is lazy."""
    versions = dict(queryset.filter(period__in=periods).order_by().values_list("period").annotate(v=Max("scheme__version")))
    if not versions:
        return queryset.none()
    condition = Q()
    for period, version in versions.items():
        condition |= Q(period=period, scheme__version=version)
    return queryset.filter(condition)


def _evaluations(user, place: Place):
    """Firm roll-ups for staff who see the whole district at the district level; contract
    results of the place's complexes otherwise (roll-ups span places)."""
    visible = FirmEvaluation.objects.visible_to(user)
    if place.level == "district" and sees_whole_district(user):
        return visible.rollups(), True
    return visible.contracts().filter(place.complexes_q("complex__")), False


GRADE_ORDER = [Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL]


def grade_distribution(user, place: Place, quarters: list[Quarter]) -> dict:
    """Per quarter, how many results got each grade (and how many had too little data), of
    firm roll-ups (district) or the place's contracts. Returns {"rollups": bool, "columns":
    labels, "rows": [(period, [counts])]}. Two queries."""
    queryset, rollups = _evaluations(user, place)
    periods = [str(q) for q in quarters]
    counts: dict = defaultdict(lambda: defaultdict(int))
    rows = latest_results(queryset, periods).order_by().values("period", "grade", "status").annotate(n=Count("pk"))
    for row in rows:
        key = "insufficient" if row["status"] == EvaluationStatus.INSUFFICIENT else row["grade"]
        counts[row["period"]][key] += row["n"]
    keys = [g.value for g in GRADE_ORDER] + ["insufficient"]
    labels = [str(g.label) for g in GRADE_ORDER] + [str(EvaluationStatus.INSUFFICIENT.label)]
    return {"rollups": rollups, "columns": labels, "rows": [(p, [counts[p][k] for k in keys]) for p in periods]}


def failing_results(user, place: Place, quarter: Quarter, limit: int = 50) -> tuple[list[FirmEvaluation], int]:
    """The results graded fail in `quarter` (roll-ups or the place's contracts), lowest total
    first, at most `limit`, and how many there are. Three queries."""
    queryset, _rollups = _evaluations(user, place)
    failing = latest_results(queryset, [str(quarter)]).filter(grade=Grade.FAIL)
    rows = list(failing.select_related("firm", "complex").order_by("total", "firm__name")[:limit])
    return rows, failing.count()


def rectifications(user, place: Place, quarter: Quarter, limit: int = 50) -> tuple[list, int]:
    """Rectification notices of `quarter` for the place's contracts. Two queries."""
    queryset = EvaluationConsequence.objects.visible_to(user).filter(
        place.complexes_q("contract__complex__"), period=str(quarter), kind="rectification")
    rows = list(queryset.select_related("contract__firm", "contract__complex").order_by("contract__firm__name")[:limit])
    return rows, queryset.count()


def exit_reviews(user, place: Place) -> list[ServiceContract]:
    """Contracts under exit review now in the place. One query."""
    return list(
        ServiceContract.objects.visible_to(user).filter(place.complexes_q("complex__"), status=ContractStatus.EXIT_REVIEW)
        .select_related("firm", "complex").order_by("firm__name")
    )


@dataclass
class TrendRow:
    firm_id: int
    firm_name: str
    complex_name: str
    cells: list  # one FirmEvaluation or None per quarter


def firm_trends(user, place: Place, quarters: list[Quarter], grade: str = "", page=None, per_page: int = 50):
    """Each firm's (district roll-ups) or each contract's (a smaller place) results over the
    quarters, one row per firm or contract, by name; with `grade`, only those with that
    grade in the last quarter. Without `page`: every row (two queries). With `page` (a page
    number): a Page of `per_page` rows, the firms or contracts paged in the database and only
    their results read (four queries), whatever the number of firms."""
    from django.core.paginator import Paginator

    queryset, rollups = _evaluations(user, place)
    periods = [str(q) for q in quarters]
    key = "firm_id" if rollups else "contract_id"
    latest = latest_results(queryset, periods)
    paged = None
    if page is not None:
        keys = latest.filter(period=periods[-1], grade=grade) if grade else latest
        keys = keys.order_by("firm__name", "complex__name", key).values_list(key, "firm__name", "complex__name").distinct()
        paged = Paginator(keys, per_page).get_page(page)
        latest = latest.filter(**{f"{key}__in": [k for k, _f, _c in paged.object_list]})
    results = (latest.select_related("firm", "complex")
               .only("firm_id", "contract_id", "complex_id", "period", "grade", "status", "total",
                     "firm__name", "complex__name")
               .order_by("firm__name", "complex__name"))
    table: dict = {}
    for row in results:
        entry = table.setdefault(getattr(row, key), TrendRow(row.firm_id, row.firm.name,
                                                             row.complex.name if row.complex_id else "",
                                                             [None] * len(periods)))
        entry.cells[periods.index(row.period)] = row
    if paged is not None:
        paged.object_list = [table[k] for k, _f, _c in paged.object_list if k in table]
        return paged
    rows = list(table.values())
    if grade:
        rows = [r for r in rows if r.cells[-1] is not None and r.cells[-1].grade == grade]
    return rows


# ---------------------------------------------------------------------------
# Coverage by place
# ---------------------------------------------------------------------------
@dataclass
class CoverageRow:
    key: int
    name: str
    complexes: int = 0
    two_way_entry: int = 0
    committees: int = 0
    red_committees: int = 0
    types: dict = field(default_factory=dict)
    modes: dict = field(default_factory=dict)
    red_projects_district: int = 0
    red_projects_city: int = 0
    stations: int = 0

    def percent(self, part: int) -> Decimal | None:
        if not self.complexes:
            return None
        return (Decimal(part) * 100 / Decimal(self.complexes)).quantize(Decimal("0.1"))

    @property
    def two_way_entry_percent(self):
        return self.percent(self.two_way_entry)

    @property
    def committee_percent(self):
        return self.percent(self.committees)

    @property
    def red_committee_percent(self):
        return self.percent(self.red_committees)


def coverage(user, place: Place) -> tuple[list[CoverageRow], CoverageRow]:
    """Per place one level below (for a community: per complex): complexes, those with two-way
    entry, with an owners' committee in office and a red one, complex types and management
    modes, red projects and complex stations. Returns (rows, total). Four queries."""
    level = place.child_level
    key = COMPLEX_PATH[level] if level != "complex" else "id"
    places = children(user, place)
    rows = {p.pk: CoverageRow(key=p.pk, name=p.name) for p in places}
    in_office = OwnersCommittee.objects.filter(complex=OuterRef("pk"), status=CommitteeStatus.ACTIVE)
    complexes = (
        ResidentialComplex.objects.visible_to(user).filter(place.complexes_q()).with_two_way_entry()
        .annotate(has_committee=Exists(in_office), has_red_committee=Exists(in_office.red()))
        .order_by().values(key)
        .annotate(
            n=Count("pk"),
            two_way=Count("pk", filter=Q(has_two_way_entry=True)),
            committees=Count("pk", filter=Q(has_committee=True)),
            red=Count("pk", filter=Q(has_red_committee=True)),
            **{f"type_{t}": Count("pk", filter=Q(complex_type=t)) for t in ComplexType.values},
            **{f"mode_{m}": Count("pk", filter=Q(management_mode=m)) for m in ManagementMode.values},
        )
    )
    for row in complexes:
        target = rows.get(row[key])
        if target is None:
            continue
        target.complexes, target.two_way_entry = row["n"], row["two_way"]
        target.committees, target.red_committees = row["committees"], row["red"]
        target.types = {t: row[f"type_{t}"] for t in ComplexType.values}
        target.modes = {m: row[f"mode_{m}"] for m in ManagementMode.values}
    project_key = {"subdistrict": "community__subdistrict_id", "community": "community_id", "complex": "complex_id"}[level]
    projects = (RedPropertyProject.objects.visible_to(user).filter(**{{
        "district": "community__subdistrict__district_id", "subdistrict": "community__subdistrict_id",
        "community": "community_id"}[place.level]: place.pk}).order_by().values(project_key)
        .annotate(district=Count("pk", filter=Q(level=ProjectLevel.DISTRICT)),
                  city=Count("pk", filter=Q(level=ProjectLevel.CITY))))
    for row in projects:
        target = rows.get(row[project_key])
        if target is not None:
            target.red_projects_district, target.red_projects_city = row["district"], row["city"]
    station_key = "complex__" + key
    stations = (ServiceStation.objects.visible_to(user).filter(place.complexes_q("complex__"),
                                                                kind=StationKind.COMPLEX_STATION)
                .order_by().values(station_key).annotate(n=Count("pk")))
    for row in stations:
        target = rows.get(row[station_key])
        if target is not None:
            target.stations = row["n"]
    result = list(rows.values())
    total = CoverageRow(key=0, name=str(_("Total")))
    for attr in ("complexes", "two_way_entry", "committees", "red_committees", "red_projects_district",
                 "red_projects_city", "stations"):
        setattr(total, attr, sum(getattr(r, attr) for r in result))
    total.types = {t: sum(r.types.get(t, 0) for r in result) for t in ComplexType.values}
    total.modes = {m: sum(r.modes.get(m, 0) for r in result) for m in ManagementMode.values}
    return result, total


def place_figures(user, place: Place) -> dict[str, int]:
    """The article's headline figures (redproperty.overview) for the place. Eight queries."""
    return overview_figures(user, **place.narrowing)


# ---------------------------------------------------------------------------
# One complex
# ---------------------------------------------------------------------------
def complex_detail(user, place: Place, today: datetime.date) -> dict:
    """What a complex's page shows: firm and contract, owners' committee with its members,
    party organisations, active cross-appointments, red projects and stations, recent
    complaints, evaluations and the three rates of this and last month. Twelve queries."""
    complex_ = place.obj
    contract = ServiceContract.objects.visible_to(user).active().filter(complex=complex_).select_related("firm").first()
    committee = (OwnersCommittee.objects.visible_to(user).filter(complex=complex_, status=CommitteeStatus.ACTIVE)
                 .with_red().prefetch_related("members").first())
    organisations = list(
        PartyOrganization.objects.filter(
            Q(kind=OrgKind.COMMUNITY_COMMITTEE, community_id=complex_.community_id)
            | Q(kind=OrgKind.RESIDENTIAL_BRANCH, complexes=complex_)
        ).distinct().order_by("kind", "name")
    )
    appointments = list(CrossAppointment.objects.visible_to(user).active(on=today).filter(complex=complex_)
                        .select_related("party_organization", "firm", "owners_committee"))
    has_two_way_entry = ResidentialComplex.objects.filter(pk=complex_.pk).with_two_way_entry().values_list(
        "has_two_way_entry", flat=True).first()
    evaluations = list(FirmEvaluation.objects.visible_to(user).filter(complex=complex_).select_related("firm", "scheme")
                       .order_by("-period", "-scheme__version")[:QUARTERS_SHOWN])
    this_month = month_of(today)
    last_month = months_before(this_month, 1)[0]
    return {
        "contract": contract,
        "committee": committee,
        "organisations": organisations,
        "appointments": appointments,
        "has_two_way_entry": bool(has_two_way_entry),
        "projects": list(RedPropertyProject.objects.visible_to(user).filter(complex=complex_)),
        "stations": list(ServiceStation.objects.visible_to(user).filter(complex=complex_)),
        "complaints": recent_complaints(user, place),
        "evaluations": evaluations,
        "rates_this_month": (this_month, place_rates(user, place, this_month, today)),
        "rates_last_month": (last_month, place_rates(user, place, last_month, today)),
    }


# ---------------------------------------------------------------------------
# Firms and their report cards
# ---------------------------------------------------------------------------
def firm_get(user, pk: int) -> PropertyFirm:
    firm = PropertyFirm.objects.visible_to(user).filter(pk=pk).first()
    if firm is None:
        raise Http404
    return firm


def firm_contracts(user, firm: PropertyFirm) -> list[ServiceContract]:
    """The firm's serving contracts the user may see. One query."""
    return list(ServiceContract.objects.visible_to(user).active().filter(firm=firm)
                .select_related("complex__community").order_by("complex__name"))


def firm_results(user, firm: PropertyFirm, quarters: list[Quarter]) -> dict:
    """The firm's results the user may see over `quarters`: its roll-up per quarter (None when
    not visible or not evaluated) and its contracts' results. Two queries."""
    periods = [str(q) for q in quarters]
    results = list(latest_results(FirmEvaluation.objects.visible_to(user).filter(firm=firm), periods)
                   .select_related("complex", "scheme").order_by("period", "complex__name"))
    rollups = {r.period: r for r in results if r.contract_id is None}
    contracts = [r for r in results if r.contract_id is not None]
    return {"rollups": [rollups.get(p) for p in periods], "contracts": contracts}


def report_card(user, firm: PropertyFirm, quarter: Quarter) -> dict:
    """One firm's report card for one quarter: the roll-up (when the user sees it), every
    contract's result with its dimension scores explained, the trend over the last four
    quarters, and the consequences. Raises Http404 when the user sees no result of that
    firm and quarter. Five queries."""
    quarters = quarters_until(quarter)
    results = firm_results(user, firm, quarters)
    current = [r for r in results["contracts"] if r.period == str(quarter)]
    rollup = results["rollups"][-1]
    if rollup is None and not current:
        raise Http404
    trend = results["rollups"] if any(results["rollups"]) else None
    consequences = list(EvaluationConsequence.objects.visible_to(user).filter(contract__firm=firm, period=str(quarter))
                        .select_related("contract__complex").order_by("contract__complex__name", "kind"))
    contract_trend: dict = defaultdict(lambda: [None] * len(quarters))
    periods = [str(q) for q in quarters]
    for r in results["contracts"]:
        contract_trend[r.contract_id][periods.index(r.period)] = r
    return {
        "quarter": quarter, "quarters": quarters, "rollup": rollup, "contracts": current, "trend": trend,
        "contract_trend": dict(contract_trend), "consequences": consequences,
        "scheme": (rollup or current[0]).scheme if (rollup or current) else None,
    }


def published_complexes(params, today: datetime.date, page_size: int = 50):
    """For the residents' portal: per complex, the serving firm, the firm's grade of the last
    quarter (roll-up, newest scheme) and the complex's three rates of last month. No personal
    data. Narrowed by subdistrict / community / name; paged. Eight queries."""
    from django.core.paginator import Paginator

    queryset = ResidentialComplex.objects.select_related("community__subdistrict").order_by(
        "community__subdistrict__code", "community__code", "name")
    subdistrict, community = _int(params.get("subdistrict")), _int(params.get("community"))
    q = (params.get("q") or "").strip()[:50]
    if subdistrict:
        queryset = queryset.filter(community__subdistrict_id=subdistrict)
    if community:
        queryset = queryset.filter(community_id=community)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(community__name__icontains=q))
    page = Paginator(queryset.prefetch_related(
        Prefetch("contracts", queryset=ServiceContract.objects.active().select_related("firm"), to_attr="active_contracts"),
    ), page_size).get_page(params.get("page"))
    ids = [c.pk for c in page.object_list]
    quarter = Quarter.just_ended(today)
    firm_ids = {c.current_firm.pk for c in page.object_list if c.current_firm}
    grades = {r.firm_id: r for r in latest_results(FirmEvaluation.objects.rollups().filter(firm_id__in=firm_ids),
                                                    [str(quarter)])}
    last_month = months_before(month_of(today), 1)[0]
    start, end = month_bounds(last_month)
    rates = rates_grouped(start=start, end=end, by="complex_id", queryset=Complaint.objects.filter(complex_id__in=ids))
    rows = [{"complex": c, "firm": c.current_firm, "grade": grades.get(c.current_firm.pk) if c.current_firm else None,
             "rates": rates.get(c.pk, Rates())} for c in page.object_list]
    communities = Community.objects.order_by("code").only("id", "name", "subdistrict_id")
    if subdistrict:
        communities = communities.filter(subdistrict_id=subdistrict)
    return {"page": page, "rows": rows, "quarter": quarter, "month": last_month,
            "subdistrict": subdistrict, "community": community, "q": q,
            "subdistricts": list(Subdistrict.objects.order_by("code").only("id", "name")),
            "communities": list(communities)}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
