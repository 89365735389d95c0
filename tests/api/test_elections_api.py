"""Committee elections through /api/v1/committee-elections/: opening and every move with JSON
bodies, 409 for a move not allowed or stale, scoping, filters and the query count."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import services
from communities.models import CommitteeElection
from tests import factories as f
from tests.communities.test_elections import NOW, candidates, group

pytestmark = pytest.mark.django_db
URL = "/api/v1/committee-elections/"


@pytest.fixture(autouse=True)
def frozen():
    """A fixed instant in Shanghai, and messages read in English."""
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def opened(complex, actor):
    return services.election_open(actor=actor, complex=complex, formed_on=datetime.date(2026, 8, 1),
                                  group_members=group())


def test_a_worker_walks_an_election_through_the_api(world, shuguang_worker, api_as):
    client = api_as(shuguang_worker)
    response = client.post(URL, {"complex": world.shuguang_complex.pk, "formed_on": "2026-08-01",
                                 "group_members": group()}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["allowed_actions"]) == ("preparing", ["convene", "cancel"])
    pk = body["id"]

    response = client.post(f"{URL}{pk}/convene/", {
        "expected_status": "preparing", "meeting_on": "2026-10-10", "seats": 5, "owners_total": 300,
        "area_total": "30000.00", "candidates": candidates()}, format="json")
    assert response.status_code == 200, response.json()
    votes = [{"candidate": c["id"], "owners": 200, "area": "20000"} for c in response.json()["candidates"]]
    votes[-1].update(owners=5, area="500")

    response = client.post(f"{URL}{pk}/record-result/", {
        "voted_on": "2026-10-10", "owners_voting": 210, "area_voting": "21000", "votes": votes}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "elected" and response.json()["committee"]

    response = client.post(f"{URL}{pk}/file/", {"filed_on": "2026-10-20"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "filed" and body["allowed_actions"] == []
    assert [e["action"] for e in body["events"]] == ["open", "convene", "record_result", "file"]


def test_bad_input_is_a_400_and_an_illegal_or_stale_move_a_409(world, shuguang_worker, api_as):
    client = api_as(shuguang_worker)
    response = client.post(URL, {"complex": world.shuguang_complex.pk, "formed_on": "2026-08-01",
                                 "group_members": group(leader_side="owners")}, format="json")
    assert response.status_code == 400
    assert "party organisation" in response.json()["errors"]["group_members"][0]

    election = opened(world.shuguang_complex, shuguang_worker)
    response = client.post(f"{URL}{election.pk}/file/", {"filed_on": "2026-10-20"}, format="json")
    assert response.status_code == 409
    assert "not possible while the status is" in response.json()["detail"]
    response = client.post(f"{URL}{election.pk}/cancel/", {"reason": "x", "expected_status": "convened"}, format="json")
    assert response.status_code == 409
    assert CommitteeElection.objects.get().status == "preparing"
    response = client.post(f"{URL}{election.pk}/cancel/", {"reason": ""}, format="json")
    assert response.status_code == 400


def test_another_communitys_elections_are_absent_404_and_cannot_be_opened(world, shuguang_worker, hepinglu_worker,
                                                                          juhe_firm_staff, api_as):
    mine = opened(world.shuguang_complex, shuguang_worker)
    theirs = opened(world.heleju, hepinglu_worker)
    client = api_as(shuguang_worker)

    assert [r["id"] for r in client.get(URL).json()["results"]] == [mine.pk]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/cancel/", {"reason": "x"}, format="json").status_code == 404
    response = client.post(URL, {"complex": world.heleju.pk, "formed_on": "2026-08-01", "group_members": group()},
                           format="json")
    assert response.status_code == 400 and "complex" in response.json()["errors"]
    assert api_as(juhe_firm_staff).get(URL).status_code == 403


@pytest.mark.parametrize("params, matches", [
    ({"status": "preparing"}, True), ({"status": "filed"}, False),
    ({"overdue": "true"}, True), ({"overdue": "false"}, False),
    ({"reelection": "true"}, True), ({"reelection": "false"}, False),
    ({"formed_on_after": "2026-08-01"}, True), ({"formed_on_after": "2026-08-02"}, False),
])
def test_filters_match_and_do_not_match(world, district_officer, api_as, params, matches):
    f.CommitteeFactory(complex=world.shuguang_complex)
    election = opened(world.shuguang_complex, district_officer)
    services.elections_sweep()  # due 2026-10-30: overdue now
    found = [r["id"] for r in api_as(district_officer).get(URL, params).json()["results"]]
    assert found == ([election.pk] if matches else [])


def test_the_list_costs_the_same_queries_for_2_and_50_elections(world, district_officer, api_as):
    counts = []
    for total in (2, 50):
        while CommitteeElection.objects.count() < total:
            opened(f.ComplexFactory(community=world.shuguang), district_officer)
        # A fresh user object each time, so both requests load the profile and permissions.
        client = api_as(type(district_officer).objects.get(pk=district_officer.pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"page_size": 100})
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    # profile, the user's and the group's permissions, count, rows, then group members,
    # candidates and events prefetched.
    assert counts == [8, 8]
