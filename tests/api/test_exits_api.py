"""Firm exits through /api/v1/contract-exits/ and the complexes nobody is responsible for through
/api/v1/unattended-complexes/: every move with JSON bodies, 409 for a move not allowed or stale,
400 for bad input, scoping, filters and the query counts."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from communities.models import ManagementMode
from properties import services
from properties.models import ContractExit, HandoverItemKind
from properties.selectors import unattended_complex_list
from tests import factories as f
from tests.properties.test_exits import NOW, OPENED, under_review

pytestmark = pytest.mark.django_db
URL = "/api/v1/contract-exits/"
UNATTENDED = "/api/v1/unattended-complexes/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def opened(contract, actor):
    return services.exit_open(actor=actor, contract=under_review(contract, actor), opened_on=OPENED)


def test_an_exit_is_walked_through_the_api(world, district_officer, shuguang_worker, api_as):
    xinhe = f.FirmFactory(name="新和物业", credit_code=f.credit_code(9004))
    client = api_as(district_officer)
    contract = under_review(world.juhe_contract, district_officer)
    response = client.post(URL, {"contract": contract.pk, "opened_on": "2026-09-01"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["allowed_actions"]) == ("review", ["decide", "cancel"])
    pk = body["id"]
    response = client.post(f"{URL}{pk}/decide/", {"expected_status": "review", "decided_on": "2026-09-20",
                                                  "decision": "exit", "note": "联席会议决定退出"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "choosing"
    response = client.post(f"{URL}{pk}/choose-successor/", {
        "chosen_on": "2026-10-08", "successor_kind": "owners_vote", "successor_firm": xinhe.pk,
        "note": "业主大会表决通过"}, format="json")
    assert response.status_code == 200 and len(response.json()["items"]) == 6

    worker = api_as(shuguang_worker)  # the community keeps the checklist and the signatures
    items = [{"kind": k, "is_done": True, "detail": "已移交", "amount": "0" if k == "fee_arrears" else None}
             for k in HandoverItemKind.values]
    response = worker.post(f"{URL}{pk}/check-items/", {"items": items}, format="json")
    assert response.status_code == 200, response.json()
    for side in ("outgoing", "incoming", "community"):
        response = worker.post(f"{URL}{pk}/sign/", {"side": side, "signed_on": "2026-11-01"}, format="json")
        assert response.status_code == 200, response.json()
    assert response.json()["status"] == "contracting"
    response = client.post(f"{URL}{pk}/record-contract/", {"start_date": "2026-11-02", "fee_standard": "0.90"},
                           format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "completed" and body["new_contract"] and body["allowed_actions"] == []
    assert [e["action"] for e in body["events"]] == [
        "open", "decide", "choose_successor", "check_items", "sign", "sign", "sign", "record_contract"]


def test_bad_input_is_a_400_and_an_illegal_or_stale_move_a_409(world, district_officer, api_as):
    client = api_as(district_officer)
    response = client.post(URL, {"contract": world.juhe_contract.pk, "opened_on": "2026-09-01"}, format="json")
    assert response.status_code == 400
    assert "exit review first" in response.json()["errors"]["contract"][0]
    record = opened(world.juhe_contract, district_officer)
    response = client.post(f"{URL}{record.pk}/sign/", {"side": "community", "signed_on": "2026-11-01"}, format="json")
    assert response.status_code == 409
    assert "not possible while the status is" in response.json()["detail"]
    response = client.post(f"{URL}{record.pk}/cancel/", {"reason": "x", "expected_status": "handover"}, format="json")
    assert response.status_code == 409
    response = client.post(f"{URL}{record.pk}/decide/", {"decided_on": "2026-09-20", "decision": "maybe",
                                                         "note": "x"}, format="json")
    assert response.status_code == 400 and "decision" in response.json()["errors"]
    response = client.post(f"{URL}{record.pk}/cancel/", {"reason": ""}, format="json")
    assert response.status_code == 400
    response = client.post(f"{URL}{record.pk}/decide/", b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert ContractExit.objects.get().status == "review" and ContractExit.objects.get().events.count() == 1


def test_another_communitys_exits_are_absent_404_and_cannot_be_opened(world, district_officer, shuguang_worker,
                                                                     juhe_firm_staff, api_as):
    mine = opened(world.juhe_contract, district_officer)
    theirs = opened(world.heleju_contract, district_officer)
    client = api_as(shuguang_worker)
    assert [r["id"] for r in client.get(URL).json()["results"]] == [mine.pk]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/cancel/", {"reason": "x"}, format="json").status_code == 404
    ContractExit.objects.filter(pk=theirs.pk).update(status="cancelled", cancel_reason="x")
    response = client.post(URL, {"contract": world.heleju_contract.pk, "opened_on": "2026-09-01"}, format="json")
    assert response.status_code == 400 and "contract" in response.json()["errors"]
    firm = api_as(juhe_firm_staff)  # the outgoing firm reads its exit, and takes no step
    assert [r["id"] for r in firm.get(URL).json()["results"]] == [mine.pk]
    assert firm.post(f"{URL}{mine.pk}/cancel/", {"reason": "x"}, format="json").status_code == 403


@pytest.mark.parametrize("params, matches", [
    ({"status": "review"}, True), ({"status": "completed"}, False),
    ({"overdue": "true"}, True), ({"overdue": "false"}, False),
    ({"opened_on_after": "2026-09-01"}, True), ({"opened_on_after": "2026-09-02"}, False),
    ({"community": "shuguang"}, True), ({"community": "hepinglu"}, False),
])
def test_filters_match_and_do_not_match(world, district_officer, api_as, params, matches):
    record = opened(world.juhe_contract, district_officer)
    services.exits_sweep()  # decision due 2026-10-01: overdue now
    if "community" in params:
        params = {"community": getattr(world, params["community"]).pk}
    found = [r["id"] for r in api_as(district_officer).get(URL, params).json()["results"]]
    assert found == ([record.pk] if matches else [])


def test_the_list_costs_the_same_queries_for_2_and_50_exits(world, district_officer, api_as):
    counts = []
    for total in (2, 50):
        while ContractExit.objects.count() < total:
            opened(f.ContractFactory(complex=f.ComplexFactory(community=world.shuguang), firm=world.juhe),
                   district_officer)
        client = api_as(type(district_officer).objects.get(pk=district_officer.pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"page_size": 100})
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    # profile, the user's and the group's permissions, count, rows (with complex and contract),
    # then items and events prefetched.
    assert counts == [7, 7]


def test_unattended_complexes_are_listed_in_scope_at_a_fixed_cost(world, district_officer, shuguang_worker,
                                                                  juhe_firm_staff, api_as):
    counts = []
    for total in (2, 50):
        while unattended_complex_list(district_officer).count() < total:
            f.ComplexFactory(community=world.shuguang, management_mode=ManagementMode.NONE)
        client = api_as(type(district_officer).objects.get(pk=district_officer.pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(UNATTENDED, {"page_size": 100})
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    assert counts == [5, 5]  # profile, permissions (user, group), count, rows
    left = f.ComplexFactory(community=world.hepinglu, name="弃管小区", management_mode=ManagementMode.NONE)
    names = [r["name"] for r in api_as(shuguang_worker).get(UNATTENDED, {"page_size": 100}).json()["results"]]
    assert len(names) == 50 and "弃管小区" not in names
    district = [r["id"] for r in api_as(district_officer).get(UNATTENDED, {"page_size": 100}).json()["results"]]
    assert left.pk in district
    assert api_as(juhe_firm_staff).get(UNATTENDED).json()["results"] == []
    assert api_as(None).get(UNATTENDED).status_code in (401, 403)
