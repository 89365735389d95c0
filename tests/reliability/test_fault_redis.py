"""Redis, the store the limits count in, stops (a private redis-server of this test's own):
public writes and look-ups are refused with a clear 503 instead of going uncounted, staff work
goes on, nothing accepted is lost, and the limits work again once Redis is back."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Category, Complaint, Status
from complaints.services import complaint_submit
from tests.conftest import PASSWORD
from tests.processes import PrivateRedis

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def private_redis(tmp_path, settings):
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url(0),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    yield server
    server.stop()


def report(world, category, n):
    return {"complex": world.shuguang_complex.pk, "category": category.pk, "description": f"{n}号楼楼道灯坏了",
            "reporter_phone": f"1381234{n:04d}", "website": ""}


def test_with_redis_down_public_writes_fail_closed_and_staff_work_goes_on(world, district_officer, private_redis):
    category = Category.objects.active().first()
    resident = Client()
    assert resident.post(reverse("portal:submit"), report(world, category, 1)).status_code == 302
    filed = complaint_submit(complex=world.shuguang_complex, category=category, description="电梯坏了")

    private_redis.stop()

    # The portal: a clear refusal, in Chinese, and nothing saved.
    response = resident.post(reverse("portal:submit"), report(world, category, 2))
    assert response.status_code == 503
    assert "服务暂时繁忙" in response.content.decode()
    response = resident.post(reverse("portal:track"), {"code": filed.tracking_code, "phone_tail": ""})
    assert response.status_code == 503
    # The public API: the error shape with Retry-After.
    api = APIClient()
    response = api.post(reverse("api:public-complaint-create"), {
        "complex": world.shuguang_complex.pk, "category": category.code, "description": "3栋电梯困人"}, format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable" and response["Retry-After"] == "60"
    url = reverse("api:public-complaint-track", kwargs={"tracking_code": filed.tracking_code})
    assert api.get(url).status_code == 503
    assert Complaint.objects.count() == 2  # the two filed before; the refused ones were not half-saved

    # Staff: signing in (lockouts count in the database), getting an API key, and work itself.
    staff = Client()
    assert staff.post("/admin/login/", {"username": "zhang", "password": PASSWORD, "next": "/admin/"}).status_code == 302
    token = APIClient().post(reverse("api:token"), {"username": "zhang", "password": PASSWORD}, format="json")
    assert token.status_code == 200
    officer = APIClient()
    officer.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert officer.get(reverse("api:complaint-list")).status_code == 200
    response = officer.post(reverse("api:complaint-accept", kwargs={"pk": filed.pk}), {}, format="json")
    assert response.status_code == 200
    filed.refresh_from_db()
    assert filed.status == Status.ACCEPTED

    # Redis back: the limits count again and submissions are taken.
    private_redis.start()
    assert resident.post(reverse("portal:submit"), report(world, category, 3)).status_code == 302
    assert Complaint.objects.count() == 3
