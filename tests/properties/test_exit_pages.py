"""Firm exits in the admin (the district's steps), the workbench (the community's checklist and
signatures) and the dashboard (the complexes nobody is responsible for; exits on a complex's
page): each door calls the services, shows their refusals, stays in scope, and lists at a
fixed query count."""
from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from communities.models import ManagementMode
from properties import services
from properties.models import ContractExit, ExitStatus, HandoverItemKind
from properties.selectors import unattended_complex_list
from tests import factories as f
from tests.conftest import in_english
from tests.properties.test_exits import NOW, OPENED, in_handover, opened, under_review

pytestmark = pytest.mark.django_db
ADMIN_LIST = reverse("admin:properties_contractexit_changelist")
ADMIN_ADD = reverse("admin:properties_contractexit_add")
WB_LIST = reverse("workbench:properties:exit_list")
UNATTENDED = reverse("dashboard:unattended")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def xinhe(world):
    return f.FirmFactory(name="新和物业", credit_code=f.credit_code(9004))


def admin_step(record, action):
    return reverse("admin:properties_contractexit_step", args=[record.pk, action])


def wb_step(record, action):
    return reverse("workbench:properties:exit_step", args=[record.pk, action])


def wb_detail(record):
    return reverse("workbench:properties:exit_detail", args=[record.pk])


# ---------------------------------------------------------------------------
# Admin: the district's steps
# ---------------------------------------------------------------------------
def test_the_district_opens_an_exit_and_records_decision_and_successor_in_the_admin(world, district_officer, xinhe,
                                                                                   client):
    client = in_english(client)
    client.force_login(district_officer)
    under_review(world.juhe_contract, district_officer)
    response = client.post(ADMIN_ADD, {"contract": world.juhe_contract.pk, "opened_on": "2026-09-01"})
    record = ContractExit.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("admin:properties_contractexit_change", args=[record.pk])).content.decode()
    assert admin_step(record, "decide") in page and admin_step(record, "sign") not in page
    assert 'name="_save"' not in page

    response = client.post(admin_step(record, "decide"), {"expected_status": "review", "decided_on": "2026-09-20",
                                                          "decision": "exit", "note": "联席会议决定退出"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Joint meeting's decision recorded: done."]
    response = client.post(admin_step(record, "choose_successor"), {
        "expected_status": "choosing", "chosen_on": "2026-10-08", "successor_kind": "emergency",
        "successor_firm": xinhe.pk})
    assert response.status_code == 200 and "emergency firm is for old and abandoned" in response.content.decode()
    response = client.post(admin_step(record, "choose_successor"), {
        "expected_status": "choosing", "chosen_on": "2026-10-08", "successor_kind": "owners_vote",
        "successor_firm": xinhe.pk, "note": "业主表决通过"})
    assert response.status_code == 302
    assert ContractExit.objects.get().status == ExitStatus.HANDOVER
    # The stale page again: refused with a message.
    response = client.post(admin_step(record, "decide"), {"expected_status": "review", "decided_on": "2026-09-20",
                                                          "decision": "exit", "note": "x"}, follow=True)
    assert any("changed in the meantime" in str(m) for m in response.context["messages"])


def test_the_admin_keeps_other_places_exits_out_of_sight_and_history_read_only(world, district_officer,
                                                                              shuguang_worker, client):
    client = in_english(client)
    mine = opened(world, district_officer)
    theirs = opened(world, district_officer, contract=world.heleju_contract)
    client.force_login(shuguang_worker)
    assert list(client.get(ADMIN_LIST).context["cl"].result_list) == [mine]
    response = client.get(reverse("admin:properties_contractexit_change", args=[theirs.pk]), follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    assert client.get(admin_step(theirs, "cancel"), follow=True).redirect_chain == [(reverse("admin:index"), 302)]
    first = mine.history.get()
    services.exit_cancel(exit=mine, actor=shuguang_worker, reason="复核撤回")
    url = reverse("admin:properties_contractexit_simple_history", args=[mine.pk, first.history_id])
    assert "Revert" not in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 403


def test_the_admin_list_costs_the_same_queries_for_2_and_50_exits(world, district_officer, client):
    counts = []
    for total in (2, 50):
        while ContractExit.objects.count() < total:
            contract = f.ContractFactory(complex=f.ComplexFactory(community=world.shuguang), firm=world.juhe)
            services.exit_open(actor=district_officer, contract=under_review(contract, district_officer),
                               opened_on=OPENED)
        client.force_login(district_officer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(ADMIN_LIST)
        assert response.context["cl"].result_count == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------------------
# Workbench: the community's checklist and signatures
# ---------------------------------------------------------------------------
def test_the_community_keeps_the_checklist_and_records_the_signatures(world, district_officer, shuguang_worker,
                                                                      xinhe, client):
    client = in_english(client)
    record = in_handover(world, district_officer, xinhe)
    client.force_login(shuguang_worker)
    page = client.get(WB_LIST).content.decode()
    assert "曙光东苑" in page and wb_detail(record) in page
    detail = client.get(wb_detail(record)).content.decode()
    assert wb_step(record, "check_items") in detail and wb_step(record, "sign") in detail

    response = client.post(wb_step(record, "sign"), {"expected_status": "handover", "side": "outgoing",
                                                     "signed_on": "2026-11-01"})
    assert response.status_code == 400 and "Not handed over yet" in response.content.decode()

    data = {"expected_status": "handover", "amount_fee_arrears": "3500.00"}
    for kind in HandoverItemKind.values:
        data[f"done_{kind}"], data[f"detail_{kind}"] = "on", "已移交"
    response = client.post(wb_step(record, "check_items"), data)
    assert response.status_code == 303 and response.url == wb_detail(record)
    for side in ("outgoing", "incoming", "community"):
        response = client.post(wb_step(record, "sign"), {"expected_status": "handover", "side": side,
                                                         "signed_on": "2026-11-01"})
        assert response.status_code == 303, response.content.decode()
    record.refresh_from_db()
    assert record.status == ExitStatus.CONTRACTING
    assert record.items.get(kind="fee_arrears").amount == 3500
    # Nothing more for the community to do: the steps are gone and a posted one is refused.
    assert wb_step(record, "sign") not in client.get(wb_detail(record)).content.decode()
    response = client.post(wb_step(record, "check_items"), {**data, "expected_status": "contracting"}, follow=True)
    assert any("not possible while the status is" in str(m) for m in response.context["messages"])
    assert client.get(wb_step(record, "decide")).status_code == 404  # a district step, not here


def test_the_workbench_shows_only_the_jurisdictions_exits(world, district_officer, shuguang_worker, hepinglu_worker,
                                                         juhe_firm_staff, xinhe, client):
    mine = in_handover(world, district_officer, xinhe)
    theirs = opened(world, district_officer, contract=world.heleju_contract)
    client.force_login(shuguang_worker)
    assert list(client.get(WB_LIST).context["object_list"]) == [mine]
    assert client.get(wb_detail(theirs)).status_code == 404
    assert client.get(wb_step(theirs, "sign")).status_code == 404
    assert client.post(wb_step(theirs, "check_items"), {}).status_code == 404
    client.force_login(juhe_firm_staff)  # the outgoing firm reads; it signs through the community
    assert client.get(wb_detail(mine)).status_code == 200
    assert client.get(wb_step(mine, "sign")).status_code == 403


def test_the_workbench_list_costs_the_same_queries_for_2_and_50_exits(world, district_officer, client):
    counts = []
    for total in (2, 50):
        while ContractExit.objects.count() < total:
            contract = f.ContractFactory(complex=f.ComplexFactory(community=world.shuguang), firm=world.juhe)
            services.exit_open(actor=district_officer, contract=under_review(contract, district_officer),
                               opened_on=OPENED)
        client.force_login(district_officer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(WB_LIST, {"status": "all"})
        assert response.context["paginator"].count == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------
def test_the_dashboard_lists_complexes_nobody_is_responsible_for(world, district_officer, shuguang_worker, client):
    client = in_english(client)
    f.ComplexFactory(community=world.shuguang, name="弃管小区", management_mode=ManagementMode.NONE)
    f.ComplexFactory(community=world.hepinglu, name="无人小区", management_mode=ManagementMode.FIRM)
    client.force_login(district_officer)
    page = client.get(UNATTENDED).content.decode()
    assert "弃管小区" in page and "无人小区" in page and "曙光小区" not in page
    client.force_login(shuguang_worker)
    page = client.get(UNATTENDED).content.decode()
    assert "弃管小区" in page and "无人小区" not in page


def test_the_unattended_page_costs_the_same_queries_for_2_and_50(world, district_officer, client):
    counts = []
    for total in (2, 50):
        while unattended_complex_list(district_officer).count() < total:
            f.ComplexFactory(community=world.shuguang, management_mode=ManagementMode.NONE)
        client.force_login(district_officer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(UNATTENDED)
        assert response.context["page"].paginator.count == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_complex_page_shows_its_exits_and_their_outcome(world, district_officer, xinhe, client):
    client = in_english(client)
    in_handover(world, district_officer, None, successor_kind="interim", interim_manager="曙光社区居委会", note="")
    client.force_login(district_officer)
    page = client.get(reverse("dashboard:complex", args=[world.shuguang_east.pk])).content.decode()
    assert "Firm exit and replacement" in page and "Handover under way" in page and "曙光社区居委会" in page
    page = client.get(reverse("dashboard:complex", args=[world.heleju.pk])).content.decode()
    assert "No firm exit recorded." in page

