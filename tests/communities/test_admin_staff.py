"""Staff jurisdictions in the admin: saved through the service, so the role group follows."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communities.models import StaffProfile
from redproperty.roles import ROLE_GROUPS
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:communities_staffprofile_add")


@pytest.fixture
def newcomer(db):
    return get_user_model().objects.create(username="xiaoli")


def profile_form(user, role, **jurisdiction):
    data = {"user": user.pk, "role": role, "district": "", "subdistrict": "", "community": "", "firm": "", "phone": ""}
    data.update({key: value.pk for key, value in jurisdiction.items()})
    return data


def test_a_new_profile_puts_the_user_in_the_role_group(world, district_officer, newcomer, as_user):
    data = profile_form(newcomer, "community", community=world.shuguang)
    data["phone"] = "0871-1234567"
    response = as_user(district_officer).post(ADD_URL, data)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.staff_profile.community == world.shuguang
    assert newcomer.staff_profile.phone == "0871-1234567"
    assert newcomer.is_staff
    assert list(newcomer.groups.values_list("name", flat=True)) == [ROLE_GROUPS["community"]]


def test_changing_the_role_changes_the_group(world, district_officer, shuguang_worker, as_user):
    profile = shuguang_worker.staff_profile
    url = reverse("admin:communities_staffprofile_change", args=[profile.pk])
    response = as_user(district_officer).post(url, profile_form(shuguang_worker, "firm", firm=world.juhe))
    assert response.status_code == 302
    assert StaffProfile.objects.get(pk=profile.pk).firm == world.juhe
    assert list(shuguang_worker.groups.values_list("name", flat=True)) == [ROLE_GROUPS["firm"]]


def test_a_role_with_the_wrong_jurisdiction_is_refused(world, district_officer, newcomer, as_user):
    data = profile_form(newcomer, "district", community=world.shuguang)
    response = in_english(as_user(district_officer)).post(ADD_URL, data)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"district", "community"}
    assert not StaffProfile.objects.filter(user=newcomer).exists()
    assert not newcomer.groups.exists()


def test_staff_see_only_profiles_of_their_jurisdiction(world, shuguang_worker, hepinglu_worker, as_user):
    listed = as_user(shuguang_worker).get(reverse("admin:communities_staffprofile_changelist")).context["cl"]
    assert [p.user for p in listed.result_list] == [shuguang_worker]


def user_page_form(user, **profile):
    """The POST of a user's page (superuser's user admin) with the jurisdiction inline."""
    data = {
        "username": user.username, "first_name": "", "last_name": "", "email": "",
        "is_active": "on", "is_staff": "on", "last_login_0": "", "last_login_1": "",
        "date_joined_0": "2026-11-01", "date_joined_1": "09:00:00",
        "staff_profile-TOTAL_FORMS": 1, "staff_profile-INITIAL_FORMS": 0,
        "staff_profile-MIN_NUM_FORMS": 0, "staff_profile-MAX_NUM_FORMS": 1,
        "staff_profile-0-role": "", "staff_profile-0-district": "", "staff_profile-0-subdistrict": "",
        "staff_profile-0-community": "", "staff_profile-0-firm": "", "staff_profile-0-phone": "",
    }
    data.update({f"staff_profile-0-{key}": value for key, value in profile.items()})
    return data


def test_the_user_page_sets_the_jurisdiction_and_the_group(world, superuser, newcomer, as_user):
    client = as_user(superuser)
    url = reverse("admin:auth_user_change", args=[newcomer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, user_page_form(newcomer, role="subdistrict", subdistrict=world.taihe.pk))
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    newcomer.refresh_from_db()
    assert newcomer.staff_profile.subdistrict == world.taihe
    assert list(newcomer.groups.values_list("name", flat=True)) == [ROLE_GROUPS["subdistrict"]]


def test_the_user_page_refuses_a_role_without_its_jurisdiction(world, superuser, newcomer, as_user):
    response = as_user(superuser).post(reverse("admin:auth_user_change", args=[newcomer.pk]),
                                       user_page_form(newcomer, role="community"))
    assert response.status_code == 200
    assert not StaffProfile.objects.filter(user=newcomer).exists()
    assert not newcomer.groups.exists()
