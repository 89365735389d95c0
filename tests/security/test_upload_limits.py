"""Floods of uploads stay cheap (issue 9.4): the portal counts a request against the network's
limit before it opens any photo; a photo's pixel count is read from its header and a huge one
refused before decoding; a body over the total cap is refused with 413 before it is spooled."""
from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Attachment, Complaint
from tests import factories as f
from tests.complaints.photo_files import image_bytes, png_bomb, upload
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

SUBMIT = reverse("portal:submit")
PUBLIC_API = "/api/v1/public/complaints/"
T0 = datetime.datetime(2026, 11, 26, 10, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
HUGE = "The photo is 7700 × 7700 pixels; photos of at most 50 megapixels are accepted."


@pytest.fixture(autouse=True)
def _fresh_limits_at_a_fixed_instant(db):
    cache.clear()
    with time_machine.travel(T0, tick=False):
        yield
    cache.clear()


@pytest.fixture
def category(db):
    return f.CategoryFactory(code="lighting", name="楼道照明")


def report(world, category, **extra):
    return {"complex": world.shuguang_complex.pk, "category": category.pk, "description": "5栋楼道灯坏了",
            "location_detail": "", "reporter_name": "", "reporter_phone": "", "reporter_email": "", "website": "",
            **extra}


def huge_pngs(count=3):
    return [upload(png_bomb(7700, 7700), name=f"huge{n}.png", content_type="image/png") for n in range(count)]


def test_the_eleventh_post_from_one_network_is_429_even_with_huge_photos(world, category, settings):
    settings.PORTAL_RATE_LIMIT_PER_IP = "10/hour"
    resident = in_english(Client())
    for _ in range(10):
        assert resident.post(SUBMIT, report(world, category)).status_code == 302

    response = resident.post(SUBMIT, report(world, category, photos=huge_pngs()))

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many reports have been sent from this network." in page
    assert "7700" not in page  # refused before any photo was looked at
    assert Complaint.objects.count() == 10


def test_a_7700_by_7700_png_is_refused_from_its_header(world, category):
    resident = in_english(Client())
    response = resident.post(SUBMIT, report(world, category, photos=huge_pngs(1)))
    assert response.status_code == 400
    assert f"Photo 1: {HUGE}" in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    body = {"complex": world.shuguang_complex.pk, "category": "lighting", "description": "灯坏了",
            "photos": huge_pngs(1)}
    answer = api.post(PUBLIC_API, body, format="multipart")
    assert answer.status_code == 400
    assert answer.json()["errors"]["photos"] == [HUGE + " Please send a smaller photo."]
    assert not Complaint.objects.exists()


def test_the_header_check_names_the_size_in_chinese_by_default(world, category):
    response = Client().post(SUBMIT, report(world, category, photos=huge_pngs(1)))
    assert response.status_code == 400
    assert "7700 × 7700 像素" in response.content.decode()


@pytest.fixture
def spool_dir(settings, tmp_path):
    """Every uploaded file that Django starts to read is kept in this folder (see upload_spy)."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.security.upload_spy.KeepingSpoolHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    return folder


def big_file(size):
    return upload(image_bytes("PNG") + b"\0" * size, name="big.png", content_type="image/png")


def test_a_body_over_the_cap_is_413_and_never_spooled(world, category, spool_dir):
    resident = in_english(Client())
    over = resident.post(SUBMIT, report(world, category, photos=[big_file(2 * 1024 * 1024)]))
    assert over.status_code == 413
    assert "What you sent is larger than 1.0\xa0MB in all." in over.content.decode()

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    body = {"complex": world.shuguang_complex.pk, "category": "lighting", "description": "灯坏了",
            "photos": [big_file(2 * 1024 * 1024)]}
    answer = api.post(PUBLIC_API, body, format="multipart")
    assert answer.status_code == 413
    assert answer.json()["code"] == "payload_too_large"

    assert list(spool_dir.iterdir()) == []
    assert not Complaint.objects.exists()

    # Under the cap the same kind of body is read (and spooled) as usual.
    under = resident.post(SUBMIT, report(world, category, photos=[big_file(100 * 1024)]))
    assert under.status_code == 302
    assert len(list(spool_dir.iterdir())) == 1
