"""Referrals in the admin (the district's door): opened through the service, each move a step
page, an illegal move a message, history read-only, departments kept by the district only, 12345
work orders read only, and another place's referral not found."""
from __future__ import annotations

import datetime

import pytest
import time_machine

from complaints.models import Department, HotlineWorkOrder, Referral, ReferralStatus
from tests.complaints.test_referrals import NOW, complaint, department, refer
from tests.conftest import in_english

pytestmark = pytest.mark.django_db
ADMIN = "/admin/complaints/referral/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_district_opens_a_referral_and_records_the_reply(world, as_user, district_officer):
    c = complaint(world.shuguang_complex)
    dept = department()
    client = in_english(as_user(district_officer))
    response = client.post(f"{ADMIN}add/", {"complaint": c.pk, "department": dept.pk, "matter": "fire_safety",
                                            "summary": "楼道堆物", "referred_on": "2026-11-20", "due_on": "",
                                            "note": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    referral = Referral.objects.get()
    page = client.get(f"{ADMIN}{referral.pk}/change/").content.decode()
    assert f"{ADMIN}{referral.pk}/step/reply/" in page and f"{ADMIN}{referral.pk}/step/withdraw/" in page
    response = client.post(f"{ADMIN}{referral.pk}/step/reply/", {"expected_status": "referred",
                                                                 "replied_on": "2026-11-25", "reply": "已清理"})
    assert response.status_code == 302
    assert Referral.objects.get().status == ReferralStatus.REPLIED
    response = client.post(f"{ADMIN}{referral.pk}/step/withdraw/", {"expected_status": "", "reason": "x"},
                           follow=True)
    assert "is not possible while the status is" in response.content.decode()
    assert Referral.objects.get().status == ReferralStatus.REPLIED
    assert client.post(f"{ADMIN}{referral.pk}/delete/").status_code == 403


def test_a_bad_step_shows_the_error_on_the_form(world, as_user, district_officer, shuguang_worker):
    referral = refer(complaint(world.shuguang_complex), shuguang_worker)
    response = in_english(as_user(district_officer)).post(
        f"{ADMIN}{referral.pk}/step/extend/", {"expected_status": "referred", "due_on": "2026-11-01", "reason": "x"})
    assert response.status_code == 200 and "An extension moves the deadline later" in response.content.decode()
    assert Referral.objects.get().due_on == datetime.date(2026, 11, 30)


def test_another_places_referral_is_not_found(world, as_user, hepinglu_worker, shuguang_worker):
    theirs = refer(complaint(world.heleju), hepinglu_worker)
    client = as_user(shuguang_worker)
    assert client.get(f"{ADMIN}{theirs.pk}/change/").status_code == 302  # the admin's "doesn't exist"
    assert client.post(f"{ADMIN}{theirs.pk}/step/withdraw/", {"reason": "x"}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.REFERRED
    assert str(theirs.complaint) not in client.get(ADMIN).content.decode()


def test_departments_are_kept_by_the_district(world, as_user, district_officer, shuguang_worker):
    assert as_user(shuguang_worker).post("/admin/complaints/department/add/", {"name": "x"}).status_code == 403
    client = as_user(district_officer)
    response = client.post("/admin/complaints/department/add/", {
        "name": "官渡区消防救援大队", "kind": "fire", "reply_days": "7", "is_active": "on",
        "contact_person": "", "contact_phone": "", "contact_email": ""})
    assert response.status_code == 302 and Department.objects.get().reply_days == 7


def test_work_orders_are_read_only(world, as_user, superuser, shuguang_worker):
    order = HotlineWorkOrder.objects.create(external_id="W1", complaint=complaint(world.shuguang_complex))
    client = as_user(superuser)
    assert client.get("/admin/complaints/hotlineworkorder/").status_code == 200
    assert client.get("/admin/complaints/hotlineworkorder/add/").status_code == 403
    assert client.get(f"/admin/complaints/hotlineworkorder/{order.pk}/change/").status_code == 200
    client.post(f"/admin/complaints/hotlineworkorder/{order.pk}/change/", {"external_id": "W2"})
    assert HotlineWorkOrder.objects.get().external_id == "W1"
