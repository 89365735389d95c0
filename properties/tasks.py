"""Thin Celery tasks of properties/: they take a period string or ids, call a service, and
declare retries and time limits. Their schedules are django-celery-beat rows seeded by
redproperty/migrations/0002_schedules.py."""
from __future__ import annotations

import smtplib

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerError
from django.db import OperationalError, transaction

from redproperty import outbox

from . import services

_RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, BrokerError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="properties.evaluate_quarter", time_limit=30 * 60, soft_time_limit=28 * 60, **_RETRY)
def evaluate_quarter(period: str | None = None, outbox_id: int | None = None) -> dict:
    """Evaluate `period` ("2026Q3"); by default the quarter just ended. A message delivered
    twice evaluates once: through the outbox its row is claimed, from beat its task id (a new
    evaluation would replace the results and announce them again)."""
    from .evaluation import Quarter, firms_evaluate  # the top of the house: imported late

    with transaction.atomic():  # claimed with the work, so a failure un-claims and the retry redoes it
        if not outbox.claim(outbox_id, task_id=evaluate_quarter.request.id, task_name=evaluate_quarter.name):
            return {}
        return firms_evaluate(period=period or str(Quarter.just_ended()))


@shared_task(
    name="properties.notify_consequences", time_limit=300, soft_time_limit=270,
    **{**_RETRY, "autoretry_for": _RETRY["autoretry_for"] + (smtplib.SMTPException, OSError)},
)
def notify_consequences(period: str | None = None, outbox_id: int | None = None) -> int:
    """Email the evaluation consequences not yet notified (each exactly once)."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return 0
        return services.consequences_notify(period=period)


@shared_task(
    name="properties.remind_deadlines", time_limit=300, soft_time_limit=270,
    **{**_RETRY, "autoretry_for": _RETRY["autoretry_for"] + (smtplib.SMTPException, OSError)},
)
def remind_deadlines(outbox_id: int | None = None) -> int:
    """Remind of contracts and owners' committee terms ending within 90 days (once per item)."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return 0
        return services.deadline_reminders_send()


@shared_task(name="properties.sweep_exits", time_limit=300, soft_time_limit=270, **_RETRY)
def sweep_exits(outbox_id: int | None = None) -> dict:
    """Flag firm exits and handovers past their step's deadline."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return {}
        return services.exits_sweep()
