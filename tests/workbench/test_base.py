"""The workbench's door: login, who may come in, the layout, the community choice, my day. At a
fixed instant (tests/instants.py); this month's rates at 23:59 and 00:00 in Shanghai."""
from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import views as auth_views
from django.urls import reverse

from complaints.models import Status
from complaints.services import complaint_accept
from redproperty.workbench.views import LoginView
from tests.conftest import PASSWORD, in_english
from tests.instants import MONTH_FIRST_MINUTE, MONTH_LAST_MINUTE, QUARTER_FIRST_MINUTE, QUARTER_LAST_MINUTE, pinned
from tests.workbench.conftest import file_complaint

pytestmark = [pytest.mark.django_db, pinned]


def test_anonymous_users_are_sent_to_the_workbench_login(client):
    response = client.get("/workbench/complaints/?status=submitted")
    assert response.status_code == 302
    assert response["Location"] == "/workbench/login/?next=%2Fworkbench%2Fcomplaints%2F%3Fstatus%3Dsubmitted"


def test_login_is_djangos_login_view_so_the_staff_lockout_covers_it():
    assert issubclass(LoginView, auth_views.LoginView)


def test_login_page_is_chinese_by_default_and_english_by_the_switch(client):
    page = client.get("/workbench/login/").content.decode()
    assert '<html lang="zh-hans"' in page and "登录工作台" in page
    page = in_english(client).get("/workbench/login/").content.decode()
    assert "Log in to the workbench" in page and "登录工作台" not in page


def test_logging_in_with_the_admin_account_opens_my_day(client, shuguang_worker):
    response = client.post("/workbench/login/", {"username": "li", "password": PASSWORD, "next": ""})
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    page = client.get("/workbench/").content.decode()
    assert "我的一天" in page and "曙光社区" in page


def test_a_wrong_password_is_refused_with_a_message(client, shuguang_worker):
    response = in_english(client).post("/workbench/login/", {"username": "li", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_out_needs_a_post_and_returns_to_the_login(client, shuguang_worker):
    client.force_login(shuguang_worker)
    assert client.get("/workbench/logout/").status_code == 405
    response = client.post("/workbench/logout/")
    assert response.status_code == 302 and response["Location"] == "/workbench/login/"
    assert client.get("/workbench/").status_code == 302


def test_a_user_without_a_jurisdiction_gets_a_page_saying_so(client, outsider):
    client.force_login(outsider)
    for url in ("/workbench/", "/workbench/complaints/"):
        response = in_english(client).get(url)
        assert response.status_code == 403
        assert "Your account has no jurisdiction" in response.content.decode()


def test_my_day_counts_only_the_workers_own_complaints_and_links_each_count(world, category, as_user,
                                                                           shuguang_worker):
    file_complaint(world.shuguang_east, category)
    accepted = file_complaint(world.shuguang_complex, category)
    complaint_accept(complaint=accepted, actor=shuguang_worker)
    file_complaint(world.heleju, category)  # 和平路社区: not counted

    page = as_user(shuguang_worker).get("/workbench/").content.decode()
    assert '<span class="count">1</span> <span class="label">待受理</span>' in page
    assert 'href="/workbench/complaints/?status=submitted"' in page
    assert 'href="/workbench/complaints/?overdue=yes"' in page
    assert 'href="/workbench/complaints/?status=reopened"' in page
    assert 'href="/workbench/complaints/?due=today"' in page


def test_my_day_shows_the_communitys_rates_beside_its_subdistricts(world, as_user, shuguang_worker):
    page = in_english(as_user(shuguang_worker)).get("/workbench/").content.decode()
    assert "This month's three rates" in page
    assert '<th scope="row">曙光社区</th>' in page and '<th scope="row">太和街道</th>' in page


@pytest.mark.parametrize("instant, this_month", [
    (MONTH_LAST_MINUTE, 2), (MONTH_FIRST_MINUTE, 1), (QUARTER_LAST_MINUTE, 2), (QUARTER_FIRST_MINUTE, 1),
], ids=["2026-11-30T23:59+08", "2026-12-01T00:00+08", "2026-09-30T23:59+08", "2026-10-01T00:00+08"])
def test_my_days_month_is_shanghais(world, category, as_user, shuguang_worker, time_machine, instant, this_month):
    """Filed a minute ago and now: at 00:00 on the 1st in Shanghai only the second is this month's."""
    time_machine.move_to(instant, tick=False)
    file_complaint(world.shuguang_complex, category, submitted_at=instant - datetime.timedelta(minutes=1))
    file_complaint(world.shuguang_complex, category)

    day = as_user(shuguang_worker).get("/workbench/").context["day"]

    assert day["today"] == instant.date()
    assert [(where, rates.received) for where, rates in day["rates"]] == [("曙光社区", this_month), ("太和街道", this_month)]


def test_firm_staff_see_their_firms_rates(world, as_user, juhe_firm_staff):
    page = as_user(juhe_firm_staff).get("/workbench/").content.decode()
    assert '<th scope="row">巨和物业</th>' in page and "太和街道" not in page


def test_subdistrict_staff_choose_one_of_their_communities(world, category, as_user, taihe_officer):
    client = as_user(taihe_officer)
    assert world.shuguang.name in client.get("/workbench/community/").content.decode()
    assert world.hepinglu.name not in client.get("/workbench/community/").content.decode()

    response = client.post("/workbench/community/", {"community": world.shuguang.pk, "next": "/workbench/complaints/"})
    assert response.status_code == 303 and response["Location"] == "/workbench/complaints/"
    assert "社区：曙光社区" in client.get("/workbench/").content.decode()

    # A community of another subdistrict is refused as if it did not exist.
    assert client.post("/workbench/community/", {"community": world.hepinglu.pk}).status_code == 404
    # An outside address is not followed.
    response = client.post("/workbench/community/", {"community": "", "next": "https://example.org/"})
    assert response["Location"] == "/workbench/"


def test_community_workers_are_not_offered_the_community_choice(world, as_user, shuguang_worker):
    page = as_user(shuguang_worker).get("/workbench/").content.decode()
    assert "/workbench/community/" not in page


def test_the_layout_carries_no_inline_script_or_style(world, as_user, shuguang_worker, category, complaints):
    client = as_user(shuguang_worker)
    for url in ("/workbench/", "/workbench/login/", "/workbench/complaints/", "/workbench/complaints/new/",
                reverse("workbench:complaints:detail", args=[complaints["in"].pk])):
        page = client.get(url).content.decode()
        assert "<script>" not in page and "<style" not in page and " style=" not in page
        assert " on" + "click=" not in page and "hx-on" not in page


def test_the_workbench_login_is_locked_after_five_wrong_passwords(shuguang_worker):
    """django-axes guards /workbench/login/ like the admin's: by account and by network."""
    from django.test import Client

    client = Client(REMOTE_ADDR="10.9.0.1")
    answers = [client.post("/workbench/login/", {"username": "li", "password": f"guess-{n}"}).status_code
               for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    response = client.post("/workbench/login/", {"username": "li", "password": PASSWORD})
    assert response.status_code == 429 and "_auth_user_id" not in client.session
