from celery import shared_task

from . import outbox


@shared_task(name="redproperty.outbox_sweep", acks_late=True, time_limit=120, soft_time_limit=100)
def outbox_sweep() -> int:
    """Publish work that was recorded while the broker was down."""
    return outbox.sweep()
