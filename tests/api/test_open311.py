"""Open311 GeoReport v2: shapes in JSON and XML, api_key, landing on a complex, errors."""
import datetime
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Channel, Complaint
from complaints.services import complaint_accept, complaint_reject, complaint_submit
from integrations.services import api_key_create
from tests import factories as f
from tests.instants import NOW, pinned

pytestmark = [pytest.mark.django_db, pinned]  # deadlines, overdue and date filters at a fixed instant

REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]


@pytest.fixture
def category(db):
    return f.CategoryFactory(code="lighting", name="楼道照明", description="公共照明损坏")


@pytest.fixture
def hotline_key(world):
    """The 12345 hotline's key: an integrator over the whole district that reads and writes."""
    return f.integrator_key(world.guandu, "read_write", name="12345 hotline")


@pytest.fixture
def shuguang_key(world):
    return f.integrator_key(world.shuguang, "read_write", name="曙光 WeChat")


def file(complex, category, **extra):
    return complaint_submit(complex=complex, category=category, description="楼道灯坏了", channel="phone",
                            reporter_phone="13812345678", **extra)


def xml(response):
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return ET.fromstring(response.content)


# ---------------------------------------------------------------------------
# Discovery and services (public)
# ---------------------------------------------------------------------------
def test_discovery(client):
    body = client.get("/open311/v2/discovery.json").json()
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert body["endpoints"][0]["url"] == "http://testserver/open311/v2/"
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [e.text for e in root.find("endpoints/endpoint/formats")] == ["application/json", "text/xml"]


def test_services_in_json_and_xml(client, category):
    f.CategoryFactory(code="retired", is_active=False)

    services = client.get("/open311/v2/services.json").json()
    root = xml(client.get("/open311/v2/services.xml"))

    mine = [s for s in services if s["service_code"] == "lighting"]
    assert mine == [{"service_code": "lighting", "service_name": "楼道照明", "description": "公共照明损坏",
                     "metadata": True, "type": "realtime", "keywords": "", "group": ""}]
    assert "retired" not in {s["service_code"] for s in services}
    assert root.tag == "services"
    node = [s for s in root.findall("service") if s.findtext("service_code") == "lighting"][0]
    assert [child.tag for child in node] == list(mine[0])
    assert node.findtext("metadata") == "true" and node.findtext("type") == "realtime"


def test_service_definition(client, category):
    body = client.get("/open311/v2/services/lighting.json").json()
    root = xml(client.get("/open311/v2/services/lighting.xml"))

    assert body["service_code"] == "lighting"
    assert [a["code"] for a in body["attributes"]] == ["complex_id", "complex_name", "location_detail"]
    assert set(body["attributes"][0]) == {"variable", "code", "datatype", "required", "datatype_description",
                                          "order", "description", "values"}
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.findall("attributes/attribute")] == [
        "complex_id", "complex_name", "location_detail"]


def test_unknown_service_is_404_as_an_error_list(client):
    response = client.get("/open311/v2/services/nothing.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "Unknown service_code."}]
    root = xml(client.get("/open311/v2/services/nothing.xml"))
    assert root.tag == "errors" and root.find("error").findtext("code") == "404"


# ---------------------------------------------------------------------------
# api_key
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("key", [None, ""])
def test_filing_needs_a_key_reading_does_not(client, world, category, key):
    params = {} if key is None else {"api_key": key}
    listed = client.get("/open311/v2/requests.json", params)
    posted = client.post("/open311/v2/requests.xml", {**params, "service_code": "lighting", "description": "x",
                                                       "attribute[complex_id]": world.heleju.pk})
    assert listed.status_code == 200 and listed.json() == []
    assert posted.status_code == 403
    assert xml(posted).tag == "errors" and xml(posted).findtext("error/code") == "403"
    assert not Complaint.objects.exists()


def test_an_unknown_key_is_403_even_for_reading(client, world, category):
    listed = client.get("/open311/v2/requests.json", {"api_key": "not-a-key"})
    assert listed.status_code == 403
    assert listed.json()[0]["code"] == 403


def test_a_key_without_the_scope_is_403(client, world, category, district_officer):
    reader = f.integrator_key(world.guandu, "read")
    staff_token = api_key_create(actor=district_officer, user=district_officer)[1]  # a person's key, not an integrator's
    for key in (reader, staff_token):
        response = client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "lighting",
                                                              "description": "x", "attribute[complex_id]": world.shuguang_east.pk})
        assert response.status_code == 403
    assert not Complaint.objects.exists()


# ---------------------------------------------------------------------------
# POST requests: landing on a complex
# ---------------------------------------------------------------------------
def post(client, key, fmt="json", **fields):
    return client.post(f"/open311/v2/requests.{fmt}", {"api_key": key, "service_code": "lighting",
                                                        "description": "3楼楼道灯不亮", **fields})


def test_post_by_complex_id_in_json_and_xml(client, world, category, hotline_key):
    response = post(client, hotline_key, **{"attribute[complex_id]": world.shuguang_east.pk, "first_name": "阿姨",
                                            "last_name": "李", "phone": "13912345678"})
    assert response.status_code == 200, response.content
    [receipt] = response.json()
    assert set(receipt) == {"service_request_id", "service_notice", "account_id"}
    complaint = Complaint.objects.get(tracking_code=receipt["service_request_id"])
    assert complaint.complex == world.shuguang_east
    assert complaint.channel == Channel.OPEN311
    assert complaint.reporter_name == "李 阿姨" and complaint.reporter_phone == "13912345678"

    root = xml(post(client, hotline_key, "xml", address_id=world.heleju.pk))
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == ["service_request_id", "service_notice", "account_id"]
    assert Complaint.objects.get(tracking_code=root.findtext("request/service_request_id")).complex == world.heleju


@pytest.mark.parametrize(("address", "expected"), [
    ("和乐居", "heleju"),  # the name
    ("昆明市官渡区曙光东苑路1号", "shuguang_east"),  # the address (factory: 昆明市官渡区<name>路1号)
    ("曙光小区5栋3单元", "shuguang_complex"),  # contains the name
])
def test_post_by_address_string(client, world, category, hotline_key, address, expected):
    response = post(client, hotline_key, address_string=address)
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert complaint.complex == getattr(world, expected)
    assert complaint.location_detail == address


def test_post_by_complex_name_attribute(client, world, category, hotline_key):
    response = post(client, hotline_key, **{"attribute[complex_name]": "曙光东苑"})
    assert Complaint.objects.get(tracking_code=response.json()[0]["service_request_id"]).complex == world.shuguang_east


@pytest.mark.parametrize("fields", [
    {"address_string": "人民中路100号"},  # matches no complex
    {"lat": "25.03", "long": "102.72"},  # coordinates alone do not name a complex
    {"attribute[complex_id]": "999999"},
    {"attribute[complex_id]": "abc"},
    {},
])
def test_unmatched_location_is_400(client, world, category, hotline_key, fields):
    response = post(client, hotline_key, **fields)
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
    assert not Complaint.objects.exists()


def test_a_key_cannot_file_on_another_communitys_complex(client, world, category, shuguang_key):
    by_id = post(client, shuguang_key, **{"attribute[complex_id]": world.heleju.pk})
    by_name = post(client, shuguang_key, address_string="和乐居")
    assert by_id.status_code == by_name.status_code == 400
    assert not Complaint.objects.exists()


def test_ambiguous_address_is_400(client, world, category, hotline_key):
    f.ComplexFactory(community=world.hepinglu, name="曙光小区", address="")  # same name, another community
    response = post(client, hotline_key, address_string="曙光小区")
    assert response.status_code == 400
    assert "Several" in response.json()[0]["description"]


def test_bad_fields_are_400_with_one_error_each(client, world, category, hotline_key):
    unknown_service = post(client, hotline_key, service_code="nothing", address_id=world.heleju.pk)
    bad = post(client, hotline_key, description="", phone="12", address_id=world.heleju.pk)
    assert unknown_service.status_code == 400
    assert bad.status_code == 400
    assert sorted(e["description"].split(":")[0] for e in bad.json()) == ["description", "reporter_phone"]


def test_unknown_jurisdiction_is_404(client, world, category, hotline_key):
    response = post(client, hotline_key, jurisdiction_id="110101", address_id=world.heleju.pk)
    assert response.status_code == 404
    assert post(client, hotline_key, jurisdiction_id="530111", address_id=world.heleju.pk).status_code == 200


# ---------------------------------------------------------------------------
# GET requests
# ---------------------------------------------------------------------------
def test_request_by_id_in_json_and_xml(client, world, category, hotline_key, district_officer):
    complaint = complaint_reject(complaint=file(world.heleju, category), actor=district_officer, reason="不属于物业范围")

    [body] = client.get(f"/open311/v2/requests/{complaint.tracking_code}.json", {"api_key": hotline_key}).json()
    root = xml(client.get(f"/open311/v2/requests/{complaint.tracking_code}.xml", {"api_key": hotline_key}))

    assert list(body) == REQUEST_FIELDS
    assert body["status"] == "closed" and body["status_notes"] == "不属于物业范围"
    assert body["agency_responsible"] == "和平物业"
    assert body["address_id"] == world.heleju.pk
    expected = timezone.localtime(complaint.due_resolve_at).isoformat(timespec="seconds")
    assert body["expected_datetime"] == expected
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == REQUEST_FIELDS
    assert root.findtext("request/status") == "closed"


def test_unknown_request_is_404(client, world, category, shuguang_key):
    assert client.get("/open311/v2/requests/NOPE-NOPE.json", {"api_key": shuguang_key}).status_code == 404
    assert client.get("/open311/v2/requests/NOPE-NOPE.json").status_code == 404


def test_a_key_shows_details_only_within_its_jurisdiction(client, world, category, shuguang_key):
    mine = file(world.shuguang_complex, category, location_detail="5栋3单元")
    theirs = file(world.heleju, category, location_detail="2栋")

    body = {r["service_request_id"]: r for r in client.get("/open311/v2/requests.json", {"api_key": shuguang_key}).json()}
    detail = client.get(f"/open311/v2/requests/{theirs.tracking_code}.json", {"api_key": shuguang_key}).json()[0]

    assert set(body) == {mine.tracking_code, theirs.tracking_code}
    assert body[mine.tracking_code]["description"] == "楼道灯坏了"
    assert body[mine.tracking_code]["address"].endswith("5栋3单元")
    assert body[theirs.tracking_code]["description"] is None and "2栋" not in body[theirs.tracking_code]["address"]
    assert detail == body[theirs.tracking_code]


def _two(world, category, district_officer):
    old = file(world.heleju, category, submitted_at=timezone.now() - datetime.timedelta(days=20))
    new = complaint_accept(complaint=file(world.shuguang_east, f.CategoryFactory(code="lift")), actor=district_officer)
    complaint_reject(complaint=old, actor=district_officer, reason="重复")
    return old, new


@pytest.mark.parametrize(("params", "expected"), [
    ({"status": "open"}, "new"),
    ({"status": "closed"}, "old"),
    ({"service_code": "lighting"}, "old"),
    ({"service_code": "lift,other"}, "new"),
    ({"end_date": (NOW.date() - datetime.timedelta(days=10)).isoformat() + "T00:00:00+08:00"}, "old"),
    ({"start_date": (NOW.date() - datetime.timedelta(days=10)).isoformat() + "T00:00:00+08:00"}, "new"),
])
def test_request_filters(client, world, category, hotline_key, district_officer, params, expected):
    old, new = _two(world, category, district_officer)
    body = client.get("/open311/v2/requests.json", {"api_key": hotline_key, **params}).json()
    assert [r["service_request_id"] for r in body] == [{"old": old, "new": new}[expected].tracking_code]


def test_without_dates_the_last_90_days(client, world, category, hotline_key):
    old = file(world.heleju, category, submitted_at=timezone.now() - datetime.timedelta(days=100))
    recent = file(world.heleju, category)
    default = client.get("/open311/v2/requests.json", {"api_key": hotline_key}).json()
    dated = client.get("/open311/v2/requests.json", {"api_key": hotline_key, "start_date": "2020-01-01T00:00:00+08:00"})
    assert [r["service_request_id"] for r in default] == [recent.tracking_code]
    assert len(dated.json()) == 2
    assert old.tracking_code in {r["service_request_id"] for r in dated.json()}


def test_request_ids_and_paging(client, world, category, hotline_key, district_officer):
    old, new = _two(world, category, district_officer)
    by_ids = client.get("/open311/v2/requests.json", {"api_key": hotline_key,
                                                       "service_request_id": f"{old.tracking_code},{new.tracking_code}"})
    page2 = client.get("/open311/v2/requests.json", {"api_key": hotline_key, "page": 2, "page_size": 1})
    assert len(by_ids.json()) == 2
    assert [r["service_request_id"] for r in page2.json()] == [old.tracking_code]


@pytest.mark.parametrize("params", [{"status": "pending"}, {"start_date": "yesterday"},
                                    {"end_date": "2026-11-01"}, {"page": "0"}, {"page_size": "x"}])
def test_bad_request_parameters_are_400(client, world, hotline_key, params):
    response = client.get("/open311/v2/requests.xml", {"api_key": hotline_key, **params})
    assert response.status_code == 400
    assert xml(response).find("error").findtext("code") == "400"


def test_request_list_query_count_does_not_grow(client, world, category, hotline_key):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/open311/v2/requests.json", {"api_key": hotline_key, "page_size": 200})
        return len(queries), len(response.json())

    count()  # the key's first use is recorded (one more query, once a minute)
    for _ in range(2):
        f.ComplaintFactory(complex=world.heleju, category=category)
    few = count()
    for _ in range(48):
        f.ComplaintFactory(complex=world.shuguang_complex, category=category)
    many = count()
    # key + user, integrator, permissions (2), profile (for the jurisdiction), the page, the photos
    assert (few[0], many[0]) == (7, 7)
    assert (few[1], many[1]) == (2, 50)
