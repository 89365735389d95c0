"""The Celery tasks the schedules run: names, retry policy, and what each one changes. Every test
runs at a fixed instant (tests/instants.py); the monthly snapshot at 23:59 and 00:00 in Shanghai
on the last day of a month, a quarter and a year."""
from __future__ import annotations

import datetime

import pytest
from django.db import OperationalError
from django.utils import timezone

from complaints import tasks
from complaints.models import Action, ComplaintEvent, HandlerLevel, RatesSnapshot, Status
from redproperty import outbox
from redproperty.celery import app
from tests import factories as f
from tests.instants import SHANGHAI, pinned

pytestmark = pinned


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


@pytest.mark.parametrize("instant, just_ended", [
    ("2026-11-30T16:30:00Z", datetime.date(2026, 11, 1)),  # 00:30 on 1 December in Shanghai
    ("2026-11-30T16:00:00Z", datetime.date(2026, 11, 1)),  # 00:00 on 1 December in Shanghai
    ("2026-11-30T15:59:00Z", datetime.date(2026, 10, 1)),  # 23:59 on 30 November in Shanghai
    ("2026-09-30T15:59:00Z", datetime.date(2026, 8, 1)),   # 23:59 on 30 September: the quarter's last minute
    ("2026-09-30T16:00:00Z", datetime.date(2026, 9, 1)),   # 00:00 on 1 October: a new quarter
    ("2026-12-31T15:59:00Z", datetime.date(2026, 11, 1)),  # 23:59 on 31 December
    ("2026-12-31T16:00:00Z", datetime.date(2026, 12, 1)),  # 00:00 on 1 January: a new quarter and year
])
def test_store_rates_defaults_to_the_month_just_ended_in_shanghai(world, time_machine, instant, just_ended):
    time_machine.move_to(instant, tick=False)
    f.ComplaintFactory(complex=world.heleju, submitted_at=datetime.datetime.combine(
        just_ended.replace(day=20), datetime.time(12), tzinfo=SHANGHAI))

    assert tasks.store_rates.apply().get() == 2  # the community and the subdistrict (no firm)
    assert set(RatesSnapshot.objects.filter(received__gt=0).values_list("period", flat=True)) == {just_ended}
    assert tasks.store_rates.apply(kwargs={"month": "2025-01"}).get() == 0


def test_store_rates_fills_the_missing_months_of_the_last_twelve(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 3, 0, tzinfo=SHANGHAI), tick=False)
    for month in (datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 6, 1),
                  datetime.date(2026, 9, 1), datetime.date(2026, 11, 1)):
        f.ComplaintFactory(complex=world.heleju, submitted_at=datetime.datetime.combine(
            month.replace(day=10), datetime.time(9), tzinfo=SHANGHAI))
    tasks.store_rates.apply(kwargs={"month": "2026-09"}).get()
    september = RatesSnapshot.objects.filter(period=datetime.date(2026, 9, 1))
    september.update(received=99)  # stored earlier: a month already stored is not recomputed

    # The beat was down for months: the next run stores every month missing since December 2025
    # (November 2025 is older than twelve months) and the month just ended.
    assert tasks.store_rates.apply().get() == 6
    assert sorted(set(RatesSnapshot.objects.values_list("period", flat=True))) == [
        datetime.date(2025, 12, 1), datetime.date(2026, 6, 1), datetime.date(2026, 9, 1), datetime.date(2026, 11, 1)]
    assert set(september.values_list("received", flat=True)) == {99}
    assert tasks.store_rates.apply().get() == 2  # only the month just ended again


def test_a_task_run_through_the_outbox_acts_once(world):
    _late(world)
    row = outbox.enqueue("complaints.sweep_overdue")
    # The test's transaction never commits, so publish by hand: first delivery works ...
    assert tasks.sweep_overdue.apply(kwargs={"outbox_id": row.pk}).get() == {"marked": 1, "escalated": 1}
    # ... a redelivery of the same message does nothing.
    assert tasks.sweep_overdue.apply(kwargs={"outbox_id": row.pk}).get() == {}
    assert ComplaintEvent.objects.filter(action=Action.OVERDUE).count() == 1
