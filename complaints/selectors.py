"""Reads of complaints for staff pages: the workbench queue, the search of every staff door,
duplicate suggestions and the tracking-code autocomplete. Every function takes a queryset already scoped by
`Complaint.objects.visible_to(user)`."""
from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from .models import OPEN_STATUSES, TRACKING_ALPHABET, TRACKING_CHARS, Complaint, Status, overdue_condition

DUPLICATE_WINDOW = datetime.timedelta(days=7)


def complaint_queue(queryset, *, status="", overdue="", complex=None, category=None, channel="",
                    submitted_after=None, submitted_before=None, due="", q="", now=None):
    """The queue narrowed by the workbench's filters, oldest deadline first among open ones.
    Lists cost one query (complex, category and firm joined)."""
    now = now or timezone.now()
    if status:
        queryset = queryset.filter(status=status)
    if overdue == "yes":
        queryset = queryset.filter(overdue_condition(now))
    elif overdue == "no":
        queryset = queryset.exclude(overdue_condition(now))
    if complex is not None:
        queryset = queryset.filter(complex=complex)
    if category is not None:
        queryset = queryset.filter(category=category)
    if channel:
        queryset = queryset.filter(channel=channel)
    tz = timezone.get_default_timezone()
    if submitted_after:
        queryset = queryset.filter(submitted_at__gte=datetime.datetime.combine(submitted_after, datetime.time.min, tz))
    if submitted_before:
        end = datetime.datetime.combine(submitted_before + datetime.timedelta(days=1), datetime.time.min, tz)
        queryset = queryset.filter(submitted_at__lt=end)
    if due == "today":
        start = datetime.datetime.combine(timezone.localdate(now), datetime.time.min, tz)
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_resolve_at__gte=start,
                                   due_resolve_at__lt=start + datetime.timedelta(days=1))
    if q:
        queryset = search_complaints(queryset, q, text_fields=("description", "location_detail", "reporter_name"))
    return queryset.select_related("complex", "category", "assigned_firm", "assigned_community")


def code_prefix(term: str) -> str:
    """`7k4m q2`, `7K4M-Q2` → `7K4M-Q2`: the beginning of a tracking code as stored, or "" when
    `term` cannot begin one (codes are read out over the phone: any case, dash optional)."""
    symbols = "".join(ch for ch in (term or "").upper() if ch not in " -")
    if not symbols or len(symbols) > TRACKING_CHARS or any(ch not in TRACKING_ALPHABET for ch in symbols):
        return ""
    return symbols if len(symbols) <= 4 else f"{symbols[:4]}-{symbols[4:]}"


def search_complaints(queryset, term: str, *, text_fields=("description", "location_detail")):
    """Complaints whose tracking code begins with `term` (an index on the code's prefix) or
    whose text fields contain it, in any case (trigram indexes on PostgreSQL: see migration
    complaints 0010). Words under three characters cannot use the trigram indexes: they read
    the rows the other filters leave."""
    text = (term or "").strip()
    if not text:
        return queryset
    condition = Q()
    for field in text_fields:
        condition |= Q(**{f"{field}__icontains": text})
    prefix = code_prefix(text)
    if prefix:
        condition |= Q(tracking_code__startswith=prefix)
    return queryset.filter(condition)


def duplicate_candidates(queryset, complaint: Complaint, *, limit: int = 5):
    """Complaints that may report the same problem: same complex and category, submitted
    within 7 days either side, not duplicates themselves. One query."""
    return list(
        queryset.filter(
            complex_id=complaint.complex_id, category_id=complaint.category_id,
            submitted_at__gte=complaint.submitted_at - DUPLICATE_WINDOW,
            submitted_at__lte=complaint.submitted_at + DUPLICATE_WINDOW,
        )
        .exclude(pk=complaint.pk).exclude(status=Status.DUPLICATE)
        .select_related("complex", "category").order_by("submitted_at")[:limit]
    )


def complaints_by_code_prefix(queryset, term: str, *, limit: int = 8):
    """The autocomplete: complaints whose tracking code starts with `term` (any case, dash
    optional), newest first, with complex and category. One query."""
    prefix = code_prefix(term)
    if len(prefix) < 2:
        return []
    return list(queryset.filter(tracking_code__startswith=prefix).select_related("complex", "category")
                .order_by("-submitted_at")[:limit])
