"""The three rates (三率) — the ONE function behind every figure shown anywhere.

For the complaints *received* in a period [start, end) (by `submitted_at`; complaints marked
as duplicates are not counted, the original stands for them):

- received           -- complaints submitted in the period;
- responded_in_time  -- of those, accepted (受理) or rejected with a reason by `due_response_at`
                        (the category's response_hours after submission);
- due                -- of those, the ones whose resolution deadline `due_resolve_at` falls before
                        `end`, rejected ones excepted (there is nothing to resolve);
- resolved           -- of the due ones, those resolved and not reopened since (status resolved
                        or closed with a resolution stamp), whenever they were resolved;
- rated              -- of the received, those the resident rated (1–5);
- satisfied          -- of the rated, those rated 满意: 4 or 5.

response rate     = responded_in_time / received
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
    responded_in_time: int = 0
    due: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def response_rate(self) -> Decimal | None:
        return _percent(self.responded_in_time, self.received)

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
            "received": self.received, "responded_in_time": self.responded_in_time, "due": self.due,
            "resolved": self.resolved, "rated": self.rated, "satisfied": self.satisfied,
            "response_rate": self.response_rate, "resolution_rate": self.resolution_rate,
            "satisfaction_rate": self.satisfaction_rate,
        }


def _counts(end) -> dict:
    """The six aggregates, as COUNT ... FILTER expressions (CASE WHEN on SQLite)."""
    responded = Q(accepted_at__isnull=False, accepted_at__lte=F("due_response_at")) | Q(
        rejected_at__isnull=False, rejected_at__lte=F("due_response_at")
    )
    due = Q(due_resolve_at__lt=end) & ~Q(status=Status.REJECTED)
    resolved = due & Q(status__in=(Status.RESOLVED, Status.CLOSED), resolved_at__isnull=False)
    return {
        "received": Count("pk"),
        "responded_in_time": Count("pk", filter=responded),
        "due": Count("pk", filter=due),
        "resolved": Count("pk", filter=resolved),
        "rated": Count("pk", filter=Q(rating__isnull=False)),
        "satisfied": Count("pk", filter=Q(rating__gte=4)),
    }


def _received(start, end, queryset=None):
    base = Complaint.objects.all() if queryset is None else queryset
    return base.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(status=Status.DUPLICATE)


def _id(value):
    return getattr(value, "pk", value)


def rates_for(*, start, end, district=None, subdistrict=None, community=None, firm=None, complex=None,
              queryset=None) -> Rates:
    """The three rates of complaints received in [start, end), narrowed to one district,
    subdistrict, community (of the complex), firm (assigned) or complex — objects or ids —
    and/or to `queryset` (e.g. `Complaint.objects.visible_to(user)`). One query."""
    qs = _received(start, end, queryset)
    scope = {
        "complex__community__subdistrict__district_id": district,
        "complex__community__subdistrict_id": subdistrict,
        "complex__community_id": community,
        "assigned_firm_id": firm,
        "complex_id": complex,
    }
    qs = qs.filter(**{lookup: _id(value) for lookup, value in scope.items() if value is not None})
    return Rates(**qs.aggregate(**_counts(end)))


def rates_grouped(*, start, end, by: str, queryset=None) -> dict:
    """The three rates per value of `by` (a Complaint field or lookup such as "complex_id",
    "assigned_firm_id", "complex__community_id", "complex__community__subdistrict_id") for
    complaints received in [start, end). Keys without complaints are absent: use
    `.get(key, Rates())`. One GROUP BY query."""
    rows = _received(start, end, queryset).order_by().values(by).annotate(**_counts(end))
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
def rates_snapshot_store(*, month: datetime.date) -> int:
    """Store the month's counts per firm, community and subdistrict, replacing any earlier
    snapshot of that month (idempotent). Returns the number of rows stored. Four queries per
    scope kind at most: the grouped rates, the delete and the insert."""
    start, end = month_bounds(month)
    period = month.replace(day=1)
    RatesSnapshot.objects.filter(period=period).delete()
    rows = []
    for kind, lookup in SNAPSHOT_GROUPS.items():
        for scope_id, rates in rates_grouped(start=start, end=end, by=lookup).items():
            if scope_id is None:  # complaints handled without a firm have no firm row
                continue
            rows.append(RatesSnapshot(period=period, scope_kind=kind, scope_id=scope_id,
                                      received=rates.received, responded_in_time=rates.responded_in_time,
                                      due=rates.due, resolved=rates.resolved, rated=rates.rated,
                                      satisfied=rates.satisfied))
    RatesSnapshot.objects.bulk_create(rows)
    return len(rows)
