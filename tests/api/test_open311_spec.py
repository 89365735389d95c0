"""Open311 GeoReport v2 as the specification reads it, and as third-party clients use it:
keyless reads without personal data, integrator keys in the query, the form body or a header,
service_request_id over every other filter, media_url and lat/long kept, lat/long alone landing
on the nearest complex, discovery naming the jurisdiction, an unencoded "+08:00", unknown
formats and oversized pages answered in the spec's error list. (georeport against a live server:
test_open311_georeport.py.)"""
import datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from complaints.models import Channel, Complaint
from complaints.services import complaint_reject, complaint_submit
from integrations.models import ApiKey
from integrations.services import api_key_revoke
from tests import factories as f
from tests.instants import pinned

pytestmark = [pytest.mark.django_db, pinned]  # deadlines, overdue and date filters at a fixed instant


@pytest.fixture
def category(db):
    return f.CategoryFactory(code="lighting", name="楼道照明")


@pytest.fixture
def hotline_key(world):
    return f.integrator_key(world.guandu, "read_write", name="12345 hotline")


def file(complex, category, **extra):
    return complaint_submit(complex=complex, category=category, description="李阿姨 13812345678 楼道灯坏了",
                            channel=Channel.PHONE, reporter_name="李阿姨", reporter_phone="13812345678",
                            reporter_email="li@example.org", location_detail="5栋3单元", **extra)


def post(client, category, **fields):
    return client.post("/open311/v2/requests.json", {"service_code": category.code, "description": "路灯不亮",
                                                     **fields})


# ---------------------------------------------------------------------------
# Reading without a key, and with one
# ---------------------------------------------------------------------------
def test_a_keyless_read_shows_no_personal_data(client, world, category):
    complaint = file(world.shuguang_complex, category, photos=[])
    Complaint.objects.filter(pk=complaint.pk).update(media_url="https://example.org/p.jpg",
                                                     latitude=Decimal("25.0001"), longitude=Decimal("102.7001"))
    world.shuguang_complex.latitude, world.shuguang_complex.longitude = Decimal("25.000000"), Decimal("102.700000")
    world.shuguang_complex.save()

    [listed] = client.get("/open311/v2/requests.json").json()
    [by_id] = client.get(f"/open311/v2/requests/{complaint.tracking_code}.json").json()
    as_xml = client.get("/open311/v2/requests.xml").content.decode()

    assert listed == by_id
    assert listed["service_request_id"] == complaint.tracking_code and listed["status"] == "open"
    assert listed["description"] is None and listed["media_url"] is None
    assert listed["address"] == world.shuguang_complex.address or world.shuguang_complex.name
    assert (listed["lat"], listed["long"]) == (25.0, 102.7)  # the complex's, not the reporter's point
    for secret in ("13812345678", "5678", "李阿姨", "li@example.org", "5栋3单元", "example.org/p.jpg"):
        assert secret not in str(listed) and secret not in as_xml


def test_a_key_that_may_read_shows_everything_in_its_jurisdiction(client, world, category, hotline_key):
    complaint = file(world.shuguang_complex, category)
    Complaint.objects.filter(pk=complaint.pk).update(media_url="https://example.org/p.jpg")

    [body] = client.get("/open311/v2/requests.json", HTTP_X_API_KEY=hotline_key).json()

    assert body["description"] == "李阿姨 13812345678 楼道灯坏了"
    assert body["address"].endswith("5栋3单元")
    assert body["media_url"] == "https://example.org/p.jpg"
    assert "reporter_phone" not in body and "phone" not in body  # the spec's request has no reporter fields


@pytest.mark.parametrize("how", ["query", "x-api-key", "token", "bearer"])
def test_the_key_comes_in_the_query_or_a_header(client, world, category, hotline_key, how):
    file(world.heleju, category)
    query = {"api_key": hotline_key} if how == "query" else {}
    headers = {
        "x-api-key": {"HTTP_X_API_KEY": hotline_key},
        "token": {"HTTP_AUTHORIZATION": f"Token {hotline_key}"},
        "bearer": {"HTTP_AUTHORIZATION": f"Bearer {hotline_key}"},
    }.get(how, {})

    [body] = client.get("/open311/v2/requests.json", query, **headers).json()
    filed = client.post("/open311/v2/requests.json", {**query, "service_code": "lighting", "description": "灯",
                                                      "address_id": world.heleju.pk}, **headers)

    assert body["description"] is not None
    assert filed.status_code == 200, filed.content


def test_a_revoked_key_stops_working_and_last_use_is_recorded(client, world, category, hotline_key, superuser):
    row = ApiKey.objects.get(user__integrator__name="12345 hotline")
    assert row.last_used_at is None

    assert client.get("/open311/v2/requests.json", HTTP_X_API_KEY=hotline_key).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None

    api_key_revoke(actor=superuser, api_key=row)
    assert client.get("/open311/v2/requests.json", HTTP_X_API_KEY=hotline_key).status_code == 403
    assert post(client, category, api_key=hotline_key, address_id=world.heleju.pk).status_code == 403


# ---------------------------------------------------------------------------
# Filters and parameters
# ---------------------------------------------------------------------------
def test_service_request_id_overrides_every_other_filter(client, world, category, district_officer):
    closed = complaint_reject(complaint=file(world.heleju, category), actor=district_officer, reason="重复")
    old = file(world.heleju, category, submitted_at=timezone.now() - datetime.timedelta(days=200))

    body = client.get("/open311/v2/requests.json", {
        "service_request_id": f"{closed.tracking_code},{old.tracking_code}", "status": "open",
        "service_code": "other", "start_date": "2030-01-01T00:00:00+08:00",
    }).json()

    assert {r["service_request_id"] for r in body} == {closed.tracking_code, old.tracking_code}


def test_an_unencoded_plus_in_the_offset_is_read_as_plus(client, world, category):
    recent = file(world.heleju, category)
    file(world.heleju, category, submitted_at=timezone.now() - datetime.timedelta(days=30))
    since = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")

    raw = client.get(f"/open311/v2/requests.json?start_date={since}+08:00")
    encoded = client.get("/open311/v2/requests.json", {"start_date": f"{since}+08:00"})

    assert raw.status_code == 200, raw.content
    assert [r["service_request_id"] for r in raw.json()] == [recent.tracking_code]
    assert raw.json() == encoded.json()


def test_page_size_above_200_is_a_clear_400(client, world):
    response = client.get("/open311/v2/requests.json", {"page_size": "201"})
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "page_size can be at most 200."}]
    assert client.get("/open311/v2/requests.json", {"page_size": "200"}).status_code == 200


@pytest.mark.parametrize("path", ["services.csv", "requests.html", "nothing"])
def test_an_unknown_format_or_resource_is_the_specs_error(client, db, path):
    response = client.get(f"/open311/v2/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()[0]["code"] == 404 and ".json or .xml" in response.json()[0]["description"]


def test_discovery_states_the_jurisdiction_id(client, world):
    body = client.get("/open311/v2/discovery.json").json()
    root = ET.fromstring(client.get("/open311/v2/discovery.xml").content)
    assert body["jurisdiction_id"] == "530111" and root.findtext("jurisdiction_id") == "530111"
    assert body["key_service"].endswith("/admin/integrations/integrator/")


# ---------------------------------------------------------------------------
# Filing: media_url, lat/long
# ---------------------------------------------------------------------------
def test_media_url_and_lat_long_are_kept_and_read_back(client, world, category, hotline_key):
    filed = post(client, category, api_key=hotline_key, address_id=world.heleju.pk,
                 media_url="https://photos.example.org/lamp.jpg", lat="25.021234", long="102.745678")
    code = filed.json()[0]["service_request_id"]

    [body] = client.get(f"/open311/v2/requests/{code}.json", {"api_key": hotline_key}).json()

    assert body["media_url"] == "https://photos.example.org/lamp.jpg"
    assert (body["lat"], body["long"]) == (25.021234, 102.745678)
    assert Complaint.objects.get(tracking_code=code).description == "路灯不亮"  # the link is not in the text


def test_lat_long_alone_land_on_the_nearest_complex_within_the_stated_distance(client, world, category, hotline_key,
                                                                                settings):
    settings.OPEN311_NEAREST_COMPLEX_METRES = 300
    for complex, (lat, long) in ((world.shuguang_complex, ("25.030000", "102.720000")),
                                 (world.heleju, ("25.040000", "102.760000"))):
        complex.latitude, complex.longitude = Decimal(lat), Decimal(long)
        complex.save()

    near = post(client, category, api_key=hotline_key, lat="25.0305", long="102.7203")  # ~60 m from 曙光小区
    far = post(client, category, api_key=hotline_key, lat="25.1000", long="102.9000")  # kilometres from both
    bad = post(client, category, api_key=hotline_key, lat="north", long="102.7")

    assert near.status_code == 200, near.content
    assert Complaint.objects.get(tracking_code=near.json()[0]["service_request_id"]).complex == world.shuguang_complex
    assert far.status_code == 400
    assert "300 m" in far.json()[0]["description"] and "attribute[complex_id]" in far.json()[0]["description"]
    assert bad.status_code == 400
    assert Complaint.objects.count() == 1


def test_lat_long_alone_never_land_outside_the_keys_jurisdiction(client, world, category):
    shuguang_key = f.integrator_key(world.shuguang, "submit")
    world.heleju.latitude, world.heleju.longitude = Decimal("25.040000"), Decimal("102.760000")
    world.heleju.save()

    response = post(client, category, api_key=shuguang_key, lat="25.0400", long="102.7600")

    assert response.status_code == 400
    assert not Complaint.objects.exists()
