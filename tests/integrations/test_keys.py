"""Integrator accounts and API keys: made by district staff in the admin within their own
jurisdiction and rights, shown once, stored hashed, revocable, last use recorded; personal keys
from the token endpoint expire; the clear tokens of before are hashed by a migration."""
import datetime
import importlib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token

from communities.models import StaffRole
from integrations.models import ApiKey, Integrator, key_digest
from integrations.services import api_key_create, integrator_create
from redproperty.roles import INTEGRATOR_GROUPS
from tests import factories as f
from tests.conftest import PASSWORD, in_english

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/integrations/integrator/add/"


def add_integrator(client, **fields):
    return client.post(ADD_URL, {"name": "12345 hotline", "contact": "王工 0871-12345", "scope": "read_write",
                                 "district": "", "subdistrict": "", "community": "", "firm": "", **fields})


def test_district_staff_make_an_integrator_within_their_district(world, district_officer, as_user):
    response = add_integrator(in_english(as_user(district_officer)), district=world.guandu.pk)

    assert response.status_code == 302, response.content.decode()[:2000]
    integrator = Integrator.objects.get(name="12345 hotline")
    user = integrator.user
    assert not user.is_staff and not user.has_usable_password()  # no page to log in to
    assert user.staff_profile.role == StaffRole.DISTRICT and user.staff_profile.district == world.guandu
    assert list(user.groups.values_list("name", flat=True)) == [INTEGRATOR_GROUPS["read_write"]]
    assert integrator.created_by == district_officer


def test_another_districts_jurisdiction_cannot_be_chosen(world, district_officer, as_user):
    elsewhere = f.DistrictFactory(code="530102", name="五华区")
    response = add_integrator(in_english(as_user(district_officer)), district=elsewhere.pk)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Integrator.objects.exists()


def test_staff_never_give_more_rights_than_they_hold(world, taihe_officer, as_user):
    taihe_officer.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="integrations", codename__in=["add_integrator", "view_integrator", "change_integrator"]))
    client = in_english(as_user(taihe_officer))

    too_much = add_integrator(client, subdistrict=world.taihe.pk, scope="read")  # subdistricts cannot read schemes
    outside = add_integrator(client, district=world.guandu.pk, scope="submit")
    fine = add_integrator(client, subdistrict=world.taihe.pk, scope="submit")

    assert "You cannot give an integrator more rights than you hold." in too_much.content.decode()
    assert outside.status_code == 200 and "The jurisdiction must lie within your own." in outside.content.decode()
    assert fine.status_code == 302
    assert Integrator.objects.get().user.staff_profile.subdistrict == world.taihe
    with pytest.raises(PermissionDenied):
        integrator_create(actor=taihe_officer, name="x", scope="read_write", jurisdiction=world.taihe)


def test_other_roles_cannot_open_integrators(world, shuguang_worker, juhe_firm_staff, as_user):
    for user in (shuguang_worker, juhe_firm_staff):
        assert as_user(user).get("/admin/integrations/integrator/").status_code == 403


def test_a_key_is_shown_once_and_stored_hashed(world, district_officer, as_user, api_as):
    integrator = integrator_create(actor=district_officer, name="数据组", scope="read", jurisdiction=world.taihe)
    client = in_english(as_user(district_officer))
    url = f"/admin/integrations/integrator/{integrator.pk}/new-key/"

    form = client.get(url)
    made = client.post(url, {"name": "nightly pull"})
    key = made.context["key"]
    change_page = client.get(f"/admin/integrations/integrator/{integrator.pk}/change/").content.decode()
    key_list = client.get("/admin/integrations/apikey/").content.decode()

    assert form.status_code == 200 and "key" not in form.context
    assert made.status_code == 200 and key in made.content.decode() and "no-store" in made["Cache-Control"]
    row = ApiKey.objects.get(user=integrator.user)
    assert row.digest == key_digest(key) and row.prefix == key[:10] and row.name == "nightly pull"
    assert key not in change_page and key not in key_list and row.prefix in key_list
    listed = api_as(None).get("/api/v1/complaints/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert listed.status_code == 200


def test_staff_cannot_make_keys_for_integrators_outside_their_jurisdiction(world, district_officer, shuguang_worker,
                                                                           superuser):
    hepinglu = integrator_create(actor=superuser, name="和平路 WeChat", scope="submit", jurisdiction=world.hepinglu)
    with pytest.raises(PermissionDenied):
        api_key_create(actor=shuguang_worker, user=hepinglu.user)
    with pytest.raises(PermissionDenied):
        api_key_create(actor=district_officer, user=superuser)  # never for a more powerful user
    assert api_key_create(actor=district_officer, user=hepinglu.user)[1]


def test_drf_token_admin_is_gone(world, superuser, as_user):
    assert as_user(superuser).get("/admin/authtoken/tokenproxy/").status_code == 404


def test_revoking_in_the_admin_stops_the_key(world, district_officer, as_user, api_as):
    key = f.integrator_key(world.guandu, "read")
    row = ApiKey.objects.get(digest=key_digest(key))
    assert api_as(None).get("/api/v1/districts/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    response = as_user(district_officer).post("/admin/integrations/apikey/", {
        "action": "revoke", "_selected_action": [row.pk]})

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == district_officer
    assert row.last_used_at is not None
    assert api_as(None).get("/api/v1/districts/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_scopes_decide_what_a_key_does_and_the_jurisdiction_where(world, api_as):
    f.CategoryFactory(code="lighting")
    mine = f.ComplaintFactory(complex=world.shuguang_complex)
    f.ComplaintFactory(complex=world.heleju)
    reader = api_as(None)
    reader.credentials(HTTP_AUTHORIZATION=f"Token {f.integrator_key(world.shuguang, 'read')}")
    submitter = api_as(None)
    submitter.credentials(HTTP_AUTHORIZATION=f"Token {f.integrator_key(world.shuguang, 'submit')}")
    body = {"complex": world.shuguang_complex.pk, "category": "lighting", "description": "灯坏了"}

    listed = reader.get("/api/v1/complaints/")
    assert [c["id"] for c in listed.json()["results"]] == [mine.pk]
    assert reader.post("/api/v1/complaints/", body, format="json").status_code == 403
    assert reader.get(f"/api/v1/complaints/{mine.pk}/").json()["reporter_phone"] != "13812345678"
    assert submitter.get("/api/v1/complaints/").status_code == 403
    assert submitter.post("/api/v1/complaints/", body, format="json").status_code == 201
    other = {**body, "complex": world.heleju.pk}
    assert submitter.post("/api/v1/complaints/", other, format="json").status_code == 400


def test_personal_keys_from_the_token_endpoint_expire(world, shuguang_worker, api_as, settings):
    settings.API_TOKEN_HOURS = 24
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=datetime.timezone.utc), tick=False):
        key = api_as(None).post("/api/v1/auth/token/", {"username": "li", "password": PASSWORD},
                                format="json").json()["token"]
        assert api_as(None).get("/api/v1/districts/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 1, tzinfo=datetime.timezone.utc), tick=False):
        assert api_as(None).get("/api/v1/districts/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_the_migration_hashes_the_clear_tokens_of_before(world, shuguang_worker, api_as):
    token = Token.objects.create(user=shuguang_worker)
    migration = importlib.import_module("integrations.migrations.0002_role_groups_and_hashed_tokens")

    migration.hash_clear_tokens(django_apps, None)

    assert not Token.objects.exists()
    assert ApiKey.objects.get(digest=key_digest(token.key)).user == shuguang_worker
    assert api_as(None).get("/api/v1/districts/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
