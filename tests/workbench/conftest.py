"""Fixtures of the workbench tests: the personas by the names the issue uses, and records in
曙光社区 (曙光小区, 曙光东苑 served by 巨和物业) and in 和平路社区 (和乐居)."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from complaints.services import complaint_submit
from tests import factories as f

ROLES = ("shuguang", "hepinglu", "taihe", "juhe", "district", "anonymous")


@pytest.fixture
def personas(world, shuguang_worker, hepinglu_worker, taihe_officer, juhe_firm_staff, district_officer):
    return {
        "shuguang": shuguang_worker, "hepinglu": hepinglu_worker, "taihe": taihe_officer,
        "juhe": juhe_firm_staff, "district": district_officer, "anonymous": AnonymousUser(),
    }


@pytest.fixture
def client_for(client, personas):
    """`client_for(role)`: the test client logged in as that persona (or anonymous)."""

    def make(role):
        client.logout()
        if role != "anonymous":
            client.force_login(personas[role])
        return client

    return make


@pytest.fixture
def category(world):
    return f.CategoryFactory(code="shared-facilities", name="公共设施维修")


def file_complaint(complex, category, **kwargs):
    """A complaint filed as the portal files one (through the service)."""
    return complaint_submit(complex=complex, category=category, description=kwargs.pop("description", "5栋3楼楼道灯坏了"),
                            reporter_phone=kwargs.pop("reporter_phone", "13812345678"), **kwargs)


@pytest.fixture
def complaints(world, category):
    """One complaint in each community: at 曙光东苑 (routed to 巨和物业) and at 和乐居."""
    return {
        "in": file_complaint(world.shuguang_east, category),
        "out": file_complaint(world.heleju, category, description="和乐居3栋电梯坏了"),
    }


def visible(role, where):
    """Whether `role` sees a record of 曙光东苑 ("in") or 和乐居 ("out")."""
    if role == "anonymous":
        return False
    if where == "in":
        return role in ("shuguang", "taihe", "juhe", "district")
    return role in ("hepinglu", "district")


# 10:00 on Thursday 26 November 2026 in Beijing: the clock of the tests that name dates.
NOW = datetime.datetime(2026, 11, 26, 2, 0, tzinfo=datetime.timezone.utc)


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield NOW
