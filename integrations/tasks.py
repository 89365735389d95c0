"""Thin Celery tasks of integrations/: deliver one webhook delivery, retrying with backoff."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings

from redproperty import outbox

from . import webhooks


@shared_task(bind=True, name="integrations.deliver_webhook", acks_late=True, max_retries=None,
             time_limit=120, soft_time_limit=90)
def deliver_webhook(self, delivery_id: int, outbox_id: int | None = None) -> bool | None:
    """POST one webhook delivery (see integrations/webhooks.py). A failed attempt is retried
    after retry_delay(), WEBHOOK_MAX_ATTEMPTS attempts in all. A copy of the message delivered
    twice does nothing: the outbox row is claimed once and the delivery is leased."""
    if self.request.retries == 0 and not outbox.claim(outbox_id):
        return None
    last_attempt = self.request.retries + 1 >= settings.WEBHOOK_MAX_ATTEMPTS
    outcome = webhooks.webhook_deliver(delivery_id=delivery_id, last_attempt=last_attempt)
    if outcome is False and not last_attempt:
        raise self.retry(countdown=webhooks.retry_delay(self.request.retries))
    return outcome
