"""The owners' committee election pages of the workbench (communities/workbench/elections.py):
a community worker forms the preparatory group, convenes the general meeting, records the vote
and files the committee through the service; illegal and stale moves are refused and change
nothing; another community's elections are 404 and never listed; the list costs the same
queries for 2 and 50 elections."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from communities.models import CommitteeElection, ElectionStatus
from tests.communities.test_elections import open_election
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
LIST = reverse("workbench:communities:election_list")
NEW = reverse("workbench:communities:election_new")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def detail(election):
    return reverse("workbench:communities:election_detail", args=[election.pk])


def step(election, action):
    return reverse("workbench:communities:election_step", args=[election.pk, action])


def group_rows(leader_side="party"):
    data = {"rows-TOTAL_FORMS": 5, "rows-INITIAL_FORMS": 0}
    for i, (name, side) in enumerate([("周书记", leader_side), ("李主任", "residents_committee"), ("王业主", "owners")]):
        data.update({f"rows-{i}-name": name, f"rows-{i}-side": side})
    data["rows-0-is_leader"] = "on"
    return data


def candidate_rows(n=5):
    data = {"rows-TOTAL_FORMS": 7, "rows-INITIAL_FORMS": 0}
    data.update({f"rows-{i}-role": "member" for i in range(7)})  # the spare rows' select, as a browser sends it
    for i in range(n):
        data.update({f"rows-{i}-name": f"候选人{i}", f"rows-{i}-role": "director" if i == 0 else "member"})
    return data


def test_a_worker_forms_the_group_convenes_records_the_vote_and_files(world, shuguang_worker, client):
    client = in_english(client)
    client.force_login(shuguang_worker)
    assert "Committee elections" in client.get(reverse("workbench:home")).content.decode()
    assert client.get(NEW).status_code == 200
    data = {"complex": world.shuguang_east.pk, "formed_on": "2026-08-01", **group_rows(leader_side="owners")}
    response = client.post(NEW, data)
    assert response.status_code == 400 and "led by the community party organisation" in response.content.decode()
    assert not CommitteeElection.objects.exists()

    response = client.post(NEW, {**data, **group_rows()})
    assert response.status_code == 303
    election = CommitteeElection.objects.get()
    assert election.status == ElectionStatus.PREPARING and election.group_members.count() == 3
    page = client.get(detail(election)).content.decode()
    assert "周书记" in page and step(election, "convene") in page and step(election, "cancel") in page
    assert step(election, "file") not in page

    assert client.get(step(election, "convene")).status_code == 200
    response = client.post(step(election, "convene"), {
        "expected_status": "preparing", "meeting_on": "2026-10-10", "seats": 5, "owners_total": 300,
        "area_total": "30000", **candidate_rows()})
    assert response.status_code == 303
    election.refresh_from_db()
    assert election.status == ElectionStatus.CONVENED and election.candidates.count() == 5

    assert client.get(step(election, "record_result")).status_code == 200
    votes = {"expected_status": "convened", "voted_on": "2026-10-10", "owners_voting": 210, "area_voting": "21000"}
    for c in election.candidates.all():
        votes.update({f"owners_{c.pk}": 200, f"area_{c.pk}": "20000"})
    assert client.post(step(election, "record_result"), votes).status_code == 303
    election.refresh_from_db()
    assert election.status == ElectionStatus.ELECTED and election.committee is not None

    response = client.post(step(election, "file"), {"expected_status": "elected", "filed_on": "2026-11-20"},
                           follow=True)
    assert response.status_code == 200 and "Filed with the subdistrict: done." in response.content.decode()
    election.refresh_from_db()
    assert election.status == ElectionStatus.FILED
    assert list(election.events.values_list("action", flat=True)) == ["open", "convene", "record_result", "file"]
    page = client.get(detail(election)).content.decode()
    assert "候选人0" in page and 'class="button primary step-button"' not in page


def test_illegal_and_stale_moves_are_refused_with_the_services_message_and_change_nothing(
        world, shuguang_worker, client):
    client = in_english(client)
    client.force_login(shuguang_worker)
    election = open_election(world.shuguang_complex, shuguang_worker)
    response = client.post(step(election, "file"), {"expected_status": "preparing", "filed_on": "2026-11-20"},
                           follow=True)
    assert any("is not possible while the status is" in str(m) for m in response.context["messages"])
    response = client.post(step(election, "cancel"), {"expected_status": "convened", "reason": "业主反对"},
                           follow=True)
    assert any("changed in the meantime" in str(m) for m in response.context["messages"])
    election.refresh_from_db()
    assert election.status == ElectionStatus.PREPARING and election.events.count() == 1
    assert client.get(step(election, "no_such_step")).status_code == 404
    assert client.get(step(election, "open")).status_code == 404  # opening is the "new" page, not a step
    response = client.post(step(election, "cancel"), {"expected_status": "preparing", "reason": ""})
    assert response.status_code == 400
    election.refresh_from_db()
    assert election.status == ElectionStatus.PREPARING


def test_another_communitys_elections_are_404_and_never_listed_and_the_list_costs_the_same(
        world, shuguang_worker, hepinglu_worker, juhe_firm_staff, client):
    mine = open_election(world.shuguang_east, shuguang_worker)
    theirs = open_election(world.heleju, hepinglu_worker)
    client.force_login(shuguang_worker)
    assert list(client.get(LIST).context["object_list"]) == [mine]
    assert list(client.get(LIST + "?status=all").context["object_list"]) == [mine]
    assert client.get(detail(theirs)).status_code == 404
    assert client.get(step(theirs, "cancel")).status_code == 404
    assert client.post(step(theirs, "cancel"), {"expected_status": "preparing", "reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ElectionStatus.PREPARING
    assert world.heleju.pk not in [c.pk for c in client.get(NEW).context["form"].fields["complex"].queryset]

    counts = []
    for total in (2, 50):
        while CommitteeElection.objects.filter(complex=world.shuguang_east).count() < total:
            CommitteeElection.objects.create(complex=world.shuguang_east, formed_on=datetime.date(2026, 8, 1),
                                             status=ElectionStatus.CANCELLED, cancel_reason="重新筹备")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST + "?status=all")
        assert response.context["paginator"].count == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert list(client.get(LIST).context["object_list"]) == [mine]
    assert len(client.get(LIST + "?status=cancelled").context["object_list"]) == 25  # one page
    assert mine not in client.get(LIST + "?status=cancelled").context["object_list"]
    client.force_login(hepinglu_worker)
    assert list(client.get(LIST).context["object_list"]) == [theirs]
    client.force_login(juhe_firm_staff)
    assert client.get(LIST).status_code == 403
