"""Staff jurisdictions in the admin: saved through the service, so the role group follows."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communities.models import StaffProfile
from redproperty.roles import ROLE_GROUPS

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:communities_staffprofile_add")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    response = as_user(district_officer).post(ADD_URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"district", "community"}
    assert not StaffProfile.objects.filter(user=newcomer).exists()
    assert not newcomer.groups.exists()


def test_staff_see_only_profiles_of_their_jurisdiction(world, shuguang_worker, hepinglu_worker, as_user):
    listed = as_user(shuguang_worker).get(reverse("admin:communities_staffprofile_changelist")).context["cl"]
    assert [p.user for p in listed.result_list] == [shuguang_worker]
