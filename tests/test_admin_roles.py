"""Scoping in the admin, role by role: lists, change pages, form choices and autocomplete.

The world (tests/conftest.py): 太和街道 › 曙光社区 › 曙光小区 and 曙光东苑 (served by 巨和物业);
金马街道 › 和平路社区 › 和乐居 (served by 和平物业).
"""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import OwnersCommittee, ResidentialComplex
from properties.models import Inspection
from redproperty.roles import ROLE_GROUPS
from tests import factories as f
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

ROLES = ["district_officer", "taihe_officer", "shuguang_worker", "hepinglu_worker", "juhe_firm_staff"]

# Complexes each role may see, list, open and pick.
VISIBLE_COMPLEXES = {
    "district_officer": {"曙光小区", "曙光东苑", "和乐居"},
    "taihe_officer": {"曙光小区", "曙光东苑"},
    "shuguang_worker": {"曙光小区", "曙光东苑"},
    "hepinglu_worker": {"和乐居"},
    "juhe_firm_staff": {"曙光东苑"},
}
ALL_COMPLEXES = {"曙光小区", "曙光东苑", "和乐居"}


@pytest.fixture
def persona(request, world):
    return request.getfixturevalue(request.param)


def names(objects):
    return {str(o) for o in objects}


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_complex_list_shows_only_the_role_jurisdiction(persona, as_user):
    response = as_user(persona).get(reverse("admin:communities_residentialcomplex_changelist"))
    assert response.status_code == 200
    expected = VISIBLE_COMPLEXES[_role_of(persona)]
    assert names(response.context["cl"].result_list) == expected
    for hidden in ALL_COMPLEXES - expected:
        assert hidden not in response.content.decode()


def _role_of(user):
    profile = user.staff_profile
    return {
        ("district", "官渡区"): "district_officer",
        ("subdistrict", "太和街道"): "taihe_officer",
        ("community", "曙光社区"): "shuguang_worker",
        ("community", "和平路社区"): "hepinglu_worker",
        ("firm", "巨和物业"): "juhe_firm_staff",
    }[(profile.role, str(profile.jurisdiction))]


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_change_page_of_an_out_of_scope_complex_behaves_like_a_missing_one(persona, world, as_user):
    client = as_user(persona)
    for complex in ResidentialComplex.objects.all():
        response = in_english(client).get(reverse("admin:communities_residentialcomplex_change", args=[complex.pk]),
                              follow=True)
        if complex.name in VISIBLE_COMPLEXES[_role_of(persona)]:
            assert response.redirect_chain == []
            assert response.context["original"] == complex
        else:
            assert response.redirect_chain == [(reverse("admin:index"), 302)]
            assert [str(m) for m in response.context["messages"]] == [
                f"residential complex with ID “{complex.pk}” doesn’t exist. Perhaps it was deleted?"
            ]


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_autocomplete_offers_only_in_scope_complexes(persona, as_user):
    response = as_user(persona).get(
        reverse("admin:autocomplete"),
        {"app_label": "properties", "model_name": "servicecontract", "field_name": "complex", "term": ""},
    )
    assert response.status_code == 200
    assert {row["text"] for row in response.json()["results"]} == VISIBLE_COMPLEXES[_role_of(persona)]


@pytest.mark.parametrize("persona", ROLES, indirect=True)
def test_autocomplete_search_does_not_reach_out_of_scope_records(persona, as_user):
    response = as_user(persona).get(
        reverse("admin:autocomplete"),
        {"app_label": "properties", "model_name": "servicecontract", "field_name": "firm", "term": "物业"},
    )
    firms = {row["text"] for row in response.json()["results"]}
    expected = {
        "district_officer": {"巨和物业", "和平物业"},
        "taihe_officer": {"巨和物业"},
        "shuguang_worker": {"巨和物业"},
        "hepinglu_worker": {"和平物业"},
        "juhe_firm_staff": {"巨和物业"},
    }[_role_of(persona)]
    assert firms == expected


# Who may add an inspection: district, subdistrict and community staff (not firm staff).
@pytest.mark.parametrize("persona", ["district_officer", "taihe_officer", "shuguang_worker", "hepinglu_worker"],
                         indirect=True)
def test_add_form_offers_only_in_scope_complexes(persona, as_user):
    response = as_user(persona).get(reverse("admin:properties_inspection_add"))
    assert response.status_code == 200
    choices = response.context["adminform"].form.fields["complex"].queryset
    assert names(choices) == VISIBLE_COMPLEXES[_role_of(persona)]


def test_firm_staff_cannot_add_inspections(juhe_firm_staff, as_user):
    assert as_user(juhe_firm_staff).get(reverse("admin:properties_inspection_add")).status_code == 403


def test_a_record_cannot_be_attached_to_an_out_of_scope_complex(world, shuguang_worker, as_user):
    data = {
        "complex": world.heleju.pk, "inspected_on": "2026-09-10", "inspector": "李",
        "order_security": 18, "equipment": 17, "cleaning": 18, "greening": 16, "records": 17, "notes": "",
    }
    client = as_user(shuguang_worker)
    response = client.post(reverse("admin:properties_inspection_add"), data)
    assert response.status_code == 200
    assert "complex" in response.context["adminform"].form.errors
    assert not Inspection.objects.exists()

    # The same form for the worker's own complex saves.
    data["complex"] = world.shuguang_complex.pk
    assert client.post(reverse("admin:properties_inspection_add"), data).status_code == 302
    assert Inspection.objects.get().complex == world.shuguang_complex


def test_a_record_cannot_be_moved_to_an_out_of_scope_complex(world, hepinglu_worker, as_user):
    committee = f.CommitteeFactory(complex=world.heleju)
    response = as_user(hepinglu_worker).get(reverse("admin:communities_ownerscommittee_change", args=[committee.pk]))
    assert names(response.context["adminform"].form.fields["complex"].queryset) == {"和乐居"}


def test_related_list_filters_offer_only_in_scope_choices(world, taihe_officer, as_user):
    f.ComplexFactory(community=f.CommunityFactory(subdistrict=world.taihe, name="幸福邻里社区"))
    response = as_user(taihe_officer).get(reverse("admin:communities_residentialcomplex_changelist"))
    changelist = response.context["cl"]
    [community_filter] = [spec for spec in changelist.filter_specs if getattr(spec, "field_path", None) == "community"]
    assert [choice["display"] for choice in community_filter.choices(changelist)][1:] == ["曙光社区", "幸福邻里社区"]
    assert "和平路社区" not in response.content.decode()
    assert "金马街道" not in response.content.decode()


def test_firm_staff_see_only_their_own_contracts_and_firm(world, juhe_firm_staff, as_user):
    client = as_user(juhe_firm_staff)
    contracts = client.get(reverse("admin:properties_servicecontract_changelist")).context["cl"].result_list
    assert list(contracts) == [world.juhe_contract]
    firms = client.get(reverse("admin:properties_propertyfirm_changelist")).context["cl"].result_list
    assert names(firms) == {"巨和物业"}


def test_a_user_without_a_jurisdiction_sees_nothing(world, outsider, as_user):
    client = as_user(outsider)
    url = reverse("admin:communities_residentialcomplex_changelist")
    # No role group: no admin page at all.
    assert client.get(url).status_code == 403
    # Given a role's permissions but no staff profile: an empty list, no choices.
    outsider.groups.add(Group.objects.get(name=ROLE_GROUPS["community"]))
    response = client.get(url)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    autocomplete = client.get(reverse("admin:autocomplete"), {
        "app_label": "properties", "model_name": "inspection", "field_name": "complex", "term": "",
    })
    assert autocomplete.json()["results"] == []
    form = client.get(reverse("admin:properties_inspection_add")).context["adminform"].form
    assert not form.fields["complex"].queryset.exists()


def test_history_of_an_out_of_scope_record_is_not_shown(world, shuguang_worker, hepinglu_worker, as_user):
    committee = f.CommitteeFactory(complex=world.heleju)
    url = reverse("admin:communities_ownerscommittee_history", args=[committee.pk])
    assert as_user(hepinglu_worker).get(url).status_code == 200
    assert as_user(shuguang_worker).get(url).status_code == 404
    version = committee.history.first().history_id
    version_url = reverse("admin:communities_ownerscommittee_simple_history", args=[committee.pk, version])
    assert as_user(shuguang_worker).get(version_url).status_code == 404
    # Reverting through the history form is refused too: nothing changes.
    as_user(shuguang_worker).post(version_url, {"complex": world.heleju.pk, "term_start": "2024-03-01",
                                                "term_end": "2025-03-01", "status": "active"})
    committee.refresh_from_db()
    assert committee.term_end.year == 2029
    assert OwnersCommittee.objects.count() == 1


@pytest.mark.parametrize("source, target_factory", [
    (("partybranches", "crossappointment", "owners_committee"), lambda c: f.CommitteeFactory(complex=c)),
    (("properties", "servicecontract", "successor"), lambda c: f.ContractFactory(complex=c)),
])
def test_autocomplete_answers_cost_the_same_for_1_and_10_records(source, target_factory, world, district_officer,
                                                                  as_user):
    app_label, model_name, field_name = source
    client = as_user(district_officer)
    url = reverse("admin:autocomplete")
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""}
    counts = []
    for rows in (1, 9):
        for _ in range(rows):
            target_factory(f.ComplexFactory(community=world.shuguang))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        counts.append((len(queries), len(response.json()["results"])))
    assert counts[0][0] == counts[1][0]
    assert counts[1][1] >= 10
