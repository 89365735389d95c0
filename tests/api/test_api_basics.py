"""Token auth, the error shape, the overview, the OpenAPI schema and Swagger UI."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from integrations.models import ApiKey, key_digest
from integrations.services import api_key_create, api_key_revoke

from tests import factories as f
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_for_username_and_password(world, shuguang_worker, api_as):
    client = api_as(None)

    bad = client.post("/api/v1/auth/token/", {"username": "li", "password": "wrong"}, format="json")
    good = client.post("/api/v1/auth/token/", {"username": "li", "password": PASSWORD}, format="json")

    again = client.post("/api/v1/auth/token/", {"username": "li", "password": PASSWORD}, format="json")

    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert good.status_code == again.status_code == 200
    key = good.json()["token"]
    assert key != again.json()["token"]  # a new key each time; none can be read back
    stored = ApiKey.objects.get(digest=key_digest(key))
    assert stored.user == shuguang_worker and stored.expires_at is not None
    assert not ApiKey.objects.filter(digest=key).exists() and key not in str(list(ApiKey.objects.values()))


def test_token_authenticates_and_a_bad_or_missing_one_is_401(world, shuguang_worker, api_as):
    _row, key = api_key_create(actor=shuguang_worker, user=shuguang_worker)
    client = api_as(None)

    ok = client.get("/api/v1/residential-complexes/", HTTP_AUTHORIZATION=f"Token {key}")
    bad = client.get("/api/v1/residential-complexes/", HTTP_AUTHORIZATION="Token not-a-token")
    missing = client.get("/api/v1/residential-complexes/")

    assert {row["name"] for row in ok.json()["results"]} == {"曙光小区", "曙光东苑"}
    assert bad.status_code == missing.status_code == 401
    assert missing["WWW-Authenticate"] == "Token"
    assert set(missing.json()) == {"code", "detail", "errors"}
    assert missing.json()["code"] == "not_authenticated"


def test_a_revoked_token_stops_working(world, shuguang_worker, api_as):
    row, key = api_key_create(actor=shuguang_worker, user=shuguang_worker)
    api_key_revoke(actor=shuguang_worker, api_key=row)
    response = api_as(None).get("/api/v1/communities/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_error_shape_for_404_and_405(world, district_officer, api_as):
    client = api_as(district_officer)

    missing = client.get("/api/v1/residential-complexes/999999/")
    not_allowed = client.delete(f"/api/v1/communities/{world.shuguang.pk}/")

    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found" and missing.json()["errors"] == {}
    assert not_allowed.status_code == 405
    assert not_allowed.json()["code"] == "method_not_allowed"


def test_an_unknown_api_path_is_a_json_404(client):
    for url in ("/api/v1/no-such-register/", "/api/v1/complaints/abc/def/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_overview_counts_the_callers_jurisdiction(world, shuguang_worker, district_officer, api_as):
    f.ComplaintFactory(complex=world.shuguang_complex)
    f.ComplaintFactory(complex=world.heleju)

    mine = api_as(shuguang_worker).get("/api/v1/overview/").json()
    everything = api_as(district_officer).get("/api/v1/overview/").json()

    assert mine["figures"]["complexes"] == 2
    assert everything["figures"]["complexes"] == 3
    assert mine["rates"]["received"] == 1
    assert everything["rates"]["received"] == 2
    assert set(mine["rates"]) >= {"response_rate", "resolution_rate", "satisfaction_rate", "month"}


def test_overview_takes_a_month_and_counts_only_what_fell_due(world, district_officer, api_as, time_machine):
    shanghai = ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime.datetime(2026, 12, 1, 2, 15, tzinfo=shanghai), tick=False)
    for submitted_at in (datetime.datetime(2026, 10, 5, 9, tzinfo=shanghai),
                         datetime.datetime(2026, 10, 20, 9, tzinfo=shanghai)):
        f.ComplaintFactory(complex=world.shuguang_complex, submitted_at=submitted_at)  # never answered
    f.ComplaintFactory(complex=world.shuguang_complex, submitted_at=datetime.datetime(2026, 12, 1, 1, tzinfo=shanghai))
    client = api_as(district_officer)

    october = client.get("/api/v1/overview/", {"month": "2026-10"}).json()["rates"]
    this_month = client.get("/api/v1/overview/").json()["rates"]
    bad = client.get("/api/v1/overview/", {"month": "2026-13"})

    assert (october["month"], october["received"], october["response_due"], october["response_rate"],
            october["due"], october["resolution_rate"]) == ("2026-10-01", 2, 2, "0.0", 2, "0.0")
    # One complaint filed an hour ago: nothing is due, so there is no rate yet (not 0 %).
    assert (this_month["month"], this_month["received"], this_month["response_due"], this_month["response_rate"],
            this_month["due"], this_month["resolution_rate"]) == ("2026-12-01", 1, 0, None, 0, None)
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["month"]


def test_schema_documents_every_operation_with_its_error_codes(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    paths = schema["paths"]

    assert "/api/v1/joint-meetings/" in paths and "/api/v1/auth/token/" in paths
    accept = paths["/api/v1/complaints/{id}/accept/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(accept)
    assert accept["409"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    public = paths["/api/v1/public/complaints/"]["post"]["responses"]
    assert {"201", "400", "413", "429"} <= set(public) and "401" not in public
    complex_schema = schema["components"]["schemas"]["ResidentialComplex"]["properties"]
    assert complex_schema["has_two_way_entry"]["type"] == "boolean"
    assert complex_schema["current_firm"]["type"] == "integer"


def test_swagger_ui_is_served_from_local_files(client):
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_a_browser_gets_json_not_forms_listing_every_record(world, district_officer, client):
    client.force_login(district_officer)
    response = client.get("/api/v1/complaints/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"] == "application/json"
