"""One masking rule for a reporter's personal data in every door (issue 9.3): phone and e-mail
masked for everyone, an anonymous reporter's name withheld from anyone without the contact
permission (firm staff), the full contacts revealed only with the permission and each reveal
recorded with who and when; exports, Open311 and log lines carry no contacts in clear."""
from __future__ import annotations

import io
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from complaints.models import Action
from complaints.services import complaint_submit
from redproperty.logredact import RedactSecretsFilter
from redproperty.privacy import mask_email, mask_phone, mask_text
from tests import factories as f
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

PHONE, EMAIL, NAME = "13812345678", "li.ayi@example.org", "李阿姨"
MASKED_PHONE, MASKED_EMAIL = "138****5678", "l***@example.org"


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def complaint(world):
    category = f.CategoryFactory(code="lighting", name="楼道照明")
    # In 曙光东苑, served by 巨和物业 (juhe): the firm handles it, the community oversees it.
    return complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                            reporter_name=NAME, reporter_phone=PHONE, reporter_email=EMAIL, is_anonymous=True)


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_the_rule_itself():
    assert mask_phone(PHONE) == MASKED_PHONE and mask_phone("") == ""
    assert mask_email(EMAIL) == MASKED_EMAIL and mask_email("") == ""
    assert mask_text(f"call {PHONE} or +86 139 1234 5678, mail {EMAIL}") == (
        f"call {MASKED_PHONE} or 139****5678, mail {MASKED_EMAIL}")


@pytest.mark.parametrize("persona", ["juhe_firm_staff", "shuguang_worker", "district_officer"])
def test_api_search_by_code_never_shows_contacts_in_clear(complaint, persona, request):
    user = request.getfixturevalue(persona)
    [row] = api(user).get("/api/v1/complaints/", {"search": complaint.tracking_code}).json()["results"]

    assert row["reporter_email"] == MASKED_EMAIL and row["reporter_phone"] == MASKED_PHONE
    # The anonymous reporter's name: only holders of the contact permission see it.
    assert row["reporter_name"] == ("" if persona == "juhe_firm_staff" else NAME)
    assert PHONE not in str(row) and EMAIL not in str(row)


def test_api_reveal_needs_the_permission_and_is_recorded(complaint, juhe_firm_staff, shuguang_worker):
    url = f"/api/v1/complaints/{complaint.pk}/reveal-phone/"
    assert api(juhe_firm_staff).post(url).status_code == 403
    assert not complaint.events.filter(action=Action.REVEAL_PHONE).exists()

    revealed = api(shuguang_worker).post(url)
    assert revealed.status_code == 200
    assert revealed.json() == {"reporter_phone": PHONE, "reporter_email": EMAIL}
    event = complaint.events.get(action=Action.REVEAL_PHONE)
    assert event.actor == shuguang_worker and event.created_at is not None and not event.is_public


def test_admin_masks_for_everyone_and_reveals_with_a_record(complaint, as_user, juhe_firm_staff, shuguang_worker):
    change = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    reveal = reverse("admin:complaints_complaint_reveal_phone", args=[complaint.pk])

    firm_page = in_english(as_user(juhe_firm_staff)).get(change).content.decode()
    assert MASKED_EMAIL in firm_page and EMAIL not in firm_page and PHONE not in firm_page
    assert NAME not in firm_page
    assert as_user(juhe_firm_staff).post(reveal).status_code == 403

    worker = as_user(shuguang_worker)
    page = worker.get(change).content.decode()
    assert MASKED_EMAIL in page and EMAIL not in page and PHONE not in page and NAME in page
    shown = worker.post(reveal).content.decode()
    assert PHONE in shown and EMAIL in shown
    assert complaint.events.get(action=Action.REVEAL_PHONE).actor == shuguang_worker


def test_workbench_masks_and_reveals_both_contacts_with_a_record(complaint, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    detail = reverse("workbench:complaints:detail", args=[complaint.pk])
    page = client.get(detail).content.decode()
    assert MASKED_EMAIL in page and EMAIL not in page and PHONE not in page

    fragment = client.post(reverse("workbench:complaints:reveal_phone", args=[complaint.pk]),
                           HTTP_HX_REQUEST="true").content.decode()
    assert PHONE in fragment and EMAIL in fragment and 'hx-swap-oob="true"' in fragment
    assert complaint.events.filter(action=Action.REVEAL_PHONE, actor=shuguang_worker).count() == 1


def test_open311_with_a_key_shows_no_contacts(complaint, world, client):
    key = f.integrator_key(world.guandu, "read_write")
    for fmt in ("json", "xml"):
        body = client.get(f"/open311/v2/requests/{complaint.tracking_code}.{fmt}", {"api_key": key}).content.decode()
        assert complaint.tracking_code in body
        assert PHONE not in body and EMAIL not in body and NAME not in body


def test_the_dashboard_export_carries_no_contacts(complaint, as_user, district_officer):
    response = as_user(district_officer).get("/dashboard/export/complaints/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = " ".join(str(cell) for row in load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
                     .iter_rows(values_only=True) for cell in row)
    assert complaint.tracking_code in cells
    assert PHONE not in cells and EMAIL not in cells and NAME not in cells and MASKED_PHONE not in cells


def test_log_lines_carry_contacts_masked():
    record = logging.LogRecord("complaints", logging.INFO, __file__, 1, "SMS to %s (%s) failed", (PHONE, EMAIL), None)
    assert RedactSecretsFilter().filter(record)
    assert record.getMessage() == f"SMS to {MASKED_PHONE} ({MASKED_EMAIL}) failed"
