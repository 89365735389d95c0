"""Thin Celery tasks: they take ids, call a service and declare retries and time limits.
Scheduling lives in the django-celery-beat data migration (properties/ or redproperty/)."""
from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from redproperty import outbox

from . import services
from .models import ComplaintEvent
from .notifications import notify_event
from .rates import rates_snapshot_store, rates_snapshots_store_recent

_RETRY = {
    "acks_late": True,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="complaints.notify", autoretry_for=(OperationalError, smtplib.SMTPException, OSError),
             time_limit=60, soft_time_limit=45, **_RETRY)
def notify(event_id: int, outbox_id: int | None = None) -> bool:
    """Tell the resident about one ComplaintEvent. Claims the outbox row in the same transaction,
    so a message delivered twice is sent once, and a failed send is retried."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return False
        event = ComplaintEvent.objects.select_related(
            "complaint__assigned_firm", "complaint__assigned_community"
        ).filter(pk=event_id).first()
        if event is None:
            return False
        notify_event(event)
        return True


@shared_task(name="complaints.sweep_overdue", autoretry_for=(OperationalError,), time_limit=300,
             soft_time_limit=270, **_RETRY)
def sweep_overdue(outbox_id: int | None = None) -> dict:
    """Mark newly overdue complaints, then escalate overdue ones a step (each step once)."""
    if not outbox.claim(outbox_id):
        return {}
    now = timezone.now()
    return {"marked": services.complaints_mark_overdue(now), "escalated": services.complaints_escalate_overdue(now)}


@shared_task(name="complaints.close_unrated", autoretry_for=(OperationalError,), time_limit=300,
             soft_time_limit=270, **_RETRY)
def close_unrated(outbox_id: int | None = None) -> int:
    """Close resolved complaints left unrated for COMPLAINT_AUTO_CLOSE_DAYS."""
    if not outbox.claim(outbox_id):
        return 0
    return services.complaints_close_unrated()


@shared_task(name="complaints.anonymise_expired", autoretry_for=(OperationalError,), time_limit=1800,
             soft_time_limit=1700, **_RETRY)
def anonymise_expired(outbox_id: int | None = None) -> int:
    """PIPL retention: strip personal data from complaints closed PIPL_RETENTION_DAYS ago."""
    if not outbox.claim(outbox_id):
        return 0
    return services.complaints_anonymise_expired()


@shared_task(name="complaints.store_rates", autoretry_for=(OperationalError,), time_limit=600,
             soft_time_limit=570, **_RETRY)
def store_rates(month: str | None = None, outbox_id: int | None = None) -> int:
    """Store the monthly RatesSnapshot of `month` ("2026-10"); by default the month just ended
    (in Asia/Shanghai) and any of the last 12 months that has none. Returns the rows stored.
    A message delivered twice stores once (its outbox row, or beat's task id, is claimed with
    the work), so the month's snapshot is not replaced by a later copy."""
    with transaction.atomic():
        if not outbox.claim(outbox_id, task_id=store_rates.request.id, task_name=store_rates.name):
            return 0
        if month:
            return rates_snapshot_store(month=datetime.date.fromisoformat(f"{month}-01"))
        return sum(rates_snapshots_store_recent().values())


@shared_task(name="complaints.sweep_referrals", autoretry_for=(OperationalError,), time_limit=300,
             soft_time_limit=270, **_RETRY)
def sweep_referrals(outbox_id: int | None = None) -> int:
    """Flag referrals to departments past their reply deadline (daily)."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return 0
        return services.referrals_sweep()
