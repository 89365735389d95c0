"""Integrators and their API keys (and, in webhooks, what they are told).

An integrator (the 12345 hotline, a data team, WeChat) is an account of its own kind: a user
that cannot log in to any page, with a jurisdiction (a StaffProfile, so the one scoping rule
applies unchanged) and a scope (submit only, read, read and write: a permission group). It
reaches the API and Open311 with API keys. A key is shown once when it is made; only its
SHA-256 is stored, so nobody, staff or superuser, can read it back. Staff get short-lived
personal keys of their own from POST /api/v1/auth/token/.
"""
from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import StaffProfile, TimeStamped

KEY_PREFIX = "rpk_"


def new_key() -> str:
    """A random key, 256 bits: `rpk_` and 43 URL-safe characters."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    """What is stored of a key. A fast hash is enough for 256 random bits (nothing to guess)."""
    return hashlib.sha256(key.encode()).hexdigest()


class Scope(models.TextChoices):
    SUBMIT = "submit", _("Submit complaints only")
    READ = "read", _("Read")
    READ_WRITE = "read_write", _("Read and write")


class IntegratorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Integrators whose jurisdiction lies within `user`'s (the staff-profile rule)."""
        if user is not None and getattr(user, "is_superuser", False) and user.is_active:
            return self
        return self.filter(user__staff_profile__in=StaffProfile.objects.visible_to(user))


class Integrator(TimeStamped):
    """Another system that uses the platform on an agreement with the district."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True,
                               help_text=_("Who to call about this integration."))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integrator",
                                verbose_name=_("account"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    objects = IntegratorQuerySet.as_manager()

    class Meta:
        verbose_name = _("integrator")
        verbose_name_plural = _("integrators")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.user.is_active


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def visible_to(self, user):
        """Keys of integrators in `user`'s jurisdiction, and `user`'s own; superusers see all."""
        if user is not None and getattr(user, "is_superuser", False) and user.is_active:
            return self
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(Q(user__integrator__in=Integrator.objects.visible_to(user)) | Q(user=user))


class ApiKey(models.Model):
    """One key of one account. Only its digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys",
                             verbose_name=_("account"))
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Where the key is used."))
    prefix = models.CharField(_("begins with"), max_length=12, help_text=_("To recognise a key; not a secret."))
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


# ---------------------------------------------------------------------------
# Webhooks
# ---------------------------------------------------------------------------
class WebhookEvent(models.TextChoices):
    COMPLAINT_SUBMITTED = "complaint.submitted", _("Complaint submitted")
    COMPLAINT_STATUS_CHANGED = "complaint.status_changed", _("Complaint status changed")
    COMPLAINT_RATED = "complaint.rated", _("Complaint rated")
    EVALUATION_PUBLISHED = "evaluation.published", _("Evaluation published")


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class WebhookQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(integrator__in=Integrator.objects.visible_to(user))


class Webhook(TimeStamped):
    """An integrator's URL and the events it is told about, signed with its secret."""

    integrator = models.ForeignKey(Integrator, on_delete=models.CASCADE, related_name="webhooks",
                                   verbose_name=_("integrator"))
    url = models.URLField(pgettext_lazy("web address", "URL"), max_length=500, help_text=_("Receives a POST of JSON for each event."))
    events = models.JSONField(_("events"), default=list, help_text=_("The events this URL receives."))
    secret = models.CharField(_("signing secret"), max_length=64, default=new_webhook_secret, editable=False,
                              help_text=_("Signs every delivery (HMAC-SHA256); give it to the integrator."))
    is_active = models.BooleanField(pgettext_lazy("switched on", "active"), default=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["integrator__name", "url"]

    def __str__(self):
        return f"{self.integrator}: {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (retries exhausted)")


class WebhookDeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(webhook__in=Webhook.objects.visible_to(user))


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one webhook: the delivery log. A replay is a new row
    with the same `event_id`, so that a receiver can tell it has seen the event."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name=_("webhook"))
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, db_index=True)
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=20, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    replay_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays",
                                  verbose_name=_("replay of"))

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The delivery log in the admin: newest first per webhook.
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_created_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.webhook.url} ({self.get_status_display()})"
