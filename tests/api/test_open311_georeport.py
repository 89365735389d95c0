"""georeport (PyPI), a GeoReport v2 client nobody here wrote, reads a live server without a key;
a spec-form POST (form-encoded, api_key in the body) files with one. A file of its own: it is a
transactional test, which pytest-django runs after the others."""
import pytest
import requests
from georeport import GeoReport

from tests import factories as f
from tests.api.test_schemathesis import seed_reference_data


@pytest.fixture
def category(transactional_db):
    return f.CategoryFactory(code="lighting", name="楼道照明")


@pytest.mark.django_db(transaction=True)
def test_georeport_reads_without_a_key_and_a_spec_form_post_files_with_one(live_server, world, category):
    seed_reference_data()  # role groups: an earlier transactional test may have flushed them
    key = f.integrator_key(world.guandu, "submit", name="12345 hotline")
    root = f"{live_server.url}/open311/v2"
    filed = requests.post(f"{root}/requests.json", data={
        "api_key": key, "jurisdiction_id": "530111", "service_code": "lighting", "description": "5栋楼道灯坏了",
        "address_string": "曙光东苑3栋", "first_name": "阿姨", "last_name": "李", "phone": "13812345678",
        "media_url": "https://photos.example.org/lamp.jpg",
    }, timeout=30)
    assert filed.status_code == 200, filed.text
    code = filed.json()[0]["service_request_id"]

    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction="530111", output_format=fmt)
        services = client.get_service_list()
        services = services if isinstance(services, list) else [services]
        assert "lighting" in {s["service_code"] for s in services}
        assert client.get_service_definition("lighting")["service_code"] == "lighting"
        listed = client.get_service_requests(status="open")
        listed = listed if isinstance(listed, list) else [listed]
        assert [r["service_request_id"] for r in listed] == [code]
        one = client.get_service_request(code)
        assert one["service_request_id"] == code and one["status"] == "open"
        assert not one["description"] and not one["media_url"]  # keyless: no personal data
        assert one["agency_responsible"] == "巨和物业"

    # A submit-only key reads as no key does: it may file, not look.
    with_key = requests.get(f"{root}/requests/{code}.json", params={"api_key": key}, timeout=30).json()[0]
    assert with_key["description"] is None
