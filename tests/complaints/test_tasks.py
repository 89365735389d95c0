"""The Celery tasks the schedules run: names, retry policy, and what each one changes."""
from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from complaints import tasks
from complaints.models import Action, ComplaintEvent, HandlerLevel, RatesSnapshot, Status
from redproperty import outbox
from redproperty.celery import app
from tests import factories as f


def _late(world, **extra):
    submitted_at = timezone.now() - datetime.timedelta(days=10)
    return f.ComplaintFactory(
        complex=world.shuguang_east, assigned_firm=world.juhe, handler_level=HandlerLevel.FIRM,
        submitted_at=submitted_at, due_response_at=submitted_at + datetime.timedelta(hours=24),
        due_resolve_at=submitted_at + datetime.timedelta(days=7), **extra,
    )


@pytest.mark.parametrize("name", ["complaints.notify", "complaints.sweep_overdue", "complaints.close_unrated",
                                  "complaints.store_rates"])
def test_tasks_are_registered_with_retries_and_time_limits(name):
    task = app.tasks[name]

    assert task.acks_late is True
    assert OperationalError in task.autoretry_for and task.retry_backoff
    assert 0 < task.soft_time_limit < task.time_limit


def test_sweep_overdue_marks_and_escalates(world):
    complaint = _late(world)

    assert tasks.sweep_overdue.apply().get() == {"marked": 1, "escalated": 1}
    assert tasks.sweep_overdue.apply().get() == {"marked": 0, "escalated": 0}

    complaint.refresh_from_db()
    assert complaint.overdue_at is not None and complaint.handler_level == HandlerLevel.COMMUNITY
    assert list(complaint.events.values_list("action", flat=True)) == [Action.OVERDUE, Action.ESCALATE]


def test_close_unrated_task(world, settings):
    settings.COMPLAINT_AUTO_CLOSE_DAYS = 7
    complaint = _late(world, status=Status.RESOLVED, resolved_at=timezone.now() - datetime.timedelta(days=8))

    assert tasks.close_unrated.apply().get() == 1

    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED


@time_machine.travel(datetime.datetime(2026, 12, 1, 3, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False)
def test_store_rates_defaults_to_the_month_just_ended(world):
    # 03:00 in Beijing on the 1st is still the 30th in UTC: the month is Beijing's.
    last_month = datetime.date(2026, 11, 1)
    f.ComplaintFactory(complex=world.heleju, submitted_at=timezone.now() - datetime.timedelta(days=3))

    assert tasks.store_rates.apply().get() == 2  # the community and the subdistrict (no firm)
    assert set(RatesSnapshot.objects.values_list("period", flat=True)) == {last_month}
    assert tasks.store_rates.apply(kwargs={"month": "2025-01"}).get() == 0


def test_a_task_run_through_the_outbox_acts_once(world):
    _late(world)
    row = outbox.enqueue("complaints.sweep_overdue")
    # The test's transaction never commits, so publish by hand: first delivery works ...
    assert tasks.sweep_overdue.apply(kwargs={"outbox_id": row.pk}).get() == {"marked": 1, "escalated": 1}
    # ... a redelivery of the same message does nothing.
    assert tasks.sweep_overdue.apply(kwargs={"outbox_id": row.pk}).get() == {}
    assert ComplaintEvent.objects.filter(action=Action.OVERDUE).count() == 1
