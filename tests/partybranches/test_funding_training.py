"""The registers of funds (经费) and training (人才): written through the API and the admin by
those who keep them, scoped, checked, counted without N+1, and summed on the dashboard."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from partybranches.models import Funding, Training
from tests.conftest import in_english

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def fund(community, complex_=None, amount="50000", purpose="renovation", source="district"):
    return Funding.objects.create(community=community, complex=complex_, source=source, amount=Decimal(amount),
                                  purpose=purpose, granted_on=datetime.date(2026, 6, 1), delivered="加装路灯20盏")


def training(community, **counts):
    counts = {"firm_staff": 10, "stewards": 4, "committee_members": 2, **counts}
    return Training.objects.create(community=community, course="红色物业业务培训", held_on=datetime.date(2026, 9, 1),
                                   **counts)


def test_the_subdistrict_records_funds_and_the_community_reads_them(world, taihe_officer, shuguang_worker):
    body = {"community": world.shuguang.pk, "complex": world.shuguang_complex.pk, "source": "district",
            "amount": "120000.00", "purpose": "renovation", "granted_on": "2026-06-01", "delivered": "雨污分流改造"}
    response = api(taihe_officer).post("/api/v1/fundings/", body, format="json")
    assert response.status_code == 201, response.json()
    assert api(shuguang_worker).get("/api/v1/fundings/").json()["results"][0]["amount"] == "120000.00"
    assert api(shuguang_worker).post("/api/v1/fundings/", body, format="json").status_code == 403


@pytest.mark.parametrize("change, field", [
    ({"amount": "0"}, "non_field_errors"),  # the constraint's message: "Enter an amount of more than 0 yuan."
    ({"purpose": "party"}, "purpose"),
    ({"complex": "HELEJU"}, "complex"),  # a complex outside the community (and outside the subdistrict)
])
def test_bad_funds_are_refused(world, district_officer, change, field):
    body = {"community": world.shuguang.pk, "source": "district", "amount": "1000", "purpose": "renovation",
            "granted_on": "2026-06-01", **change}
    if body.get("complex") == "HELEJU":
        body["complex"] = world.heleju.pk
    response = api(district_officer).post("/api/v1/fundings/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not Funding.objects.exists()


def test_the_amount_constraint_says_what_to_do(world):
    with pytest.raises(ValidationError) as exc:
        Funding(community=world.shuguang, source="district", amount=Decimal("-1"), purpose="renovation",
                granted_on=datetime.date(2026, 6, 1)).full_clean()
    assert "more than 0" in str(exc.value) or "0" in str(exc.value)


def test_a_community_records_its_training(world, shuguang_worker):
    body = {"community": world.shuguang.pk, "course": "物业服务标准培训", "held_on": "2026-09-01", "firm_staff": 8,
            "stewards": 3, "committee_members": 0, "attendees": "张三\n李四"}
    response = api(shuguang_worker).post("/api/v1/trainings/", body, format="json")
    assert response.status_code == 201 and response.json()["attendance"] == 11
    response = api(shuguang_worker).post("/api/v1/trainings/", {**body, "firm_staff": 0, "stewards": 0},
                                         format="json")
    assert response.status_code == 400
    assert Training.objects.count() == 1


def test_registers_are_scoped(world, shuguang_worker, hepinglu_worker, juhe_firm_staff):
    theirs_fund, theirs_training = fund(world.hepinglu), training(world.hepinglu)
    mine = fund(world.shuguang)
    client = api(shuguang_worker)
    assert [r["id"] for r in client.get("/api/v1/fundings/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/fundings/{theirs_fund.pk}/").status_code == 404
    assert client.get(f"/api/v1/trainings/{theirs_training.pk}/").status_code == 404
    assert client.get("/api/v1/trainings/").json()["results"] == []
    assert api(juhe_firm_staff).get("/api/v1/fundings/").status_code == 403


@pytest.mark.parametrize("url, make", [
    ("/api/v1/fundings/", lambda w: fund(w.shuguang, w.shuguang_complex)),
    ("/api/v1/trainings/", lambda w: training(w.shuguang)),
])
def test_list_query_count_does_not_grow(world, district_officer, url, make):
    counts = []
    for total in (2, 50):
        while len(counts) * 0 + (Funding.objects.count() if "fundings" in url else Training.objects.count()) < total:
            make(world)
        with CaptureQueriesContext(connection) as queries:
            response = api(type(district_officer).objects.get(pk=district_officer.pk)).get(url, {"page_size": 100})
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    # the user, profile, the user's and the group's permissions, count, rows.
    assert counts == [6, 6]


def test_the_dashboard_sums_funds_and_attendance(world, client, district_officer, shuguang_worker):
    fund(world.shuguang, world.shuguang_complex, amount="50000")
    fund(world.hepinglu, amount="30000", purpose="station", source="subdistrict")
    training(world.shuguang)
    training(world.hepinglu, firm_staff=5)
    client.force_login(district_officer)
    page = in_english(client).get("/dashboard/resources/").content.decode()
    assert 'id="funds-total">80,000.00<' in page and 'id="training-sessions">2<' in page
    client.force_login(shuguang_worker)
    page = client.get("/dashboard/resources/").content.decode()
    assert 'id="funds-total">50,000.00<' in page and 'id="training-sessions">1<' in page


def test_the_admin_keeps_both_registers(world, client, district_officer, shuguang_worker):
    client.force_login(district_officer)
    response = client.post("/admin/partybranches/training/add/", {
        "community": world.shuguang.pk, "course": "业委会履职培训", "held_on": "2026-10-10", "firm_staff": "0",
        "stewards": "0", "committee_members": "9", "attendees": ""})
    assert response.status_code == 302 and Training.objects.get().committee_members == 9
    client.force_login(shuguang_worker)
    assert client.get("/admin/partybranches/funding/add/").status_code == 403
