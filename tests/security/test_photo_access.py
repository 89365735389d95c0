"""Complaint photos are personal data (issue 9.13): served only through the photo view, which
applies the scoping rule, with DEBUG off and `X-Content-Type-Options: nosniff`; the API,
Open311, the admin, the workbench and the portal link to that view, never to /media/."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.photos import clean_photo
from complaints.services import complaint_submit
from tests import factories as f
from tests.complaints.photo_files import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_off_and_fresh_limits(settings):
    settings.DEBUG = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def complaint(world):
    category = f.CategoryFactory(code="lighting", name="楼道照明")
    photo = clean_photo(upload(image_bytes("PNG"), name="light.png", content_type="image/png"))
    return complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                            reporter_phone="13812345678", photos=[photo])


@pytest.fixture
def photo_url(complaint):
    return reverse("photo", args=[complaint.attachments.get().pk])


def assert_served(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("persona", ["shuguang_worker", "juhe_firm_staff", "taihe_officer", "district_officer"])
def test_staff_in_jurisdiction_get_the_photo(persona, photo_url, as_user, request):
    assert_served(as_user(request.getfixturevalue(persona)).get(photo_url))


@pytest.mark.parametrize("persona", ["hepinglu_worker", "outsider"])
def test_staff_out_of_jurisdiction_get_404(persona, photo_url, as_user, request):
    assert as_user(request.getfixturevalue(persona)).get(photo_url).status_code == 404


def test_anonymous_gets_404_and_media_is_not_served(complaint, photo_url):
    assert Client().get(photo_url).status_code == 404
    assert Client().get(f"/media/{complaint.attachments.get().image.name}").status_code == 404
    assert Client().get(reverse("photo", args=[999999])).status_code == 404


def test_the_resident_sees_it_after_the_tracking_look_up(complaint, photo_url):
    resident = Client()
    assert resident.get(photo_url).status_code == 404
    tracked = resident.post(reverse("portal:track"), {"code": complaint.tracking_code, "phone_tail": "5678"})
    assert tracked.status_code == 302
    page = resident.get(reverse("portal:complaint", args=[complaint.tracking_code])).content.decode()
    assert f'src="{photo_url}"' in page and "/media/" not in page
    assert_served(resident.get(photo_url))

    wrong_tail = Client()
    wrong_tail.post(reverse("portal:track"), {"code": complaint.tracking_code, "phone_tail": "0000"})
    assert wrong_tail.get(photo_url).status_code == 404


def test_staff_pages_link_to_the_view(complaint, photo_url, as_user, shuguang_worker, district_officer):
    workbench = as_user(shuguang_worker).get(reverse("workbench:complaints:detail", args=[complaint.pk]))
    assert f'src="{photo_url}"' in workbench.content.decode() and "/media/" not in workbench.content.decode()
    admin = as_user(district_officer).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert f'href="{photo_url}"' in admin.content.decode() and "/media/" not in admin.content.decode()


def test_api_and_open311_hand_out_signed_short_lived_urls(complaint, photo_url, world, shuguang_worker):
    api = APIClient()
    api.force_authenticate(shuguang_worker)
    [url] = api.get(f"/api/v1/complaints/{complaint.pk}/").json()["photos"]
    key = f.integrator_key(world.guandu, "read")
    [request] = Client().get(f"/open311/v2/requests/{complaint.tracking_code}.json", {"api_key": key}).json()
    media_url = request["media_url"]

    for signed in (url, media_url):
        assert signed.startswith(f"http://testserver{photo_url}?t=")
        path = signed.removeprefix("http://testserver")
        assert_served(Client().get(path))  # a machine client, no session
        assert Client().get(path[:-2] + "xx").status_code == 404  # tampered
        with time_machine.travel(datetime.timedelta(hours=2)):
            assert Client().get(path).status_code == 404  # expired
