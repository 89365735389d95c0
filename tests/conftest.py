"""Shared fixtures: a small Guandu world and the named personas who use it.

- district_officer: district staff of 官渡区 (sees everything in the district)
- taihe_officer:    太和街道 staff (sees 曙光社区, not 和平路社区 which is in 金马街道)
- shuguang_worker:  曙光社区 worker
- hepinglu_worker:  和平路社区 worker
- juhe_firm_staff:  巨和物业 staff (serves 曙光小区 only)
- outsider:         a logged-in user with no staff profile (sees nothing)
"""
from __future__ import annotations

import datetime
import os
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

from communities.services import staff_user_create
from tests import factories as f

PASSWORD = "test-pass-2026"

# Property tests check what is computed, not how fast: on a machine shared by several test runs
# hypothesis's default 200 ms deadline per example fails pure functions at random.
hypothesis_settings.register_profile("redproperty", deadline=None)
hypothesis_settings.load_profile("redproperty")


@pytest.fixture(scope="session", autouse=True)
def _suite_clock():
    """With SUITE_NOW set (an ISO instant, e.g. 2026-11-30T16:30:00Z) the whole run starts at that
    instant and the clock ticks on from there: how tests/test_clock.py runs the date-dependent
    tests at the stroke of a month in Shanghai. Unset (the usual run): the real clock."""
    instant = os.environ.get("SUITE_NOW")
    if not instant:
        yield None
        return
    with time_machine.travel(datetime.datetime.fromisoformat(instant), tick=True) as traveller:
        yield traveller


@pytest.fixture
def reference_data(db):
    """The rows the data migrations write (role groups, categories, the default scheme), back if
    a transactional test that ran earlier on this worker flushed them."""
    from django.contrib.auth.models import Group

    if not Group.objects.exists():
        from tests.api.test_schemathesis import seed_reference_data

        seed_reference_data()
    from django_celery_beat.models import PeriodicTask

    if not PeriodicTask.objects.exists():
        seed_schedules()


def seed_schedules():
    """The beat schedules the data migrations write, back after a flush (idempotent: they
    update or create by name), on the migrations' own app registry as in `migrate`."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    state_apps = MigrationExecutor(connection).loader.project_state().apps
    for module, function in (("redproperty.migrations.0002_schedules", "create_schedules"),
                             ("redproperty.migrations.0003_election_schedule", "create"),
                             ("redproperty.migrations.0005_close_unrated_schedule_name", "rename"),
                             ("redproperty.migrations.0006_pipl_retention_schedule", "create"),
                             ("dashboard.migrations.0002_refresh_schedule", "create_schedule"),
                             ("properties.migrations.0010_exit_schedule", "create"),
                             ("communities.migrations.0009_mediation_schedule", "create"),
                             ("complaints.migrations.0012_referral_role_groups_and_schedule", "create"),
                             ("partybranches.migrations.0006_application_role_groups_and_schedule", "create")):
        getattr(importlib.import_module(module), function)(state_apps, None)


@pytest.fixture(autouse=True)
def _reference_data_everywhere(request):
    """Every test with a database starts with the data migrations' rows: on PostgreSQL a
    transactional test earlier on the worker flushes them, whatever fixtures come next."""
    if {"db", "transactional_db", "live_server", "django_db_setup"} & set(request.fixturenames) or \
            request.node.get_closest_marker("django_db"):
        request.getfixturevalue("reference_data")


@pytest.fixture
def world(db):
    guandu = f.DistrictFactory(code="530111", name="官渡区")
    taihe = f.SubdistrictFactory(district=guandu, code="530111002", name="太和街道")
    jinma = f.SubdistrictFactory(district=guandu, code="530111004", name="金马街道")
    shuguang = f.CommunityFactory(subdistrict=taihe, code="530111002001", name="曙光社区")
    hepinglu = f.CommunityFactory(subdistrict=jinma, code="530111004002", name="和平路社区")
    shuguang_complex = f.ComplexFactory(
        community=shuguang, name="曙光小区", complex_type="old", management_mode="community_hosted", households=420
    )
    shuguang_east = f.ComplexFactory(community=shuguang, name="曙光东苑", households=180)
    heleju = f.ComplexFactory(community=hepinglu, name="和乐居", complex_type="old", households=260)
    juhe = f.FirmFactory(name="巨和物业", credit_code=f.credit_code(9001))
    other_firm = f.FirmFactory(name="和平物业", credit_code=f.credit_code(9002))
    juhe_contract = f.ContractFactory(firm=juhe, complex=shuguang_east, fee_standard=Decimal("0.80"))
    heleju_contract = f.ContractFactory(firm=other_firm, complex=heleju, fee_standard=Decimal("0.60"))
    return SimpleNamespace(
        guandu=guandu, taihe=taihe, jinma=jinma, shuguang=shuguang, hepinglu=hepinglu,
        shuguang_complex=shuguang_complex, shuguang_east=shuguang_east, heleju=heleju,
        juhe=juhe, other_firm=other_firm, juhe_contract=juhe_contract, heleju_contract=heleju_contract,
    )


def _staff(username, role, jurisdiction):
    return staff_user_create(username=username, password=PASSWORD, role=role, jurisdiction=jurisdiction)


@pytest.fixture
def district_officer(world):
    return _staff("zhang", "district", world.guandu)


@pytest.fixture
def taihe_officer(world):
    return _staff("taihe", "subdistrict", world.taihe)


@pytest.fixture
def shuguang_worker(world):
    return _staff("li", "community", world.shuguang)


@pytest.fixture
def hepinglu_worker(world):
    return _staff("wangmin", "community", world.hepinglu)


@pytest.fixture
def juhe_firm_staff(world):
    return _staff("juhe_desk", "firm", world.juhe)


@pytest.fixture
def outsider(db, django_user_model):
    return django_user_model.objects.create_user(username="outsider", password=PASSWORD, is_staff=True)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(username="root", password=PASSWORD, email="root@example.org")


@pytest.fixture
def as_user(client):
    """`as_user(user)` returns the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def today():
    return datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def celery_eager():
    """Celery tasks run in-process unless a test asks for a real worker (see tests marked `broker`)."""
    from redproperty.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The production hasher costs ~0.5 s per persona; tests need no strength. The production
    hasher stays listed second, so hashes made with it (the demo accounts) still verify."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def in_english(client):
    """The client with English chosen, as the language switch does (pages are Chinese otherwise)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def pytest_collection_modifyitems(items):
    """Every transactional test restores the database it started from (serialized rollback). A
    flush without it runs post_migrate, which re-creates the content types under new ids, and
    the next serialized test on that worker then fails to restore its own (UNIQUE constraint
    on django_content_type)."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None or "django_db_serialized_rollback" in names:
            continue
        marker = item.get_closest_marker("django_db")
        if {"transactional_db", "live_server"} & set(names) or (marker and marker.kwargs.get("transaction")):
            names.append("django_db_serialized_rollback")
