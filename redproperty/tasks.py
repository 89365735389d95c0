import smtplib

from celery import shared_task
from django.apps import apps
from django.db import OperationalError, transaction

from . import outbox, workflow


@shared_task(name="redproperty.outbox_sweep", acks_late=True, time_limit=120, soft_time_limit=100)
def outbox_sweep() -> int:
    """Publish work that was recorded while the broker was down."""
    return outbox.sweep()


@shared_task(name="redproperty.notify_workflow_event", acks_late=True, autoretry_for=(OperationalError, smtplib.SMTPException, OSError),
             retry_backoff=True, retry_backoff_max=600, retry_jitter=True, max_retries=8, time_limit=60, soft_time_limit=45)
def notify_workflow_event(event: str, event_id: int, outbox_id: int | None = None) -> list[str]:
    """Email one governance workflow event (`event` is the event model's label, e.g.
    "communities.CommitteeElectionEvent") to the staff concerned. Claimed with the send, so a
    message delivered twice is sent once and a failed send is retried."""
    model = apps.get_model(event)
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return []
        row = model.objects.select_related(model.record_field).filter(pk=event_id).first()
        if row is None:
            return []
        return workflow.event_notify(row)
