"""Errors answer in each door's shape (issue 9.6), deep JSON is a 400 everywhere (9.7), and the
500s found under attack are clear 4xx (9.9)."""
from __future__ import annotations

import datetime
import json
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from integrations.services import api_key_create

from tests import factories as f

NESTED = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def raw_client(settings):
    """A client that gets the response Django would send for an exception (DEBUG off)."""
    settings.DEBUG = False
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


# ---------------------------------------------------------------------------
# 9.6: server errors in the door's shape
# ---------------------------------------------------------------------------
@pytest.mark.urls("tests.hardening.boom_urls")
def test_a_server_error_under_api_is_the_api_error_body(raw_client, db):
    response = raw_client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server_error" and body["errors"] == {}
    assert "server error" in body["detail"]


@pytest.mark.urls("tests.hardening.boom_urls")
def test_a_server_error_under_open311_is_the_specs_error_list(raw_client, db):
    response = raw_client.get("/open311/v2/boom.xml")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/xml")
    assert ET.fromstring(response.content).find("error").findtext("code") == "500"
    response = raw_client.get("/open311/v2/boom.json")
    assert response.status_code == 500
    assert response.json()[0]["code"] == 500


@pytest.mark.urls("tests.hardening.boom_urls")
def test_pages_keep_djangos_error_page(raw_client, db):
    response = raw_client.get("/portal/boom/")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")


def test_a_request_django_refuses_to_read_is_400_in_the_api_shape(raw_client, world):
    fields = "&".join(f"f{n}=x" for n in range(1200))  # past DATA_UPLOAD_MAX_NUMBER_FIELDS
    # The API reads JSON and (where photos are sent) multipart, not form-encoded bodies.
    response = raw_client.post("/api/v1/public/complaints/", {f"f{n}": "x" for n in range(1200)})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    response = raw_client.post("/open311/v2/requests.json", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_an_unknown_open311_path_is_the_specs_404(raw_client, db):
    response = raw_client.get("/open311/v2/nothing-here.xml")
    assert response.status_code == 404
    assert ET.fromstring(response.content).find("error").findtext("code") == "404"


# ---------------------------------------------------------------------------
# 9.7: 100,000 nested brackets on every JSON endpoint
# ---------------------------------------------------------------------------
def api_write_routes():
    """(regex route, view class, HTTP methods that read a body) of every /api/ URL."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    for route, callback in walk(get_resolver().url_patterns):
        if not route.startswith("api/"):
            continue
        actions = getattr(callback, "actions", None)
        view_class = getattr(callback, "cls", None)
        if actions is not None:
            methods = [m for m in actions if m in ("post", "put", "patch")]
        elif view_class is not None:
            methods = [m for m in ("post", "put", "patch") if hasattr(view_class, m)]
        else:
            methods = []
        if methods:
            yield route, view_class, methods


def concrete(route: str, view_class) -> str:
    """The route with an existing record's id in place of <pk> (or a tracking code)."""
    if "(?P<pk>" in route:
        model = view_class.queryset.model
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first() or 1
        route = route.replace("(?P<pk>[^/.]+)", str(pk))
    return "/" + route.replace("^", "").replace("$", "").replace("<str:tracking_code>", "AAAA-AAAAA")


@pytest.fixture
def one_of_each(world):
    f.ComplaintFactory(complex=world.shuguang_complex)
    f.MemberFactory(committee=f.CommitteeFactory(complex=world.shuguang_complex))
    f.FeeCollectionFactory(complex=world.shuguang_complex)
    f.InspectionFactory(complex=world.shuguang_complex)
    f.SurveyFactory(complex=world.shuguang_complex)
    f.CreditEventFactory(firm=world.juhe)
    f.CrossAppointmentFactory(complex=world.shuguang_complex)
    f.ResolutionFactory(meeting=f.MeetingFactory(community=world.shuguang))
    f.RedProjectFactory(community=world.shuguang)
    f.StationFactory(complex=world.shuguang_complex)
    f.CategoryFactory(code="lifts")
    # The governance registers: each write route names a record that exists.
    from complaints.models import Department, DepartmentKind
    from partybranches.models import Funding, FundPurpose, FundSource, Training

    Department.objects.create(name="官渡区城市管理局", kind=DepartmentKind.URBAN_MANAGEMENT, reply_days=10)
    Funding.objects.create(community=world.shuguang, source=FundSource.values[0], amount=10000,
                           purpose=FundPurpose.values[0], granted_on=datetime.date(2026, 6, 1))
    Training.objects.create(community=world.shuguang, course="物业服务规范", held_on=datetime.date(2026, 6, 1), firm_staff=3)


def test_deeply_nested_json_is_400_on_every_api_endpoint(raw_client, one_of_each, superuser):
    token = api_key_create(actor=superuser, user=superuser)[1]
    routes = list(api_write_routes())
    assert len(routes) > 20
    for route, view_class, methods in routes:
        path = concrete(route, view_class)
        for method in methods:
            for auth in ({}, {"HTTP_AUTHORIZATION": f"Token {token}"}):
                response = getattr(raw_client, method)(path, NESTED, content_type="application/json", **auth)
                assert response.status_code < 500, (method, path, response.status_code)
                if auth and path.endswith("/reveal-phone/"):
                    assert response.status_code == 200  # reads no body
                elif auth or "public" in path or "auth/token" in path:
                    assert response.status_code == 400, (method, path, response.status_code)
                    assert "nested too deeply" in response.json()["detail"]
                else:
                    assert response.status_code == 401, (method, path, response.status_code)


# ---------------------------------------------------------------------------
# 9.9: the 500s found under attack
# ---------------------------------------------------------------------------
@pytest.fixture
def hotline_key(world, district_officer):
    return f.integrator_key(world.guandu, "read_write")


def test_a_huge_open311_page_number_is_400(raw_client, hotline_key):
    response = raw_client.get("/open311/v2/requests.json", {"api_key": hotline_key, "page": str(10**30)})
    assert response.status_code == 400
    assert "page can be at most" in response.json()[0]["description"]
    # A huge page size is refused as clearly (anything above 200 is).
    response = raw_client.get("/open311/v2/requests.json", {"api_key": hotline_key, "page_size": str(10**30)})
    assert response.status_code == 400 and "page_size can be at most 200" in response.json()[0]["description"]


@pytest.mark.parametrize("value", ["²", "٣", "1e3", "99999999999999999999999", "-1", " 1 2"])
def test_a_complex_id_that_is_not_plain_digits_is_400(raw_client, world, hotline_key, value):
    f.CategoryFactory(code="lighting")
    for field in ("attribute[complex_id]", "address_id"):
        response = raw_client.post("/open311/v2/requests.json", {
            "api_key": hotline_key, "service_code": "lighting", "description": "楼道灯坏了", field: value,
        })
        assert response.status_code == 400, (field, value)
        assert "complex_id" in response.json()[0]["description"]
    assert json.loads(raw_client.get("/open311/v2/requests.json", {"api_key": hotline_key}).content) == []
