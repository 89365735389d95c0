"""Thin Celery tasks of communities/: they call a service and declare retries and time limits.
Their schedules are django-celery-beat rows seeded by redproperty's schedule migrations."""
from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, transaction

from redproperty import outbox

from . import services


@shared_task(name="communities.sweep_elections", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=8,
             time_limit=300, soft_time_limit=270)
def sweep_elections(outbox_id: int | None = None) -> dict:
    """Flag committee elections past their step's deadline; end the terms that have ended."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return {}
        return services.elections_sweep()


@shared_task(name="communities.sweep_mediations", acks_late=True, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=8,
             time_limit=300, soft_time_limit=270)
def sweep_mediations(outbox_id: int | None = None) -> dict:
    """Flag mediation cases past their step's deadline."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return {}
        return services.mediations_sweep()
