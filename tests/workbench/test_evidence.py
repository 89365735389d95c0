"""Cross-appointments, inspections, fee collection figures, satisfaction surveys and contracts."""
from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from partybranches.models import CrossAppointment
from properties.models import FeeCollection, Inspection, SatisfactionSurvey
from tests import factories as f
from tests.conftest import in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]



@pytest.fixture
def party(world):
    return f.PartyOrgFactory(community=world.shuguang, name="曙光社区党委")


# ---------------------------------------------------------------------------
# Cross-appointments
# ---------------------------------------------------------------------------
def appointment_data(world, party, **changes):
    data = {"complex": world.shuguang_east.pk, "direction": "to_counterpart", "person_name": "王建国",
            "is_party_member": "on", "party_organization": party.pk, "firm": world.juhe.pk, "owners_committee": "",
            "home_post": "社区党委委员", "appointed_post": "物业项目副经理", "start_date": "2026-11-01"}
    data.update(changes)
    return data


def test_two_way_entry_per_complex_and_the_complexes_lacking_it(world, party, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    assert client.post("/workbench/appointments/new/", appointment_data(world, party)).status_code == 303
    assert {c.name for c in client.get("/workbench/appointments/?two_way=no").context["object_list"]} == {"曙光小区", "曙光东苑"}
    client.post("/workbench/appointments/new/", appointment_data(
        world, party, direction="to_community", person_name="周物业", home_post="物业党支部书记", appointed_post="社区党委兼职委员"))
    assert {c.name for c in client.get("/workbench/appointments/?two_way=no").context["object_list"]} == {"曙光小区"}
    assert {c.name for c in client.get("/workbench/appointments/?two_way=yes").context["object_list"]} == {"曙光东苑"}
    assert '<span class="count">1</span> <span class="label">尚未实现双向进入的小区</span>' in client.get("/workbench/").content.decode()


@pytest.mark.parametrize("changes, field, message", [
    ({"firm": ""}, "firm", "Name exactly one counterpart: a firm or an owners' committee."),
    ({"firm": "", "complex": "X"}, "complex", "Select a valid choice. That choice is not one of the available choices."),
    ({"start_date": "2026-12-01"}, "start_date", "Record an appointment once it has started."),
    ({"person_name": ""}, "person_name", "Give the person's name."),
    ({"direction": ""}, "direction", "Choose which side the person comes from."),
])
def test_appointment_bad_input(changes, field, message, world, party, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/appointments/new/", appointment_data(world, party, **changes))
    assert response.status_code == 400 and message in response.context["form"].errors[field]
    assert not CrossAppointment.objects.exists()


def test_the_firm_must_serve_the_complex(world, party, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/appointments/new/",
                                                         appointment_data(world, party, complex=world.shuguang_complex.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["firm"] == ["The firm must be the one serving the complex."]


def test_ending_an_appointment(world, party, as_user, shuguang_worker):
    appointment = f.CrossAppointmentFactory(complex=world.shuguang_east, firm=world.juhe, party_organization=party)
    url = reverse("workbench:partybranches:appointment_end", args=[appointment.pk])
    client = in_english(as_user(shuguang_worker))
    response = client.post(url, {"end_date": "2023-12-31"})
    assert response.status_code == 400 and response.context["form"].errors["end_date"] == [
        "The end date must be after the start date."]
    response = client.post(url, {"end_date": "2026-11-27"})
    assert response.context["form"].errors["end_date"] == ["End an appointment on or before today."]
    assert client.post(url, {"end_date": "2026-11-25"}).status_code == 303
    appointment.refresh_from_db()
    assert appointment.end_date == datetime.date(2026, 11, 25)


# ---------------------------------------------------------------------------
# Inspections
# ---------------------------------------------------------------------------
def inspection_data(world, **changes):
    data = {"complex": world.shuguang_east.pk, "inspected_on": "2026-11-20", "inspector": "王敏",
            "order_security": "18", "equipment": "17", "cleaning": "19", "greening": "15", "records": "16", "notes": ""}
    data.update(changes)
    return data


def test_an_inspection_is_entered_and_its_firm_is_the_serving_one(world, as_user, shuguang_worker, juhe_firm_staff):
    client = as_user(shuguang_worker)
    page = client.get("/workbench/inspections/new/").content.decode()
    assert "曙光东苑 · 巨和物业" in page
    assert client.post("/workbench/inspections/new/", inspection_data(world)).status_code == 303
    inspection = Inspection.objects.get()
    assert (inspection.total, inspection.history.first().history_user) == (85, shuguang_worker)
    # The firm sees its own results, read-only.
    firm = as_user(juhe_firm_staff)
    assert "王敏" in firm.get("/workbench/inspections/").content.decode()
    assert firm.get("/workbench/inspections/new/").status_code == 403


def test_firm_staff_see_their_own_inspection_results_and_nobody_elses(world, as_user, juhe_firm_staff):
    """巨和物业 has served 曙光东苑 since 2024-01-01: it sees the inspections made there since,
    not one made before its contract (another firm's service) nor one at 和乐居 (和平物业's)."""
    own = f.InspectionFactory(complex=world.shuguang_east, inspected_on=datetime.date(2026, 9, 10), inspector="巨和期间")
    before = f.InspectionFactory(complex=world.shuguang_east, inspected_on=datetime.date(2023, 6, 1), inspector="前任期间")
    other = f.InspectionFactory(complex=world.heleju, inspected_on=datetime.date(2026, 9, 10), inspector="和平物业期间")
    client = as_user(juhe_firm_staff)
    page = client.get("/workbench/inspections/").content.decode()
    assert "巨和期间" in page and "前任期间" not in page and "和平物业期间" not in page
    assert 'id="new-inspection"' not in page
    # Another firm's result is a record that does not exist, in the API as in the admin.
    assert client.get(f"/api/v1/inspections/{own.pk}/").json()["inspector"] == "巨和期间"
    for hidden in (before, other):
        assert client.get(f"/api/v1/inspections/{hidden.pk}/").status_code == 404
        assert client.get(reverse("admin:properties_inspection_change", args=[hidden.pk])).status_code == 302
    assert [row["id"] for row in client.get("/api/v1/inspections/").json()["results"]] == [own.pk]
    # Read-only everywhere: no new inspection, no change to its own.
    assert client.post("/workbench/inspections/new/", inspection_data(world)).status_code == 403
    assert client.patch(f"/api/v1/inspections/{own.pk}/", {"cleaning": 1}, content_type="application/json"
                        ).status_code == 403
    admin_change = client.post(reverse("admin:properties_inspection_change", args=[own.pk]), {"cleaning": "1"})
    assert admin_change.status_code == 403
    own.refresh_from_db()
    assert (own.cleaning, Inspection.objects.count()) == (18, 3)


@pytest.mark.parametrize("changes, field, message", [
    ({"cleaning": "21"}, "cleaning", "At most 20 points."),
    ({"cleaning": "-1"}, "cleaning", "At least 0 points."),
    ({"cleaning": ""}, "cleaning", "Give the points of this item (0 to 20)."),
    ({"cleaning": "9.5"}, "cleaning", "Give a whole number of points."),
    ({"inspected_on": "2026-11-27"}, "inspected_on",
     "An inspection is recorded after it took place: the date cannot be in the future."),
    ({"complex": ""}, "complex", "Choose the residential complex."),
])
def test_inspection_bad_input(changes, field, message, world, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/inspections/new/", inspection_data(world, **changes))
    assert response.status_code == 400 and response.context["form"].errors[field] == [message]
    assert not Inspection.objects.exists()


def test_an_inspection_of_an_out_of_scope_complex_is_refused(world, as_user, shuguang_worker):
    response = as_user(shuguang_worker).post("/workbench/inspections/new/", inspection_data(world, complex=world.heleju.pk))
    assert response.status_code == 400 and not Inspection.objects.exists()


# ---------------------------------------------------------------------------
# Fees
# ---------------------------------------------------------------------------
def fee_row(complex, billed="36000", paid="34200", billed_h="300", paid_h="285", disclosed=True):
    data = {f"c{complex.pk}-billed_amount": billed, f"c{complex.pk}-paid_amount": paid,
            f"c{complex.pk}-billed_households": billed_h, f"c{complex.pk}-paid_households": paid_h}
    if disclosed:
        data[f"c{complex.pk}-is_disclosed"] = "on"
    return data


def test_a_months_figures_for_all_the_communitys_complexes_on_one_page(world, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    page = client.get("/workbench/fees/?month=2026-11").content.decode()
    assert "曙光小区" in page and "曙光东苑" in page and "和乐居" not in page
    response = client.post("/workbench/fees/?month=2026-11", {**fee_row(world.shuguang_complex),
                                                               **fee_row(world.shuguang_east, billed="9000", paid="8000")})
    assert response.status_code == 303 and response["Location"] == "/workbench/fees/?month=2026-11"
    assert FeeCollection.objects.count() == 2
    # Corrected later on the same page: updated, not duplicated.
    client.post("/workbench/fees/?month=2026-11", fee_row(world.shuguang_east, billed="9000", paid="8500"))
    assert FeeCollection.objects.get(complex=world.shuguang_east).paid_amount == Decimal("8500")
    assert FeeCollection.objects.count() == 2
    page = client.get("/workbench/fees/?month=2026-11").content.decode()
    assert 'value="8500.00"' in page


@pytest.mark.parametrize("row, message", [
    ({"paid": "40000"}, "The amount paid cannot exceed the amount billed."),
    ({"paid_h": "301"}, "Households paid cannot exceed households billed."),
    ({"paid": ""}, "Fill in all four figures of the complex, or none."),
    ({"billed": "-5"}, "Ensure this value is greater than or equal to 0."),
])
def test_fee_bad_input_saves_nothing_at_all(row, message, world, as_user, shuguang_worker):
    data = {**fee_row(world.shuguang_complex), **fee_row(world.shuguang_east, **row)}
    response = in_english(as_user(shuguang_worker)).post("/workbench/fees/?month=2026-11", data)
    assert response.status_code == 400 and message in html.unescape(response.content.decode())
    assert not FeeCollection.objects.exists()


def test_fees_for_a_month_not_begun_or_no_figures_are_refused(world, as_user, shuguang_worker):
    client = in_english(as_user(shuguang_worker))
    response = client.post("/workbench/fees/?month=2026-12", fee_row(world.shuguang_complex))
    assert response.status_code == 400 and "Fee figures are entered for a month that has begun." in html.unescape(response.content.decode())
    response = client.post("/workbench/fees/?month=2026-11", {})
    assert response.status_code == 400 and "Fill in the figures of at least one complex." in html.unescape(response.content.decode())
    assert not FeeCollection.objects.exists()


def test_an_out_of_scope_complex_cannot_be_slipped_into_the_fee_page(world, as_user, shuguang_worker):
    response = as_user(shuguang_worker).post("/workbench/fees/?month=2026-11", {**fee_row(world.heleju),
                                                                              **fee_row(world.shuguang_complex)})
    assert response.status_code == 303
    assert list(FeeCollection.objects.values_list("complex__name", flat=True)) == ["曙光小区"]


# ---------------------------------------------------------------------------
# Surveys and contracts
# ---------------------------------------------------------------------------
def test_a_survey_is_entered(world, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    response = client.post("/workbench/surveys/new/", {"complex": world.shuguang_east.pk, "period_start": "2026-07-01",
                                                       "period_end": "2026-09-30", "sample_size": "50", "satisfied": "45"})
    assert response.status_code == 303
    assert "90.0%" in client.get("/workbench/surveys/").content.decode()


@pytest.mark.parametrize("changes, message", [
    ({"satisfied": "51"}, "Satisfied answers cannot exceed the sample size."),
    ({"sample_size": "0"}, "At least one resident must have answered."),
    ({"period_end": "2026-06-30"}, "The period must end after it starts."),
])
def test_survey_bad_input(changes, message, world, as_user, shuguang_worker):
    data = {"complex": world.shuguang_east.pk, "period_start": "2026-07-01", "period_end": "2026-09-30",
            "sample_size": "50", "satisfied": "45", **changes}
    response = in_english(as_user(shuguang_worker)).post("/workbench/surveys/new/", data)
    assert response.status_code == 400 and message in html.unescape(response.content.decode())
    assert not SatisfactionSurvey.objects.exists()


def test_contracts_ending_within_90_days(world, as_user, shuguang_worker):
    world.juhe_contract.end_date = datetime.date(2027, 1, 31)
    world.juhe_contract.save()
    client = as_user(shuguang_worker)
    assert [c.complex for c in client.get("/workbench/contracts/?ending=90").context["object_list"]] == [world.shuguang_east]
    assert '<span class="count">1</span> <span class="label">物业服务合同</span>' in client.get("/workbench/").content.decode()
