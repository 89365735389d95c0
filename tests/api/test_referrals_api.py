"""Referrals through /api/v1/referrals/ and 12345 work orders through
/api/v1/hotline-work-orders/: every move with JSON bodies, 409 for a move not allowed or stale,
bad input, scoping (404, never listed), the figures and pinned query counts."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Channel, Complaint, Department, HotlineWorkOrder, Referral
from tests import factories as f
from tests.complaints.test_referrals import NOW, complaint, department, refer

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"
ORDERS = "/api/v1/hotline-work-orders/"
DEPARTMENTS = "/api/v1/departments/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def test_a_worker_refers_a_complaint_and_records_the_reply(world, shuguang_worker, api_as):
    client = api_as(shuguang_worker)
    c = complaint(world.shuguang_complex)
    dept = department()
    response = client.post(URL, {"complaint": c.pk, "department": dept.pk, "matter": "illegal_building",
                                 "summary": "顶楼违建", "referred_on": "2026-11-20"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["due_on"], body["allowed_actions"]) == (
        "referred", "2026-11-30", ["acknowledge", "extend", "reply", "withdraw"])
    pk = body["id"]
    response = client.post(f"{URL}{pk}/acknowledge/", {"acknowledged_on": "2026-11-21",
                                                        "department_reference": "GD-118"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    response = client.post(f"{URL}{pk}/extend/", {"due_on": "2026-12-10", "reason": "现场测量"}, format="json")
    assert response.status_code == 200 and response.json()["due_on"] == "2026-12-10"
    response = client.post(f"{URL}{pk}/reply/", {"expected_status": "acknowledged", "replied_on": "2026-11-26",
                                                  "reply": "已责令拆除"}, format="json")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "replied" and body["is_replied_in_time"] is True
    assert [e["action"] for e in body["events"]] == ["refer", "acknowledge", "extend", "reply"]
    assert body["allowed_actions"] == []


def test_withdraw_then_any_move_is_409_and_changes_nothing(world, shuguang_worker, api_as):
    r = refer(complaint(world.shuguang_complex), shuguang_worker)
    client = api_as(shuguang_worker)
    assert client.post(f"{URL}{r.pk}/withdraw/", {"reason": "属物业服务"}, format="json").status_code == 200
    response = client.post(f"{URL}{r.pk}/reply/", {"replied_on": "2026-11-26", "reply": "x"}, format="json")
    assert response.status_code == 409
    assert "not possible while the status is" in response.json()["detail"]
    assert Referral.objects.get(pk=r.pk).events.count() == 2


def test_a_stale_expected_status_is_409(world, shuguang_worker, api_as):
    r = refer(complaint(world.shuguang_complex), shuguang_worker)
    response = api_as(shuguang_worker).post(f"{URL}{r.pk}/withdraw/", {"reason": "x", "expected_status": "acknowledged"},
                                            format="json")
    assert response.status_code == 409
    assert Referral.objects.get(pk=r.pk).status == "referred"


@pytest.mark.parametrize("body, field", [
    ({"matter": "weather"}, "matter"),
    ({"summary": ""}, "summary"),
    ({"referred_on": "2026-11-27"}, "referred_on"),
    ({"department": 999999}, "department"),
])
def test_refer_refuses_bad_input(world, shuguang_worker, api_as, body, field):
    c = complaint(world.shuguang_complex)
    data = {"complaint": c.pk, "department": department().pk, "matter": "illegal_building", "summary": "违建",
            "referred_on": "2026-11-20", **body}
    response = api_as(shuguang_worker).post(URL, data, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not Referral.objects.exists()


def test_extend_refuses_an_earlier_deadline_with_400(world, shuguang_worker, api_as):
    r = refer(complaint(world.shuguang_complex), shuguang_worker)
    response = api_as(shuguang_worker).post(f"{URL}{r.pk}/extend/", {"due_on": "2026-11-25", "reason": "x"},
                                            format="json")
    assert response.status_code == 400 and "due_on" in response.json()["errors"]


def test_another_communitys_referral_is_404_and_never_listed(world, shuguang_worker, hepinglu_worker, api_as):
    mine = refer(complaint(world.shuguang_complex), shuguang_worker)
    theirs = refer(complaint(world.heleju), hepinglu_worker, dept=mine.department)
    client = api_as(shuguang_worker)
    assert [r["id"] for r in client.get(URL).json()["results"]] == [mine.pk]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    assert Referral.objects.get(pk=theirs.pk).status == "referred"
    other = complaint(world.heleju)
    response = client.post(URL, {"complaint": other.pk, "department": mine.department_id,
                                 "matter": "fire_safety", "summary": "x"}, format="json")
    assert response.status_code == 400 and "complaint" in response.json()["errors"]


def test_firm_staff_have_no_referrals(world, shuguang_worker, juhe_firm_staff, api_as):
    refer(complaint(world.shuguang_east), shuguang_worker)
    assert api_as(juhe_firm_staff).get(URL).status_code == 403


def test_filters_match_and_do_not_match(world, shuguang_worker, api_as):
    r = refer(complaint(world.shuguang_complex), shuguang_worker)
    client = api_as(shuguang_worker)
    assert [x["id"] for x in client.get(URL, {"status": "referred"}).json()["results"]] == [r.pk]
    assert client.get(URL, {"status": "replied"}).json()["results"] == []
    assert [x["id"] for x in client.get(URL, {"department": r.department_id}).json()["results"]] == [r.pk]
    assert client.get(URL, {"department": r.department_id + 1}).json()["results"] == []
    assert client.get(URL, {"overdue": "true"}).json()["results"] == []


def test_figures_by_department_follow_scope_and_filters(world, shuguang_worker, hepinglu_worker, district_officer,
                                                        api_as):
    r = refer(complaint(world.shuguang_complex), shuguang_worker)
    services.referral_reply(referral=r, actor=shuguang_worker, replied_on=datetime.date(2026, 11, 26), reply="已处理")
    refer(complaint(world.heleju), hepinglu_worker, dept=r.department)
    mine = api_as(shuguang_worker).get(f"{URL}figures/").json()
    assert mine == [{"department": r.department_id, "department_name": "官渡区城市管理局", "kind": "urban_management",
                     "referred": 1, "open": 0, "overdue": 0, "replied": 1, "replied_in_time": 1, "in_time_rate": 1.0}]
    district = api_as(district_officer).get(f"{URL}figures/").json()
    assert (district[0]["referred"], district[0]["open"]) == (2, 1)
    assert api_as(district_officer).get(f"{URL}figures/", {"status": "replied"}).json()[0]["referred"] == 1


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["results"])


def test_list_query_counts_do_not_grow_with_rows(world, district_officer, shuguang_worker, api_as):
    dept = department()
    counts = {}
    for total in (2, 50):
        while Referral.objects.count() < total:
            c = complaint(world.shuguang_complex)
            refer(c, shuguang_worker, dept=dept)
            HotlineWorkOrder.objects.create(external_id=f"W{c.pk}", complaint=c)
        # A fresh user object each time, so each request loads the profile and permissions.
        fresh = lambda: api_as(type(district_officer).objects.get(pk=district_officer.pk))  # noqa: E731
        counts[total] = (_count(fresh(), URL), _count(fresh(), ORDERS))
    # profile, the user's and the group's permissions, count, rows, then events prefetched;
    # work orders: profile, permissions (2), count, rows with their complaints, then referrals
    # and their departments prefetched.
    assert [c[0][0] for c in counts.values()] == [6, 6]
    assert [c[1][0] for c in counts.values()] == [7, 7]
    assert counts[50][0][1] == counts[50][1][1] == 50


# ---------------------------------------------------------------------------
# 12345 work orders
# ---------------------------------------------------------------------------
def hotline_client(jurisdiction, scope="submit"):
    return APIClient(HTTP_AUTHORIZATION=f"Token {f.integrator_key(jurisdiction, scope=scope, name=f'12345热线 {jurisdiction} {scope}')}",
                     HTTP_ACCEPT_LANGUAGE="en")


def order(world, external_id="GD20261126-0001", **kwargs):
    f.CategoryFactory(code="public-order")
    return {"external_id": external_id, "complex": world.shuguang_complex.pk, "category": "public-order",
            "description": "楼下商铺油烟扰民", "reporter_name": "市民", "reporter_phone": "13812345678", **kwargs}


def test_a_work_order_becomes_a_12345_complaint_once(world):
    client = hotline_client(world.guandu)
    first = client.post(ORDERS, order(world), format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["external_id"] == "GD20261126-0001" and body["status"] == "submitted" and body["referrals"] == []
    complaint_ = Complaint.objects.get(pk=body["complaint"])
    assert complaint_.channel == Channel.HOTLINE
    again = client.post(ORDERS, order(world, description="重复推送"), format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Complaint.objects.count() == 1 and HotlineWorkOrder.objects.count() == 1


def test_the_hotline_reads_back_the_department_reply(world, shuguang_worker):
    client = hotline_client(world.guandu)
    body = client.post(ORDERS, order(world), format="json").json()
    r = refer(Complaint.objects.get(pk=body["complaint"]), shuguang_worker)
    services.referral_reply(referral=r, actor=shuguang_worker, replied_on=datetime.date(2026, 11, 26),
                            reply="已责令商铺安装油烟净化器")
    polled = client.get(ORDERS, {"external_id": "GD20261126-0001"}).json()["results"]
    assert polled[0]["referrals"] == [{
        "department_name": "官渡区城市管理局", "status": "replied", "referred_on": "2026-11-20",
        "due_on": "2026-11-30", "replied_on": "2026-11-26", "reply": "已责令商铺安装油烟净化器",
        "is_replied_in_time": True}]
    assert "reporter_phone" not in polled[0]
    assert client.get(ORDERS, {"external_id": "nothing"}).json()["results"] == []
    assert client.get(ORDERS, {"updated_after": "2026-11-27T00:00:00+08:00"}).json()["results"] == []


@pytest.mark.parametrize("change, field", [
    ({"external_id": ""}, "external_id"),
    ({"external_id": "has space"}, "external_id"),
    ({"external_id": "x" * 65}, "external_id"),
    ({"description": ""}, "description"),
    ({"category": "nothing"}, "category"),
])
def test_a_bad_work_order_is_400_and_files_nothing(world, change, field):
    response = hotline_client(world.guandu).post(ORDERS, order(world, **change), format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not Complaint.objects.exists()


def test_a_number_received_elsewhere_is_409_and_shows_nothing(world):
    hotline_client(world.guandu).post(ORDERS, order(world), format="json")
    response = hotline_client(world.jinma).post(ORDERS, order(world, complex=world.heleju.pk), format="json")
    assert response.status_code == 409 and "already been received" in response.json()["detail"]
    assert Complaint.objects.count() == 1


def test_a_read_key_cannot_file_and_staff_only_read(world, shuguang_worker, api_as):
    response = hotline_client(world.guandu, scope="read").post(ORDERS, order(world), format="json")
    assert response.status_code == 403
    assert api_as(shuguang_worker).post(ORDERS, order(world), format="json").status_code == 403
    assert not Complaint.objects.exists()


def test_work_orders_of_another_community_are_404_and_never_listed(world, hepinglu_worker, shuguang_worker, api_as):
    body = hotline_client(world.guandu).post(ORDERS, order(world), format="json").json()
    assert api_as(hepinglu_worker).get(ORDERS).json()["results"] == []
    assert api_as(hepinglu_worker).get(f"{ORDERS}{body['id']}/").status_code == 404
    assert [o["id"] for o in api_as(shuguang_worker).get(ORDERS).json()["results"]] == [body["id"]]


def test_departments_list_query_count_does_not_grow_and_only_the_district_edits(world, district_officer,
                                                                                 shuguang_worker, api_as):
    counts = []
    for total in (2, 50):
        while Department.objects.count() < total:
            department(name=f"部门{Department.objects.count()}")
        counts.append(_count(api_as(type(district_officer).objects.get(pk=district_officer.pk)), DEPARTMENTS))
    # the user's and the group's permissions, count, rows (reference data: no profile needed).
    assert counts == [(4, 2), (4, 50)]
    data = {"name": "官渡区应急管理局", "kind": "other", "reply_days": 10}
    assert api_as(shuguang_worker).post(DEPARTMENTS, data, format="json").status_code == 403
    response = api_as(district_officer).post(DEPARTMENTS, {**data, "reply_days": 120}, format="json")
    assert response.status_code == 400 and "reply_days" in response.json()["errors"]
    assert api_as(district_officer).post(DEPARTMENTS, data, format="json").status_code == 201
