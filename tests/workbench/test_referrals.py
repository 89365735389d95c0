"""The referral pages of the workbench: the list (open first, overdue marked), referring a
complaint, each move as a form, refusals as messages, scoping and the query count."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import services
from complaints.models import Referral, ReferralStatus
from tests.complaints.test_referrals import complaint, department, refer
from tests.conftest import in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
LIST = "/workbench/referrals/"


def test_a_worker_refers_a_complaint_from_its_page(world, as_user, shuguang_worker):
    c = complaint(world.shuguang_complex)
    dept = department()
    client = in_english(as_user(shuguang_worker))
    page = client.get(f"/workbench/complaints/{c.pk}/").content.decode()
    assert f"/workbench/referrals/new/?complaint={c.pk}" in page
    url = f"/workbench/referrals/new/?complaint={c.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"department": dept.pk, "matter": "illegal_building", "summary": "顶楼违建",
                                 "referred_on": "2026-11-20"})
    assert response.status_code == 303, response.content.decode()[:2000]
    referral = Referral.objects.get()
    assert response["Location"] == f"/workbench/referrals/{referral.pk}/"
    assert (referral.complaint, referral.due_on) == (c, datetime.date(2026, 11, 30))
    page = client.get(response["Location"]).content.decode()
    assert "官渡区城市管理局" in page and 'id="acknowledge-form"' in page and 'id="reply-form"' in page


def test_bad_input_comes_back_with_the_message_and_saves_nothing(world, as_user, shuguang_worker):
    c = complaint(world.shuguang_complex)
    department()
    client = in_english(as_user(shuguang_worker))
    response = client.post(f"/workbench/referrals/new/?complaint={c.pk}",
                           {"department": "", "matter": "", "summary": "", "referred_on": "2026-11-20"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a department that takes referrals." in page and "Say what the department is asked" in page
    assert not Referral.objects.exists()


def test_each_move_is_a_form_and_a_refused_move_is_a_message(world, as_user, shuguang_worker):
    r = refer(complaint(world.shuguang_complex), shuguang_worker)
    client = in_english(as_user(shuguang_worker))
    step = f"/workbench/referrals/{r.pk}/"
    assert client.get(f"{step}acknowledge/").status_code == 200
    response = client.post(f"{step}reply/", {"expected_status": "referred", "replied_on": "2026-11-26",
                                              "reply": "已责令拆除"})
    assert response.status_code == 303
    assert Referral.objects.get(pk=r.pk).status == ReferralStatus.REPLIED
    # The page showed "referred": withdrawing now is refused with a message, nothing changes.
    response = client.post(f"{step}withdraw/", {"expected_status": "referred", "reason": "撤回"}, follow=True)
    assert "changed in the meantime" in response.content.decode()
    assert Referral.objects.get(pk=r.pk).status == ReferralStatus.REPLIED
    response = client.post(f"{step}extend/", {"expected_status": "", "due_on": "2026-12-20", "reason": "x"},
                           follow=True)
    assert "is not possible while the status is" in response.content.decode()
    assert client.get(f"{step}nothing/").status_code == 404


def test_a_bad_step_input_is_400(world, as_user, shuguang_worker):
    r = refer(complaint(world.shuguang_complex), shuguang_worker)
    response = in_english(as_user(shuguang_worker)).post(
        f"/workbench/referrals/{r.pk}/extend/", {"expected_status": "referred", "due_on": "2026-11-01", "reason": "x"})
    assert response.status_code == 400 and "An extension moves the deadline later" in response.content.decode()


def test_the_list_shows_open_referrals_of_the_jurisdiction_only(world, as_user, shuguang_worker, hepinglu_worker):
    mine = refer(complaint(world.shuguang_complex), shuguang_worker)
    replied = refer(complaint(world.shuguang_complex), shuguang_worker, dept=mine.department)
    services.referral_reply(referral=replied, actor=shuguang_worker, replied_on=datetime.date(2026, 11, 26), reply="好")
    theirs = refer(complaint(world.heleju), hepinglu_worker, dept=mine.department)
    client = as_user(shuguang_worker)
    page = client.get(LIST).content.decode()
    assert mine.complaint.tracking_code in page and replied.complaint.tracking_code not in page
    assert theirs.complaint.tracking_code not in page
    assert replied.complaint.tracking_code in client.get(LIST, {"status": "replied"}).content.decode()
    assert client.get(f"/workbench/referrals/{theirs.pk}/").status_code == 404
    assert client.post(f"/workbench/referrals/{theirs.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert client.get(f"/workbench/referrals/new/?complaint={theirs.complaint.pk}").status_code == 404
    assert Referral.objects.get(pk=theirs.pk).status == ReferralStatus.REFERRED


def test_firm_staff_are_refused(world, as_user, juhe_firm_staff):
    assert as_user(juhe_firm_staff).get(LIST).status_code == 403


def test_the_menu_offers_referrals_to_those_who_may_see_them(world, as_user, shuguang_worker, juhe_firm_staff):
    assert 'href="/workbench/referrals/"' in as_user(shuguang_worker).get("/workbench/").content.decode()
    assert 'href="/workbench/referrals/"' not in as_user(juhe_firm_staff).get("/workbench/").content.decode()


def test_list_query_count_is_the_same_for_2_and_50_rows(world, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    dept = department()

    def build(n):
        for _ in range(n):
            refer(complaint(world.shuguang_complex), shuguang_worker, dept=dept)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"status": "all"}).status_code == 200
        return len(queries)

    build(2)
    two = count()
    build(23)  # a full page of 25
    assert count() == two


def test_the_dashboard_page_shows_figures_by_department(world, as_user, district_officer, shuguang_worker):
    r = refer(complaint(world.shuguang_complex), shuguang_worker)
    services.referral_reply(referral=r, actor=shuguang_worker, replied_on=datetime.date(2026, 11, 26), reply="好")
    page = in_english(as_user(district_officer)).get("/dashboard/referrals/").content.decode()
    assert "官渡区城市管理局" in page and "100%" in page
