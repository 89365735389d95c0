"""Stored figures of closed months, so that a dashboard page never scans a year of complaints.

For each closed month `month_store` keeps, as they stand when it runs:
- the complaints received (duplicates excluded) per community, category and channel
  (MonthlyComplaintCount: the "complaints by category / by channel" charts add them up);
- the median times to accept and to resolve per district, subdistrict and community
  (MonthlyMedian; medians do not add up, so each level is stored);
and marks the month stored (StoredMonth). The three rates of closed months are stored by
complaints.rates.rates_snapshot_store (RatesSnapshot).

`months_store_missing` stores each of the last HISTORY_MONTHS closed months not stored yet; the
`dashboard.refresh_place_figures` task calls it every 5 minutes, so the month just ended is
stored within minutes of midnight on the 1st (Asia/Shanghai) and a month missed while the
worker was down is caught up. Months not stored are counted live from the complaints.
"""
from __future__ import annotations

import datetime
import statistics
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from complaints.models import Complaint, Status
from complaints.rates import month_bounds

from .models import MonthlyComplaintCount, MonthlyMedian, StoredMonth

# From a complaint to the id of its place at each level that has stored medians.
MEDIAN_LEVELS = {
    "district": "complex__community__subdistrict__district_id",
    "subdistrict": "complex__community__subdistrict_id",
    "community": "complex__community_id",
}


def received_in(month: datetime.date, queryset=None):
    start, end = month_bounds(month)
    base = Complaint.objects.all() if queryset is None else queryset
    return base.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(status=Status.DUPLICATE)


def _durations():
    return (ExpressionWrapper(F("accepted_at") - F("submitted_at"), output_field=DurationField()),
            ExpressionWrapper(F("resolved_at") - F("submitted_at"), output_field=DurationField()))


def medians_grouped(queryset, by: str) -> dict:
    """{value of `by`: (median time to accept, median time to resolve)} over `queryset` (the
    accepted ones, the resolved ones). One query: percentile_cont per group on PostgreSQL;
    elsewhere (SQLite) the durations are read and the medians taken in Python."""
    accept, resolve = _durations()
    if connection.vendor == "postgresql":
        from .selectors import _Median

        rows = queryset.order_by().values(by).annotate(
            accept=_Median(accept, output_field=DurationField(), filter=Q(accepted_at__isnull=False)),
            resolve=_Median(resolve, output_field=DurationField(), filter=Q(resolved_at__isnull=False)),
        )
        return {row[by]: (row["accept"], row["resolve"]) for row in rows}
    values = defaultdict(lambda: ([], []))
    for key, a, r in queryset.order_by().annotate(_a=accept, _r=resolve).values_list(by, "_a", "_r"):
        if a is not None:
            values[key][0].append(a)
        if r is not None:
            values[key][1].append(r)
    return {key: (statistics.median(a) if a else None, statistics.median(r) if r else None)
            for key, (a, r) in values.items()}


@transaction.atomic
def month_store(month: datetime.date) -> int:
    """Store (replacing) the closed `month`'s complaint counts and median times. Returns the
    rows stored. Seven queries and the inserts: one grouped count, one grouped median per
    level, the deletes and the mark."""
    period = month.replace(day=1)
    received = received_in(period)
    MonthlyComplaintCount.objects.filter(period=period).delete()
    MonthlyMedian.objects.filter(period=period).delete()
    counts = [
        MonthlyComplaintCount(period=period, community_id=row["complex__community_id"],
                              category_id=row["category_id"], channel=row["channel"], received=row["n"])
        for row in received.order_by().values("complex__community_id", "category_id", "channel").annotate(n=Count("pk"))
    ]
    MonthlyComplaintCount.objects.bulk_create(counts, batch_size=5000)
    medians = [
        MonthlyMedian(period=period, level=level, place_id=place_id, accept=accept, resolve=resolve)
        for level, path in MEDIAN_LEVELS.items()
        for place_id, (accept, resolve) in medians_grouped(received, path).items()
    ]
    MonthlyMedian.objects.bulk_create(medians, batch_size=5000)
    StoredMonth.objects.update_or_create(period=period, defaults={"stored_at": timezone.now()})
    return len(counts) + len(medians)


def months_store_missing(today: datetime.date, count: int | None = None) -> list[datetime.date]:
    """Store each of the last `count` (HISTORY_MONTHS) closed months before `today`'s month
    that is not stored yet. Returns the months stored. One query when nothing is missing."""
    from .selectors import HISTORY_MONTHS, month_of, months_before

    months = months_before(month_of(today), count or HISTORY_MONTHS)
    stored = set(StoredMonth.objects.filter(period__in=months).values_list("period", flat=True))
    missing = [m for m in months if m not in stored]
    for month in missing:
        month_store(month)
    return missing


def stored_months(months) -> dict[datetime.date, datetime.datetime]:
    """{month: when it was stored} of the given months that are stored. One query."""
    return dict(StoredMonth.objects.filter(period__in=list(months)).values_list("period", "stored_at"))
