"""Committee elections in the admin: opened and moved through the services' forms, refusals
shown, read-only with history but no revert, scoped, and a list whose query count stays flat."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import translation
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import services
from communities.models import CommitteeElection, ElectionStatus
from tests import factories as f
from tests.communities.test_elections import NOW, convened, group, open_election
from tests.conftest import in_english

pytestmark = pytest.mark.django_db
LIST = reverse("admin:communities_committeeelection_changelist")
ADD = reverse("admin:communities_committeeelection_add")


@pytest.fixture(autouse=True)
def frozen():
    """A fixed instant in Shanghai, and messages read in English."""
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def change(election):
    return reverse("admin:communities_committeeelection_change", args=[election.pk])


def step(election, action):
    return reverse("admin:communities_committeeelection_step", args=[election.pk, action])


def rows(prefix, items):
    data = {f"{prefix}-TOTAL_FORMS": len(items), f"{prefix}-INITIAL_FORMS": 0}
    for i, item in enumerate(items):
        for key, value in item.items():
            if value is True:
                data[f"{prefix}-{i}-{key}"] = "on"
            elif value not in (False, None):
                data[f"{prefix}-{i}-{key}"] = value
    return data


def test_a_worker_opens_an_election_on_the_add_page(world, shuguang_worker, client):
    client = in_english(client)
    client.force_login(shuguang_worker)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, {"complex": world.shuguang_complex.pk, "formed_on": "2026-08-01",
                                 **rows("rows", group())})
    election = CommitteeElection.objects.get()
    assert response.status_code == 302 and response.url == change(election)
    assert election.group_members.count() == 3


def test_the_add_page_shows_the_services_refusal_and_saves_nothing(world, shuguang_worker, client):
    client = in_english(client)
    client.force_login(shuguang_worker)
    response = client.post(ADD, {"complex": world.shuguang_complex.pk, "formed_on": "2026-08-01",
                                 **rows("rows", group(leader_side="owners"))})
    assert response.status_code == 200
    assert "led by the community party organisation" in response.content.decode()
    assert not CommitteeElection.objects.exists()
    # A complex of another community is not a choice.
    response = client.post(ADD, {"complex": world.heleju.pk, "formed_on": "2026-08-01", **rows("rows", group())})
    assert "Select a valid choice" in response.content.decode()


def test_the_change_page_offers_the_allowed_moves_and_each_calls_its_service(world, shuguang_worker, client):
    client = in_english(client)
    client.force_login(shuguang_worker)
    election = convened(world.shuguang_complex, shuguang_worker)
    page = client.get(change(election)).content.decode()
    assert step(election, "record_result") in page and step(election, "cancel") in page
    assert step(election, "file") not in page
    assert 'name="_save"' not in page

    response = client.post(step(election, "cancel"), {"expected_status": "convened", "reason": "业主大会延期"},
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Cancelled: done."]
    election.refresh_from_db()
    assert (election.status, election.cancel_reason) == (ElectionStatus.CANCELLED, "业主大会延期")

    # The same form again, from the stale page: refused with a message, nothing changed.
    response = client.post(step(election, "cancel"), {"expected_status": "convened", "reason": "再次"}, follow=True)
    assert "changed in the meantime" in str(list(response.context["messages"])[0])
    assert CommitteeElection.objects.get().cancel_reason == "业主大会延期"


def test_recording_the_vote_asks_for_each_candidates_votes(world, shuguang_worker, client):
    client = in_english(client)
    client.force_login(shuguang_worker)
    election = convened(world.shuguang_complex, shuguang_worker)
    data = {"expected_status": "convened", "voted_on": "2026-10-10", "owners_voting": 210, "area_voting": "21000"}
    for c in election.candidates.all():
        data[f"owners_{c.pk}"], data[f"area_{c.pk}"] = 200, "20000"
    data[f"owners_{c.pk}"] = 250  # more than voted
    response = client.post(step(election, "record_result"), data)
    assert response.status_code == 200 and "More votes for than owners" in response.content.decode()
    data[f"owners_{c.pk}"] = 10
    assert client.post(step(election, "record_result"), data).status_code == 302
    assert CommitteeElection.objects.get().status == ElectionStatus.ELECTED


def test_history_is_read_only_and_other_communities_elections_do_not_exist(world, shuguang_worker, hepinglu_worker,
                                                                          client):
    client = in_english(client)
    mine = open_election(world.shuguang_complex, shuguang_worker)
    theirs = open_election(world.heleju, hepinglu_worker)
    client.force_login(shuguang_worker)
    assert list(client.get(LIST).context["cl"].result_list) == [mine]
    response = client.get(change(theirs), follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert client.get(step(theirs, "cancel"), follow=True).redirect_chain == [(reverse("admin:index"), 302)]
    first = mine.history.get()
    services.election_cancel(election=mine, actor=shuguang_worker, reason="筹备组解散")
    url = reverse("admin:communities_committeeelection_simple_history", args=[mine.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    assert client.post(url, {}).status_code == 403
    mine.refresh_from_db()
    assert mine.status == ElectionStatus.CANCELLED


def test_the_list_costs_the_same_queries_for_2_and_50_elections(world, district_officer, client):
    counts = []
    for total in (2, 50):
        while CommitteeElection.objects.count() < total:
            services.election_open(actor=district_officer, complex=f.ComplexFactory(community=world.shuguang),
                                   formed_on=datetime.date(2026, 8, 1), group_members=group())
        client.force_login(district_officer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.context["cl"].result_count == total
        counts.append(len(queries))
    # session, user, permissions (2), profile, one count (capped: redproperty/pagination.py),
    # rows; subdistrict and community filters; the date hierarchy (2).
    assert counts == [11, 11]
