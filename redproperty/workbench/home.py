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

from communities.models import CommitteeStatus, OwnersCommittee, ResidentialComplex
from complaints.models import OPEN_STATUSES, Complaint, Status, overdue_condition
from complaints.rates import month_bounds, rates_for
from partybranches.models import AgendaItem, MeetingResolution, ResolutionStatus
from properties.models import ServiceContract
from redproperty.scoping import staff_profile_of

from .views import narrow_to_community


RESOLUTIONS_DUE_DAYS = 14
ENDING_DAYS = 90  # the Civil Code's notice period (properties.services.NOTICE_DAYS)


@dataclass
class Section:
    heading: str
    tallies: list
    action: tuple | None = None  # (label, url): the day's usual next step, one tap from home


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
    """The sections of the home page (Section: heading, tallies, next step) and this month's rates."""
    now = now or timezone.now()
    today = timezone.localdate(now)

    def scoped(model):
        return narrow_to_community(model.objects.visible_to(user), community)

    sections = []
    if user.has_perm("complaints.view_complaint"):
        action = (_("Take in a complaint"), reverse("workbench:complaints:new")) \
            if user.has_perm("complaints.add_complaint") else None
        sections.append(Section(_("Complaints"), complaint_tallies(scoped(Complaint), now=now, today=today), action))
    if user.has_perm("partybranches.view_meetingresolution"):
        action = (_("Record a joint meeting"), reverse("workbench:partybranches:meeting_new")) \
            if user.has_perm("partybranches.add_jointmeeting") else None
        sections.append(Section(_("Joint meetings"), meeting_tallies(
            scoped(MeetingResolution), scoped(AgendaItem), user, today=today), action))
    ending = ending_tallies(scoped(ServiceContract), scoped(OwnersCommittee), user, today=today)
    if ending:
        sections.append(Section(_("Ending within 90 days"), ending))
    if user.has_perm("partybranches.view_crossappointment"):
        sections.append(Section(_("Two-way entry"), [Tally(
            _("Complexes still without two-way entry"),
            scoped(ResidentialComplex).with_two_way_entry().filter(has_two_way_entry=False).count(),
            _url("workbench:partybranches:appointment_list", two_way="no"), is_alarm=True)]))
    return {"sections": sections, "rates": month_rates(user, community=community, today=today), "today": today}


def complaint_tallies(complaints, *, now, today) -> list[Tally]:
    """Waiting for acceptance, overdue, reopened, due today. One aggregate query."""
    day_start = datetime.datetime.combine(today, datetime.time.min, tzinfo=timezone.get_default_timezone())
    counts = complaints.aggregate(
        waiting=Count("pk", filter=Q(status=Status.SUBMITTED)),
        overdue=Count("pk", filter=overdue_condition(now)),
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


def meeting_tallies(resolutions, agenda_items, user, *, today) -> list[Tally]:
    """Resolutions due within 14 days or overdue (one aggregate) and open agenda items (one COUNT)."""
    counts = resolutions.filter(status__in=(ResolutionStatus.PENDING, ResolutionStatus.IN_PROGRESS)).aggregate(
        due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=RESOLUTIONS_DUE_DAYS))),
        overdue=Count("pk", filter=Q(due_on__lt=today)),
    )
    name = "workbench:partybranches:resolution_list"
    tallies = [
        Tally(_("Resolutions due within 14 days"), counts["due_soon"], _url(name, due="soon")),
        Tally(_("Overdue resolutions"), counts["overdue"], _url(name, due="overdue"), is_alarm=True),
    ]
    if user.has_perm("partybranches.view_agendaitem"):
        tallies.append(Tally(_("Agenda items a meeting must take up"), agenda_items.open().count(),
                             _url("workbench:partybranches:agenda_list")))
    return tallies


def ending_tallies(contracts, committees, user, *, today) -> list[Tally]:
    """Serving contracts and committee terms ending within the 90-day notice period."""
    horizon = today + datetime.timedelta(days=ENDING_DAYS)
    tallies = []
    if user.has_perm("properties.view_servicecontract"):
        tallies.append(Tally(_("Service contracts"),
                             contracts.active().filter(end_date__gte=today, end_date__lte=horizon).count(),
                             _url("workbench:properties:contract_list", ending="90")))
    if user.has_perm("communities.view_ownerscommittee"):
        tallies.append(Tally(_("Owners' committee terms"),
                             committees.filter(status=CommitteeStatus.ACTIVE, term_end__gte=today,
                                               term_end__lte=horizon).count(),
                             _url("workbench:communities:committee_list", ending="90")))
    return tallies


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
