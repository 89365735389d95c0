"""Writes of the dashboard's own records (Excel export jobs). Everything else the dashboard
writes (imports) goes through the services of the apps that own the records."""
from __future__ import annotations

from django.db import transaction

from redproperty import outbox

from .models import ExportJob


@transaction.atomic
def export_job_create(*, actor, kind: str, params: dict, total: int) -> ExportJob:
    """Queue an export for `actor`; the `dashboard.export_run` task writes it after commit."""
    job = ExportJob.objects.create(user=actor, kind=kind, params=params, total=total)
    outbox.enqueue("dashboard.export_run", job_id=job.pk)
    return job
