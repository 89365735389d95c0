"""Firms and contracts in the admin: bad input gets a clear error and saves nothing."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from communities.services import staff_user_create
from properties.models import ContractStatus, PropertyFirm, ServiceContract
from tests import factories as f
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

FIRM_ADD = reverse("admin:properties_propertyfirm_add")
CONTRACT_ADD = reverse("admin:properties_servicecontract_add")


def firm_form(credit_code, contracts=()):
    data = {
        "name": "春城物业", "credit_code": credit_code, "qualification": "二级", "contact_person": "",
        "contact_phone": "", "address": "", "status": "active",
        # The firm's contracts (read-only), then the rows for new ones.
        "contracts-TOTAL_FORMS": 0, "contracts-INITIAL_FORMS": 0,
        "contracts-MIN_NUM_FORMS": 0, "contracts-MAX_NUM_FORMS": 1000,
        "contracts-2-TOTAL_FORMS": len(contracts), "contracts-2-INITIAL_FORMS": 0,
        "contracts-2-MIN_NUM_FORMS": 0, "contracts-2-MAX_NUM_FORMS": 1000,
    }
    for i, contract in enumerate(contracts):
        data.update({f"contracts-2-{i}-{key}": value for key, value in contract.items()})
    return data


def contract_form(complex, firm, **changes):
    data = {
        "firm": firm.pk, "complex": complex.pk, "start_date": "2026-01-01", "end_date": "2028-12-31",
        "fee_standard": "1.10", "status": "active", "filed_on": "", "exit_reason": "", "ended_on": "",
        "successor": "",
    }
    data.update(changes)
    return data


def errors(response):
    """The form's errors as English text (the page was asked for in English)."""
    with translation.override("en"):
        return {field: [str(e) for e in errs] for field, errs in response.context["adminform"].form.errors.items()}


def test_a_corrupted_credit_code_is_refused(world, district_officer, as_user):
    valid = f.credit_code(4242)
    corrupted = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    client = as_user(district_officer)
    response = in_english(client).post(FIRM_ADD, firm_form(corrupted))
    assert response.status_code == 200
    assert errors(response) == {"credit_code": [
        f"{corrupted} is not a valid unified social credit code (18 characters with a correct check digit)."
    ]}
    assert PropertyFirm.objects.count() == 2

    assert client.post(FIRM_ADD, firm_form(valid)).status_code == 302
    assert PropertyFirm.objects.filter(credit_code=valid).exists()


def test_a_credit_code_already_registered_is_refused(world, district_officer, as_user):
    response = as_user(district_officer).post(FIRM_ADD, firm_form(world.juhe.credit_code))
    assert response.status_code == 200
    assert "credit_code" in errors(response)
    assert PropertyFirm.objects.count() == 2


def test_a_second_active_contract_for_a_complex_is_refused(world, district_officer, as_user):
    client = as_user(district_officer)
    response = in_english(client).post(CONTRACT_ADD, contract_form(world.shuguang_east, world.other_firm))
    assert response.status_code == 200
    assert errors(response) == {"__all__": ["This complex already has an active service contract."]}
    assert ServiceContract.objects.count() == 2

    # An ended contract of the same complex is history, not a second serving contract.
    ended = contract_form(world.shuguang_east, world.other_firm, status=ContractStatus.ENDED,
                          start_date="2020-01-01", end_date="2023-12-31")
    assert client.post(CONTRACT_ADD, ended).status_code == 302
    assert ServiceContract.objects.count() == 3


def test_a_contract_ending_before_it_starts_is_refused(world, district_officer, as_user):
    data = contract_form(world.shuguang_complex, world.juhe, start_date="2026-06-01", end_date="2026-01-01")
    response = in_english(as_user(district_officer)).post(CONTRACT_ADD, data)
    assert response.status_code == 200
    assert errors(response)["end_date"] == ["The end date must be after the start date."]
    assert ServiceContract.objects.count() == 2


def test_a_termination_without_a_reason_is_refused(world, district_officer, as_user):
    url = reverse("admin:properties_servicecontract_change", args=[world.juhe_contract.pk])
    data = contract_form(world.shuguang_east, world.juhe, status=ContractStatus.TERMINATED, start_date="2024-01-01")
    response = in_english(as_user(district_officer)).post(url, data)
    assert response.status_code == 200
    assert errors(response)["exit_reason"] == ["A terminated contract needs an exit reason."]
    world.juhe_contract.refresh_from_db()
    assert world.juhe_contract.status == ContractStatus.ACTIVE


def test_two_new_active_contracts_for_one_complex_on_the_firm_page_are_refused(world, district_officer, as_user):
    contract = {"complex": world.shuguang_complex.pk, "start_date": "2026-01-01", "end_date": "",
                "fee_standard": "1.00", "status": "active", "filed_on": ""}
    response = in_english(as_user(district_officer)).post(
        FIRM_ADD, firm_form(f.credit_code(4243), [contract, contract])
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    with translation.override("en"):
        assert [str(e) for e in formset.non_form_errors()] == ["This complex already has an active service contract."]
    assert PropertyFirm.objects.count() == 2
    assert ServiceContract.objects.count() == 2


def test_a_firm_is_registered_with_its_contract_on_one_page(world, district_officer, as_user):
    contract = {"complex": world.shuguang_complex.pk, "start_date": "2026-01-01", "end_date": "",
                "fee_standard": "1.00", "status": "active", "filed_on": ""}
    client = as_user(district_officer)
    assert client.post(FIRM_ADD, firm_form(f.credit_code(4244), [contract])).status_code == 302
    firm = PropertyFirm.objects.get(credit_code=f.credit_code(4244))
    assert firm.contracts.get().complex == world.shuguang_complex
    # The complex list now names the firm as the complex's current firm.
    page = client.get(reverse("admin:communities_residentialcomplex_changelist"), {"q": "曙光小区"})
    assert "春城物业" in page.content.decode()


def test_community_workers_cannot_register_firms(world, shuguang_worker, as_user):
    response = as_user(shuguang_worker).post(FIRM_ADD, firm_form(f.credit_code(4245)))
    assert response.status_code == 403
    assert PropertyFirm.objects.count() == 2


def test_the_firm_page_lists_its_contracts_without_a_query_per_contract(
    world, district_officer, as_user, django_assert_max_num_queries
):
    url = reverse("admin:properties_propertyfirm_change", args=[world.juhe.pk])
    client = as_user(district_officer)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(20):
        f.ContractFactory(firm=world.juhe, complex=f.ComplexFactory(community=world.shuguang))
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 21


def test_contracts_are_put_under_exit_review_with_a_reason(world, district_officer, as_user):
    client = as_user(district_officer)
    url = reverse("admin:properties_servicecontract_changelist")
    selection = {"action": "put_under_exit_review", "_selected_action": [world.juhe_contract.pk]}
    # First the page asking for the reason; an empty reason asks again.
    for data in (selection, {**selection, "apply": "1", "reason": ""}):
        response = in_english(client).post(url, data)
        assert response.status_code == 200
        assert "巨和物业 @ 曙光东苑" in response.content.decode()
    world.juhe_contract.refresh_from_db()
    assert world.juhe_contract.status == ContractStatus.ACTIVE

    response = in_english(client).post(url, {**selection, "apply": "1", "reason": "两个季度考评不合格"},
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == ["1 contract put under exit review."]
    world.juhe_contract.refresh_from_db()
    assert (world.juhe_contract.status, world.juhe_contract.exit_reason) == (ContractStatus.EXIT_REVIEW, "两个季度考评不合格")
    assert world.juhe_contract.history.first().history_user == district_officer
    world.heleju_contract.refresh_from_db()
    assert world.heleju_contract.status == ContractStatus.ACTIVE


def test_exit_review_cannot_reach_an_out_of_scope_contract(world, as_user):
    panlong = f.DistrictFactory(code="530103", name="盘龙区")
    other_district_officer = staff_user_create(username="panlong", password="x", role="district", jurisdiction=panlong)
    response = in_english(as_user(other_district_officer)).post(reverse("admin:properties_servicecontract_changelist"), {
        "action": "put_under_exit_review", "_selected_action": [world.juhe_contract.pk],
        "apply": "1", "reason": "越权",
    }, follow=True)
    # The action ran on the contracts this officer may see among those named: none.
    assert [str(m) for m in response.context["messages"]] == ["0 contracts put under exit review."]
    assert not ServiceContract.objects.filter(status=ContractStatus.EXIT_REVIEW).exists()


def test_firm_staff_have_no_exit_review_action(world, juhe_firm_staff, as_user):
    response = as_user(juhe_firm_staff).get(reverse("admin:properties_servicecontract_changelist"))
    assert "put_under_exit_review" not in response.content.decode()
