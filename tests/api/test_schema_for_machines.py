"""The OpenAPI schema as client generators and linters read it: valid, English whatever the
request's language, JSON bodies (multipart only where photos are sent), integer ids from 1,
an open token operation, described security schemes, servers, described tags and a summary
on every operation; and the API behaving as the schema says (Bearer keys, one key for
non-field errors, categories by code, no form-encoded writes)."""
import pytest
from openapi_spec_validator import validate
from integrations.services import api_key_create

from complaints.models import Category
from tests import factories as f

pytestmark = pytest.mark.django_db

PHOTO_OPERATIONS = {
    ("/api/v1/complaints/", "post"),
    ("/api/v1/complaints/{id}/resolve/", "post"),
    ("/api/v1/public/complaints/", "post"),
}
ID_FILTERS = {"district", "subdistrict", "community", "complex", "firm", "complaint"}


def served_schema(client, language="en"):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json",
                          HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


_served = {}


@pytest.fixture
def schema(client):
    """The served schema, fetched once per test module (it takes seconds to build)."""
    if "en" not in _served:
        _served["en"] = served_schema(client).json()
    return _served["en"]


def test_the_served_schema_is_valid_openapi(schema):
    validate(schema)  # openapi-spec-validator: raises on the first error


def test_the_schema_is_the_same_english_schema_whatever_the_language(client):
    chinese = served_schema(client, "zh-hans")
    english = served_schema(client, "en")

    assert chinese.content == english.content
    body = english.json()
    channel = body["components"]["schemas"]["ChannelEnum"]
    assert "Phone call" in channel["description"]  # the choice labels, in English
    assert "渠道" not in chinese.content.decode()  # the field title that used to become an identifier


def test_request_bodies_are_json_and_multipart_only_where_photos_are_sent(schema):
    for path, method, operation in operations(schema):
        content = list(operation.get("requestBody", {}).get("content", {}))
        if not content:
            continue
        expected = ["multipart/form-data"] if (path, method) in PHOTO_OPERATIONS else ["application/json"]
        assert content == expected, (path, method, content)


def test_ids_are_integers_from_one(schema):
    checked = 0
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] in ID_FILTERS or (parameter["in"] == "path" and parameter["name"] == "id"):
                assert parameter["schema"]["type"] == "integer", (path, parameter)
                assert parameter["schema"]["minimum"] == 1, (path, parameter)
                checked += 1
    assert checked > 50
    complaint_body = schema["components"]["schemas"]["ComplaintCreateRequest"]["properties"]
    assert complaint_body["complex"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


def test_the_token_operation_is_open_and_the_schemes_are_described(schema):
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    schemes = schema["components"]["securitySchemes"]
    complaints = schema["paths"]["/api/v1/complaints/"]["get"]

    assert token["security"] == [{}]
    assert schemes["tokenAuth"]["type"] == "apiKey" and "Token <key>" in schemes["tokenAuth"]["description"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "description": schemes["bearerAuth"]["description"]}
    assert {"tokenAuth": []} in complaints["security"] and {"bearerAuth": []} in complaints["security"]


def test_servers_described_tags_and_a_summary_on_every_operation(schema):
    assert schema["servers"] == [{"url": "/", "description": "This server (paths start with /api/v1/)."}]
    tags = {tag["name"]: tag["description"] for tag in schema["tags"]}
    for path, method, operation in operations(schema):
        assert operation.get("summary"), (path, method)
        assert len(operation["tags"]) == 1 and operation["tags"][0] in tags, (path, method)
        assert path.removeprefix("/api/v1/").startswith(operation["tags"][0])
    assert all(description and description != name for name, description in tags.items()), tags
    assert "v1" not in tags
    assert tags["complaints"].startswith("Complaints in your jurisdiction")


def test_cursor_examples_are_clean_urls(schema):
    page = schema["components"]["schemas"]["PaginatedComplaintList"]["properties"]
    assert '"' not in page["next"]["example"] and '"' not in page["previous"]["example"]


def test_a_key_works_as_token_and_as_bearer(world, district_officer, client):
    _row, key = api_key_create(actor=district_officer, user=district_officer)

    as_token = client.get("/api/v1/districts/", HTTP_AUTHORIZATION=f"Token {key}")
    as_bearer = client.get("/api/v1/districts/", HTTP_AUTHORIZATION=f"Bearer {key}")
    wrong = client.get("/api/v1/districts/", HTTP_AUTHORIZATION="Bearer not-a-key")

    assert as_token.status_code == as_bearer.status_code == 200
    assert as_token.json() == as_bearer.json()
    assert wrong.status_code == 401 and wrong.json()["code"] == "authentication_failed"


def test_errors_of_no_one_field_are_under_non_field_errors(world, district_officer, api_as):
    # A second serving contract for a complex breaks a database constraint of no single field.
    response = api_as(district_officer).post("/api/v1/service-contracts/", {
        "firm": world.juhe.pk, "complex": world.shuguang_east.pk, "start_date": "2026-01-01", "fee_standard": "1.00",
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_a_complaint_names_its_category_by_code_in_and_out(world, district_officer, api_as):
    lighting = f.CategoryFactory(code="lighting")
    client = api_as(district_officer)

    created = client.post("/api/v1/complaints/", {
        "complex": world.shuguang_complex.pk, "category": "lighting", "description": "楼道灯坏了", "channel": "phone",
    }, format="json")
    listed = client.get("/api/v1/complaints/", {"category": "lighting"}).json()["results"]
    by_id = client.get("/api/v1/complaints/", {"category": str(lighting.pk)}).json()["results"]

    assert created.status_code == 201, created.content
    assert created.json()["category"] == "lighting"
    assert [c["category"] for c in listed] == ["lighting"]
    assert by_id == []  # the filter takes the code, as everywhere else


def test_a_form_encoded_write_is_refused_and_an_omitted_boolean_is_kept(world, district_officer, api_as):
    category = f.CategoryFactory(code="water-power", is_active=True, is_urgent=True)
    client = api_as(district_officer)
    url = f"/api/v1/categories/{category.pk}/"

    form = client.put(url, "code=water-power&name=水电&response_hours=2&resolve_days=3",
                      content_type="application/x-www-form-urlencoded")
    json_put = client.put(url, {"code": "water-power", "name": "水电", "response_hours": 2, "resolve_days": 3},
                          format="json")

    assert form.status_code == 415 and form.json()["code"] == "unsupported_media_type"
    assert json_put.status_code == 200, json_put.content
    category.refresh_from_db()
    assert category.name == "水电"
    assert category.is_active and category.is_urgent  # omitted, so unchanged
    assert Category.objects.filter(code="water-power", is_active=True).exists()


def test_photos_and_json_both_file_a_complaint(world, district_officer, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.complaints.photo_files import image_bytes

    f.CategoryFactory(code="lighting")
    client = api_as(district_officer)
    body = {"complex": world.shuguang_complex.pk, "category": "lighting", "description": "楼道灯坏了"}

    multipart = client.post("/api/v1/complaints/", {**body, "photos": [SimpleUploadedFile("a.jpg", image_bytes(), "image/jpeg")]}, format="multipart")
    as_json = client.post("/api/v1/complaints/", body, format="json")

    assert multipart.status_code == 201, multipart.content
    assert len(multipart.json()["photos"]) == 1
    assert as_json.status_code == 201 and as_json.json()["photos"] == []
