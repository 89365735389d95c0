"""My day: the counts on the workbench's home page, each with the link to its filtered list.

Everything is counted over `visible_to(user)` (narrowed to the chosen community), one
aggregate query per kind of record, whatever their number."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from complaints.models import OPEN_STATUSES, Complaint, Status
from complaints.rates import month_bounds, rates_for
from redproperty.scoping import staff_profile_of

from .views import narrow_to_community


@dataclass
class Tally:
    label: str
    count: int
    url: str
    is_alarm: bool = False  # shown in red when not zero


def _url(name, **params):
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def my_day(user, *, community=None, now=None) -> dict:
    """The sections of the home page, [(heading, [Tally, ...]), ...], and this month's rates."""
    now = now or timezone.now()
    today = timezone.localdate(now)

    def scoped(model):
        return narrow_to_community(model.objects.visible_to(user), community)

    sections = []
    if user.has_perm("complaints.view_complaint"):
        sections.append((_("Complaints"), complaint_tallies(scoped(Complaint), now=now, today=today)))
    return {"sections": sections, "rates": month_rates(user, community=community, today=today), "today": today}


def complaint_tallies(complaints, *, now, today) -> list[Tally]:
    """Waiting for acceptance, overdue, reopened, due today. One aggregate query."""
    day_start = datetime.datetime.combine(today, datetime.time.min, tzinfo=timezone.get_default_timezone())
    counts = complaints.aggregate(
        waiting=Count("pk", filter=Q(status=Status.SUBMITTED)),
        overdue=Count("pk", filter=Q(pk__in=Complaint.objects.overdue(now).values("pk"))),
        reopened=Count("pk", filter=Q(status=Status.REOPENED)),
        due_today=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_resolve_at__gte=day_start,
                                       due_resolve_at__lt=day_start + datetime.timedelta(days=1))),
    )
    name = "workbench:complaints:list"
    return [
        Tally(_("Waiting for acceptance"), counts["waiting"], _url(name, status=Status.SUBMITTED)),
        Tally(_("Overdue"), counts["overdue"], _url(name, overdue="yes"), is_alarm=True),
        Tally(_("Reopened"), counts["reopened"], _url(name, status=Status.REOPENED), is_alarm=True),
        Tally(_("Due today"), counts["due_today"], _url(name, due="today")),
    ]


def month_rates(user, *, community=None, today) -> list[tuple[str, object]]:
    """This month's three rates: the community's beside its subdistrict's (a firm's own for
    firm staff). Each through complaints.rates.rates_for, one query each."""
    start, end = month_bounds(today)
    profile = staff_profile_of(user)
    if profile is not None and profile.role == "firm":
        return [(str(profile.firm), rates_for(start=start, end=end, firm=profile.firm_id))]
    if community is None and profile is not None and profile.role == "community":
        community = profile.community
    rows = []
    if community is not None:
        rows.append((str(community), rates_for(start=start, end=end, community=community.pk)))
        subdistrict = community.subdistrict
    else:
        subdistrict = profile.subdistrict if profile is not None and profile.role == "subdistrict" else None
    if subdistrict is not None:
        rows.append((str(subdistrict), rates_for(start=start, end=end, subdistrict=subdistrict.pk)))
    return rows
