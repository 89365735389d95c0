"""Every workbench page × role (shuguang, hepinglu, taihe, juhe, district, anonymous), with a
record in scope (曙光社区, 曙光东苑 served by 巨和物业) and one out of scope (和平路社区, 和乐居):
lists show only what the role may see, detail pages of the rest are 404, pages a role has no
permission for are 403, anonymous users are sent to the login. The complaint pages have their
own matrix in test_complaints.py."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Callable

import pytest
from django.urls import reverse

from communities import models as cm
from partybranches import models as pm
from properties import models as prm
from tests import factories as f
from tests.workbench.conftest import ROLES, visible

pytestmark = pytest.mark.django_db


def _complex(world, where):
    return world.shuguang_east if where == "in" else world.heleju


def _community(world, where):
    return world.shuguang if where == "in" else world.hepinglu


def meeting(world, where):
    complex_ = _complex(world, where)
    m = f.MeetingFactory(community=complex_.community, title=f"联席会议-{where}", held_on=datetime.date(2026, 10, 15))
    m.complexes.add(complex_)
    m.attending_firms.add(complex_.contracts.get().firm)
    f.ResolutionFactory(meeting=m, text=f"决议-{where}")
    return m


def resolution(world, where):
    return meeting(world, where).resolutions.get()


def agenda_item(world, where):
    return pm.AgendaItem.objects.create(community=_community(world, where), complex=_complex(world, where),
                                        title=f"议题-{where}")


def appointment(world, where):
    complex_ = _complex(world, where)
    return f.CrossAppointmentFactory(complex=complex_, firm=complex_.contracts.get().firm, person_name=f"任职人-{where}")


def committee(world, where):
    c = f.CommitteeFactory(complex=_complex(world, where))
    f.MemberFactory(committee=c, role=cm.MemberRole.DIRECTOR, is_party_member=True, name=f"主任-{where}")
    f.MemberFactory.create_batch(4, committee=c)
    return c


def inspection(world, where):
    return f.InspectionFactory(complex=_complex(world, where), inspector=f"检查人-{where}")


def survey(world, where):
    return f.SurveyFactory(complex=_complex(world, where), sample_size=77 if where == "in" else 88)


def contract(world, where):
    return world.juhe_contract if where == "in" else world.heleju_contract


@dataclass
class Page:
    name: str
    url: Callable  # (record) -> url
    build: Callable  # (world, where) -> record
    marker: Callable  # (record) -> text a list shows for it ("" for detail pages)
    roles: tuple = ("shuguang", "hepinglu", "taihe", "juhe", "district")  # roles with the permission


ALL = ("shuguang", "hepinglu", "taihe", "juhe", "district")
NO_FIRM = ("shuguang", "hepinglu", "taihe", "district")

LISTS = [
    Page("meetings", lambda r: "/workbench/meetings/", meeting, lambda r: r.title),
    Page("resolutions", lambda r: "/workbench/resolutions/", resolution, lambda r: r.text),
    Page("agenda", lambda r: "/workbench/agenda/", agenda_item, lambda r: r.title, NO_FIRM),
    Page("appointments", lambda r: "/workbench/appointments/", appointment, lambda r: r.person_name),
    Page("committees", lambda r: "/workbench/committees/", committee, lambda r: r.complex.name),
    Page("inspections", lambda r: "/workbench/inspections/", inspection, lambda r: r.inspector),
    Page("fees", lambda r: "/workbench/fees/", lambda w, where: _complex(w, where), lambda r: r.name, NO_FIRM),
    Page("surveys", lambda r: "/workbench/surveys/", survey, lambda r: r.complex.name, NO_FIRM),
    Page("contracts", lambda r: "/workbench/contracts/", contract, lambda r: r.complex.name),
    Page("home", lambda r: "/workbench/", meeting, None),
]
DETAILS = [
    Page("meeting", lambda r: reverse("workbench:partybranches:meeting_detail", args=[r.pk]), meeting, None),
    Page("meeting print", lambda r: reverse("workbench:partybranches:meeting_print", args=[r.pk]), meeting, None),
    Page("follow-up", lambda r: reverse("workbench:partybranches:follow_up", args=[r.pk]), resolution, None, NO_FIRM),
    Page("end appointment", lambda r: reverse("workbench:partybranches:appointment_end", args=[r.pk]), appointment,
         None, NO_FIRM),
    Page("committee", lambda r: reverse("workbench:communities:committee_edit", args=[r.pk]), committee, None, NO_FIRM),
    Page("renew committee", lambda r: reverse("workbench:communities:committee_renew", args=[r.pk]), committee, None,
         NO_FIRM),
]
FORMS = [  # pages without a record of their own: what they offer to choose from is checked below
    ("/workbench/meetings/new/", NO_FIRM), ("/workbench/appointments/new/", NO_FIRM),
    ("/workbench/committees/new/", NO_FIRM), ("/workbench/inspections/new/", NO_FIRM),
    ("/workbench/surveys/new/", NO_FIRM), ("/workbench/complaints/new/", NO_FIRM),
]


def expected_status(role, page_roles):
    if role == "anonymous":
        return 302
    return 200 if role in page_roles else 403


@pytest.mark.parametrize("page", LISTS, ids=lambda p: p.name)
@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_the_roles_records(page, role, client_for, world):
    records = {where: page.build(world, where) for where in ("in", "out")}
    response = client_for(role).get(page.url(records["in"]))
    assert response.status_code == expected_status(role, page.roles)
    if response.status_code == 200 and page.marker is not None:
        body = response.content.decode()
        for where, record in records.items():
            assert (page.marker(record) in body) == visible(role, where), (where, page.marker(record))


@pytest.mark.parametrize("page", DETAILS, ids=lambda p: p.name)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_detail_pages_are_404_out_of_scope(page, role, where, client_for, world):
    record = page.build(world, where)
    response = client_for(role).get(page.url(record))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/workbench/login/")
    elif role not in page.roles:
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if visible(role, where) else 404)


@pytest.mark.parametrize("url, page_roles", FORMS)
@pytest.mark.parametrize("role", ROLES)
def test_forms_offer_only_the_roles_complexes_and_organisations(url, page_roles, role, client_for, world):
    f.PartyOrgFactory(community=world.shuguang, name="曙光社区党委")
    f.PartyOrgFactory(community=world.hepinglu, name="和平路社区党委")
    response = client_for(role).get(url)
    assert response.status_code == expected_status(role, page_roles)
    if response.status_code == 200:
        body = response.content.decode()
        assert ("和乐居" in body or "和平路社区党委" in body) == visible(role, "out")
        assert ("曙光东苑" in body or "曙光社区党委" in body) == visible(role, "in")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["in", "out"])
def test_writes_on_out_of_scope_records_are_404_and_change_nothing(role, where, client_for, world):
    res = resolution(world, where)
    appt = appointment(world, where)
    comm = committee(world, where)
    client = client_for(role)
    posts = [
        (reverse("workbench:partybranches:follow_up", args=[res.pk]), {"status": "done", "note": "已完成"}),
        (reverse("workbench:partybranches:appointment_end", args=[appt.pk]), {"end_date": "2026-11-01"}),
        (reverse("workbench:communities:committee_renew", args=[comm.pk]), {"term_start": "2029-03-01"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        if role == "anonymous":
            assert response.status_code == 302
        elif role == "juhe":
            assert response.status_code == 403
        elif not visible(role, where):
            assert response.status_code == 404
    res.refresh_from_db(), appt.refresh_from_db(), comm.refresh_from_db()
    if role == "anonymous" or role == "juhe" or not visible(role, where):
        assert (res.status, appt.end_date, comm.status) == ("pending", None, "active")
