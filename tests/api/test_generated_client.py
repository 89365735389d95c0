"""A client that nobody here wrote: openapi-python-client (pinned in requirements-dev.txt)
generates one from the served schema into a temporary folder; every module of it imports,
and it drives a live server through an integrator's day: token → a filtered list → cursor
paging to the end → file a complaint → accept it with expected_status (200, then 409 on the
stale repeat) → overview."""
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests import factories as f
from tests.api.test_schemathesis import seed_reference_data
from tests.conftest import PASSWORD

PACKAGE = "rp_generated_client"


@pytest.fixture
def reference_data(transactional_db):
    """Role groups and categories: an earlier transactional test may have flushed them."""
    seed_reference_data()


@pytest.fixture
def generated(live_server, tmp_path):
    """Generate the client from the live server's schema and put it on sys.path."""
    schema = httpx.get(f"{live_server.url}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"},
                       timeout=120)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_text(json.dumps(schema.json()))
    (tmp_path / "config.json").write_text(json.dumps({"package_name_override": PACKAGE}))
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [str(generator), "generate", "--path", "schema.json", "--config", "config.json", "--meta", "none",
         "--output-path", PACKAGE],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def cursor_of(url):
    return parse_qs(urlparse(url).query)["cursor"][0] if url else None


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_imports_and_drives_the_api(reference_data, world, district_officer, live_server, generated):
    failed = []
    modules = list(pkgutil.walk_packages(generated.__path__, f"{PACKAGE}."))
    for module in modules:
        try:
            importlib.import_module(module.name)
        except Exception as exc:  # noqa: BLE001 - every failure is reported together
            failed.append(f"{module.name}: {exc!r}")
    assert len(modules) > 200 and not failed, failed

    from rp_generated_client import AuthenticatedClient, Client
    from rp_generated_client.api.auth import auth_token_create
    from rp_generated_client.api.complaints import complaints_accept_create, complaints_create, complaints_list
    from rp_generated_client.api.overview import overview_retrieve
    from rp_generated_client.models import (
        ComplaintCreateRequest, ComplaintStatusEnum, CredentialsRequest, NoteTransitionRequest,
    )

    lighting = f.CategoryFactory(code="test-lighting")
    for n in range(5):
        f.ComplaintFactory(complex=world.shuguang_complex, category=lighting, description=f"灯 {n}")
    f.ComplaintFactory(complex=world.heleju, category=lighting)  # another subdistrict: filtered out

    token = auth_token_create.sync(client=Client(base_url=live_server.url, timeout=httpx.Timeout(60)),
                                   body=CredentialsRequest(username=district_officer.username, password=PASSWORD))
    api = AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token", timeout=httpx.Timeout(60))

    seen, cursor = [], None
    while True:
        page = complaints_list.sync(client=api, subdistrict=world.taihe.pk, page_size=2,
                                    **({"cursor": cursor} if cursor else {}))
        seen += [c.description for c in page.results]
        cursor = cursor_of(page.next_)
        if cursor is None:
            break
    assert sorted(seen) == [f"灯 {n}" for n in range(5)]

    filed = complaints_create.sync(client=api, body=ComplaintCreateRequest(
        complex_=world.shuguang_east.pk, category="test-lighting", description="3栋电梯困人",
    ))
    assert filed.tracking_code and filed.category == "test-lighting" and filed.status == ComplaintStatusEnum.SUBMITTED

    expected = NoteTransitionRequest(expected_status=ComplaintStatusEnum.SUBMITTED)
    accepted = complaints_accept_create.sync_detailed(filed.id, client=api, body=expected)
    stale = complaints_accept_create.sync_detailed(filed.id, client=api, body=expected)
    assert accepted.status_code == 200 and accepted.parsed.status == ComplaintStatusEnum.ACCEPTED
    assert stale.status_code == 409 and stale.parsed.code == "conflict"

    overview = overview_retrieve.sync(client=api)
    assert overview.rates.received >= 1
