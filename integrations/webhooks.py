"""Signed webhooks: every write about them, and the delivery itself.

An event (complaint submitted, status changed, rated; evaluation published) is recorded as one
WebhookDelivery per subscribed webhook whose integrator may see the record, in the same
transaction as the change, and handed to Celery through the outbox (redproperty/outbox.py).
The task POSTs the JSON body with these headers:

    X-RedProperty-Event:      complaint.status_changed
    X-RedProperty-Delivery:   <uuid of this delivery>
    X-RedProperty-Timestamp:  <unix seconds>
    X-RedProperty-Signature:  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret>

A 2xx answer is delivered; anything else (or no answer in WEBHOOK_TIMEOUT_SECONDS) is retried
with exponential backoff, WEBHOOK_MAX_ATTEMPTS attempts in all, then marked failed. A replay
sends the same event (same `id` in the body) as a new delivery. Payloads carry no personal data.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redproperty import outbox

from .models import DeliveryStatus, Integrator, Webhook, WebhookDelivery, WebhookEvent

EVENT_HEADER = "X-RedProperty-Event"
DELIVERY_HEADER = "X-RedProperty-Delivery"
TIMESTAMP_HEADER = "X-RedProperty-Timestamp"
SIGNATURE_HEADER = "X-RedProperty-Signature"
# A delivery being sent is left alone by a second copy of its task for this long.
SENDING_LEASE = datetime.timedelta(seconds=60)


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _clean(url: str, events) -> tuple[str, list[str]]:
    url = (url or "").strip()
    errors = {}
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = [_("Enter an http or https URL.")]
    events = sorted(set(events or []))
    if not events or not set(events) <= set(WebhookEvent.values):
        errors["events"] = [_("Choose at least one event.")]
    if errors:
        raise ValidationError(errors)
    return url, events


def _check_integrator(actor, integrator: Integrator) -> None:
    if not Integrator.objects.visible_to(actor).filter(pk=integrator.pk).exists():
        raise PermissionDenied(_("You can manage webhooks only of integrators within your jurisdiction."))


@transaction.atomic
def webhook_create(*, actor, integrator: Integrator, url: str, events, is_active: bool = True) -> Webhook:
    """Register `url` for `events` of `integrator`; a signing secret is made for it."""
    _check_integrator(actor, integrator)
    url, events = _clean(url, events)
    return Webhook.objects.create(integrator=integrator, url=url, events=events, is_active=is_active)


@transaction.atomic
def webhook_update(*, actor, webhook: Webhook, url: str, events, is_active: bool) -> Webhook:
    _check_integrator(actor, webhook.integrator)
    webhook.url, webhook.events = _clean(url, events)
    webhook.is_active = bool(is_active)
    webhook.save()
    return webhook


def webhooks_notify(*, event: str, payload: dict, instance=None, permission: str | None = None) -> int:
    """Record `event` for every active webhook subscribed to it whose integrator is active, may
    see `instance` (its model's visible_to) and holds `permission`; queue each delivery through
    the outbox. Runs inside the caller's transaction. Returns how many were recorded.
    Costs one query when no webhook is registered."""
    event = WebhookEvent(event)
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))  # as it will be sent
    hooks = [hook for hook in Webhook.objects.filter(is_active=True, integrator__user__is_active=True)
             .select_related("integrator__user") if event in hook.events]
    event_id = uuid.uuid4()
    recorded = 0
    for hook in hooks:
        user = hook.integrator.user
        if permission and not user.has_perm(permission):
            continue
        if instance is not None and not type(instance)._default_manager.visible_to(user).filter(pk=instance.pk).exists():
            continue
        delivery = WebhookDelivery.objects.create(webhook=hook, event=event, event_id=event_id, payload=payload)
        outbox.enqueue("integrations.deliver_webhook", delivery_id=delivery.pk)
        recorded += 1
    return recorded


@transaction.atomic
def webhook_delivery_replay(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a recorded event again, as a new delivery of the same event (same body `id` and
    time); `replay_of` points at the first delivery."""
    _check_integrator(actor, delivery.webhook.integrator)
    original = delivery.replay_of or delivery
    replay = WebhookDelivery.objects.create(webhook=delivery.webhook, event=delivery.event, event_id=delivery.event_id,
                                            payload=delivery.payload, replay_of=original)
    outbox.enqueue("integrations.deliver_webhook", delivery_id=replay.pk)
    return replay


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps({
        "id": str(delivery.event_id),
        "event": delivery.event,
        # When the event happened: a replay keeps the original's time.
        "created_at": timezone.localtime((delivery.replay_of or delivery).created_at).isoformat(timespec="seconds"),
        "data": delivery.payload,
    }, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def webhook_deliver(*, delivery_id: int, last_attempt: bool) -> bool | None:
    """POST one delivery once. True: delivered; False: this attempt failed (retry it unless it was
    the `last_attempt`, after which the delivery is marked failed); None: nothing to do
    (delivered already, failed for good, or another worker is sending it right now)."""
    now = timezone.now()
    leased = WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).filter(
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=now - SENDING_LEASE)
    ).update(attempts=F("attempts") + 1, last_attempt_at=now)
    if not leased:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook", "replay_of").get(pk=delivery_id)
    body = body_of(delivery)
    timestamp = int(time.time())
    request = urllib.request.Request(delivery.webhook.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "RedProperty-Webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(delivery.webhook.secret, timestamp, body),
    })
    code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(getattr(exc, "reason", exc))[:500]
    delivered = code is not None and 200 <= code < 300
    fields = {"last_status_code": code, "last_error": error,
              # The lease ends with the attempt: a retry may send at once.
              "last_attempt_at": None if not delivered else now}
    if delivered:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now())
    elif last_attempt:
        fields.update(status=DeliveryStatus.FAILED)
    WebhookDelivery.objects.filter(pk=delivery_id).update(**fields)
    return delivered


def retry_delay(retries: int) -> int:
    """Seconds before retry number `retries + 1`: WEBHOOK_RETRY_BASE_SECONDS doubling, at most an hour."""
    return min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2**retries, 3600)
