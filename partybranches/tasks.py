"""Thin Celery tasks of partybranches/: they call a service and declare retries and time limits.
Their schedules are django-celery-beat rows seeded by data migrations."""
from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, transaction

from redproperty import outbox

from . import services


@shared_task(name="partybranches.sweep_applications", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=8,
             time_limit=300, soft_time_limit=270)
def sweep_applications(outbox_id: int | None = None) -> int:
    """Flag red-project applications whose review or designation is past its deadline (daily)."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return 0
        return services.applications_sweep()
