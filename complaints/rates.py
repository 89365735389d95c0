"""The three rates (三率) — the ONE function behind every figure shown anywhere.

For the complaints *received* in a period [start, end) (by `submitted_at`; complaints marked
as duplicates are not counted, the original stands for them), counted at the instant `now`
(default: the moment the function runs). A complaint that is not yet due never counts against
anyone: it enters a denominator only once it has been answered or its deadline has passed.

- received           -- complaints submitted in the period;
- response_due       -- of those, the ones responded to (accepted 受理 or rejected with a reason,
                        at any time) or whose response deadline `due_response_at` is before `now`;
- responded_in_time  -- of those, accepted or rejected by `due_response_at` (the category's
                        response_hours after submission);
- due                -- (due for resolution) of the received, rejected ones excepted (there is
                        nothing to resolve), those resolved or whose resolution deadline
                        `due_resolve_at` is before min(`end`, `now`);
- resolved           -- of the due ones, those resolved and not reopened since (status resolved
                        or closed with a resolution stamp), whenever they were resolved;
- rated              -- of the received, those the resident rated (1–5);
- satisfied          -- of the rated, those rated 满意: 4 or 5.

response rate     = responded_in_time / response_due
resolution rate   = resolved / due
satisfaction rate = satisfied / rated

Each rate is a Decimal percentage with one decimal place, or None when its denominator is 0
("no data", never a division by zero). The counts reflect the complaints' state when the
function runs; `RatesSnapshot` keeps a month's counts as they were when it was stored.

`rates_for` costs one aggregate query; `rates_grouped` one GROUP BY query, whatever the
number of complaints (nothing is iterated in Python).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from .models import Complaint, RatesSnapshot, ScopeKind, Status

_ONE_DECIMAL = Decimal("0.1")


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rates:
    received: int = 0
    response_due: int = 0
    responded_in_time: int = 0
    due: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def response_rate(self) -> Decimal | None:
        return _percent(self.responded_in_time, self.response_due)

    @property
    def resolution_rate(self) -> Decimal | None:
        return _percent(self.resolved, self.due)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _percent(self.satisfied, self.rated)

    @property
    def is_empty(self) -> bool:
        """No complaint was received in the period: there is nothing to rate."""
        return self.received == 0

    def as_dict(self) -> dict:
        return {
            "received": self.received, "response_due": self.response_due,
            "responded_in_time": self.responded_in_time, "due": self.due,
            "resolved": self.resolved, "rated": self.rated, "satisfied": self.satisfied,
            "response_rate": self.response_rate, "resolution_rate": self.resolution_rate,
            "satisfaction_rate": self.satisfaction_rate,
        }


def _counts(end, now) -> dict:
    """The seven aggregates, as COUNT ... FILTER expressions (CASE WHEN on SQLite)."""
    answered = Q(accepted_at__isnull=False) | Q(rejected_at__isnull=False)
    responded = Q(accepted_at__isnull=False, accepted_at__lte=F("due_response_at")) | Q(
        rejected_at__isnull=False, rejected_at__lte=F("due_response_at")
    )
    is_resolved = Q(status__in=(Status.RESOLVED, Status.CLOSED), resolved_at__isnull=False)
    due = (is_resolved | Q(due_resolve_at__lt=min(end, now))) & ~Q(status=Status.REJECTED)
    return {
        "received": Count("pk"),
        "response_due": Count("pk", filter=answered | Q(due_response_at__lt=now)),
        "responded_in_time": Count("pk", filter=responded),
        "due": Count("pk", filter=due),
        "resolved": Count("pk", filter=due & is_resolved),
        "rated": Count("pk", filter=Q(rating__isnull=False)),
        "satisfied": Count("pk", filter=Q(rating__gte=4)),
    }


def _received(start, end, queryset=None):
    base = Complaint.objects.all() if queryset is None else queryset
    return base.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(status=Status.DUPLICATE)


def _id(value):
    return getattr(value, "pk", value)


def rates_for(*, start, end, district=None, subdistrict=None, community=None, firm=None, complex=None,
              queryset=None, now=None) -> Rates:
    """The three rates of complaints received in [start, end), as they stand at `now` (default
    the current instant), narrowed to one district, subdistrict, community (of the complex),
    firm (assigned) or complex — objects or ids — and/or to `queryset` (e.g.
    `Complaint.objects.visible_to(user)`). One query."""
    qs = _received(start, end, queryset)
    scope = {
        "complex__community__subdistrict__district_id": district,
        "complex__community__subdistrict_id": subdistrict,
        "complex__community_id": community,
        "assigned_firm_id": firm,
        "complex_id": complex,
    }
    qs = qs.filter(**{lookup: _id(value) for lookup, value in scope.items() if value is not None})
    return Rates(**qs.aggregate(**_counts(end, now or timezone.now())))


def rates_grouped(*, start, end, by: str, queryset=None, now=None) -> dict:
    """The three rates per value of `by` (a Complaint field or lookup such as "complex_id",
    "assigned_firm_id", "complex__community_id", "complex__community__subdistrict_id") for
    complaints received in [start, end), as they stand at `now` (default the current instant).
    Keys without complaints are absent: use `.get(key, Rates())`. One GROUP BY query."""
    rows = _received(start, end, queryset).order_by().values(by).annotate(**_counts(end, now or timezone.now()))
    return {row.pop(by): Rates(**row) for row in rows}


# Which Complaint lookup groups each kind of snapshot.
SNAPSHOT_GROUPS = {
    ScopeKind.FIRM: "assigned_firm_id",
    ScopeKind.COMMUNITY: "complex__community_id",
    ScopeKind.SUBDISTRICT: "complex__community__subdistrict_id",
}


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[first instant, first instant of the next month) in the project's time zone."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_default_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
    )


@transaction.atomic
def rates_snapshot_store(*, month: datetime.date, now=None) -> int:
    """Store the month's counts per firm, community and subdistrict as they stand at `now`
    (default the current instant), replacing any earlier snapshot of that month (idempotent).
    Returns the number of rows stored. Three queries per call: the grouped rates per scope
    kind, the delete and the insert."""
    start, end = month_bounds(month)
    period = month.replace(day=1)
    RatesSnapshot.objects.filter(period=period).delete()
    rows = []
    for kind, lookup in SNAPSHOT_GROUPS.items():
        for scope_id, rates in rates_grouped(start=start, end=end, by=lookup, now=now).items():
            if scope_id is None:  # complaints handled without a firm have no firm row
                continue
            rows.append(RatesSnapshot(period=period, scope_kind=kind, scope_id=scope_id,
                                      received=rates.received, response_due=rates.response_due,
                                      responded_in_time=rates.responded_in_time, due=rates.due,
                                      resolved=rates.resolved, rated=rates.rated, satisfied=rates.satisfied))
    RatesSnapshot.objects.bulk_create(rows)
    return len(rows)


def month_just_ended(now=None) -> datetime.date:
    """The first day of the month before the one `now` (default the current instant) falls in,
    in the project's time zone: at 2026-11-30 16:30 UTC (1 December, 00:30 in Shanghai) that is
    2026-11-01."""
    today = timezone.localdate(now or timezone.now(), timezone.get_default_timezone())
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def months_back(last: datetime.date, count: int) -> list[datetime.date]:
    """First days of the `count` months ending with `last`'s month, oldest first."""
    index = last.year * 12 + last.month - 1
    return [datetime.date((index - back) // 12, (index - back) % 12 + 1, 1) for back in range(count - 1, -1, -1)]


def rates_snapshots_store_recent(*, now=None, months: int = 12) -> dict[datetime.date, int]:
    """Store the month just ended (replacing it) and every other of the last `months` closed
    months that has no snapshot yet (e.g. the worker was down on the 1st). Returns the rows
    stored per month stored. One query to find the stored months, three per month stored."""
    now = now or timezone.now()
    recent = months_back(month_just_ended(now), months)
    stored = set(RatesSnapshot.objects.filter(period__in=recent).order_by().values_list("period", flat=True).distinct())
    return {
        month: rates_snapshot_store(month=month, now=now)
        for month in recent
        if month == recent[-1] or month not in stored
    }
