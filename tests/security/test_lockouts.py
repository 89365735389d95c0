"""Guessing is stopped (issue 9.10): staff sign-ins lock by account and by network (django-axes),
the API token endpoint too, and wrong phone tails lock a tracking code whatever the network.
A locked-out person is told, in Chinese by default, when to try again."""
from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Category
from complaints.services import complaint_submit
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)  # 10:00 Beijing time
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def from_network(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


# ---------------------------------------------------------------------------
# Staff sign-in: the admin's login page, and any Django login view
# ---------------------------------------------------------------------------
def test_five_wrong_passwords_lock_the_account_from_every_network_until_a_stated_time(
    district_officer, _frozen_clock
):
    attacker = from_network("10.0.0.1")
    answers = [sign_in(attacker, "zhang", f"guess-{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # four refusals on the form, then the lock

    # The right password, from another network, during the lock: refused, and told until when.
    owner = from_network("10.0.0.2")
    response = sign_in(owner, "zhang", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page and "10:15" in page and "15 分钟" in page
    assert response["Retry-After"] == "900"
    assert owner.get("/admin/").status_code == 302  # not signed in

    # After the cool-off the right password works again.
    _frozen_clock.shift(datetime.timedelta(minutes=16))
    assert sign_in(owner, "zhang", PASSWORD).status_code == 302
    assert owner.get("/admin/").status_code == 200


def test_failures_from_one_network_lock_that_network_for_every_account(district_officer, taihe_officer):
    office = from_network("10.0.0.9")
    for n in range(5):
        sign_in(office, f"nobody-{n}", "guess")

    assert sign_in(office, "taihe", PASSWORD).status_code == 429
    elsewhere = from_network("10.0.0.10")
    assert sign_in(elsewhere, "taihe", PASSWORD).status_code == 302  # the account itself is not locked


def test_the_lock_time_is_told_in_english_when_english_is_chosen(district_officer):
    client = from_network("10.0.0.3")
    client.cookies["django_language"] = "en"
    for n in range(5):
        response = sign_in(client, "zhang", f"guess-{n}")
    assert response.status_code == 429
    assert "Signing in is locked until 10:15" in response.content.decode()


@pytest.mark.urls("tests.security.login_urls")
def test_any_django_login_view_is_covered_without_its_own_code(district_officer):
    """The workbench's and any later staff login use Django's authenticate(): axes guards them all."""
    client = from_network("10.0.0.4")
    answers = [client.post("/login/", {"username": "zhang", "password": "guess"}).status_code for _ in range(5)]
    assert answers[-1] == 429
    assert client.post("/login/", {"username": "zhang", "password": PASSWORD}).status_code == 429


# ---------------------------------------------------------------------------
# The API token endpoint
# ---------------------------------------------------------------------------
def test_the_token_endpoint_locks_after_five_wrong_passwords_in_the_api_shape(district_officer):
    api = APIClient(REMOTE_ADDR="10.0.1.1")
    url = reverse("api:token")
    answers = [api.post(url, {"username": "zhang", "password": f"guess-{n}"}, format="json").status_code for n in range(5)]
    assert answers == [400, 400, 400, 400, 429]

    response = APIClient(REMOTE_ADDR="10.0.1.2").post(url, {"username": "zhang", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out" and body["errors"] == {}
    assert "10:15" in body["detail"] and "登录失败次数过多" in body["detail"]
    assert response["Retry-After"] == "900"
    assert "token" not in body


# ---------------------------------------------------------------------------
# Tracking codes: wrong phone tails lock the code, whatever the network
# ---------------------------------------------------------------------------
@pytest.fixture
def complaint(world):
    return complaint_submit(complex=world.shuguang_complex, category=Category.objects.active().first(),
                            description="5栋3楼楼道灯坏了", reporter_phone="13812345678")


def portal_track(address: str, code: str, tail: str):
    return from_network(address).post(reverse("portal:track"), {"code": code, "phone_tail": tail})


def api_track(address: str, code: str, tail: str):
    url = reverse("api:public-complaint-track", kwargs={"tracking_code": code})
    return APIClient(REMOTE_ADDR=address).get(url, {"phone_tail": tail})


def test_wrong_tails_from_many_networks_lock_the_code_even_for_the_right_tail(complaint):
    code = complaint.tracking_code
    # Five wrong tails, each from its own network and through either door.
    answers = [portal_track("10.1.0.1", code, "0001").status_code, api_track("10.1.0.2", code, "0002").status_code,
               portal_track("10.1.0.3", code, "0003").status_code, api_track("10.1.0.4", code, "0004").status_code,
               portal_track("10.1.0.5", code, "0005").status_code]
    assert answers == [404] * 5

    response = portal_track("10.1.0.6", code, "5678")
    assert response.status_code == 429
    page = response.content.decode()
    assert "此查询码的手机尾号错误次数过多" in page and "11:00" in page

    response = api_track("10.1.0.7", code, "5678")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and "11:00" in response.json()["detail"]
    assert int(response["Retry-After"]) == 3600


def test_the_lock_lifts_after_the_period_and_other_codes_are_not_affected(world, complaint, _frozen_clock):
    other = complaint_submit(complex=world.shuguang_complex, category=Category.objects.active().first(),
                             description="电梯坏了", reporter_phone="13900001111")
    for n in range(5):
        api_track(f"10.2.0.{n}", complaint.tracking_code, f"000{n}")

    assert api_track("10.2.1.1", other.tracking_code, "1111").status_code == 200
    assert api_track("10.2.1.1", complaint.tracking_code, "5678").status_code == 429
    _frozen_clock.shift(datetime.timedelta(minutes=61))
    assert api_track("10.2.1.1", complaint.tracking_code, "5678").status_code == 200


def test_an_unknown_code_locks_the_same_way_so_a_lock_reveals_nothing(db):
    code = "7K4M-Q2XPA"
    answers = [api_track(f"10.3.0.{n}", code, f"000{n}").status_code for n in range(6)]
    assert answers == [404] * 5 + [429]
