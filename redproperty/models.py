"""The task outbox: Celery work recorded in the database in the same transaction as the
change that caused it, then published after commit. When the broker is down the row
stays pending and `outbox_sweep` publishes it once the broker is back, so no work is lost
and no request fails because of the broker.

Also the PIPL audit of reveals and exports of personal data (PersonalDataAccess)."""
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the broker")
    SENT = "sent", _("Handed to the broker")
    DONE = "done", _("Done")


class OutboxTaskQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OutboxStatus.PENDING)

    def stale(self, sent_before):
        """Handed to the broker before `sent_before` and not claimed by their task since."""
        return self.filter(status=OutboxStatus.SENT, sent_at__lt=sent_before)


class OutboxTask(models.Model):
    task_name = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("publish attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # A scheduled run has no row of its own until it claims its message's id (outbox.claim):
    # the same message delivered again finds the id taken and does nothing.
    task_id = models.CharField(_("Celery task id"), max_length=255, null=True, blank=True, unique=True)

    objects = OutboxTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["created_at", "id"]
        indexes = [
            # The sweeper: pending rows, oldest first.
            models.Index(fields=["status", "created_at"], name="outbox_status_created_idx"),
        ]

    def __str__(self):
        return f"{self.task_name} #{self.pk} ({self.get_status_display()})"


# ---------------------------------------------------------------------------
# PIPL: who saw or took personal data, and when
# ---------------------------------------------------------------------------
class AccessKind(models.TextChoices):
    REVEAL = "reveal", _("Reporter's contact revealed")
    PHONE_EXPORT = "phone_export", _("Everything held about a phone number exported")
    BULK_EXPORT = "bulk_export", _("Export containing personal data")


class AccessDoor(models.TextChoices):
    ADMIN = "admin", _("Admin")
    API = "api", _("API")
    WORKBENCH = "workbench", _("Workbench")
    DASHBOARD = "dashboard", _("Dashboard export")


class PersonalDataAccess(models.Model):
    """One reveal or export of personal data (PIPL art. 51: record the processing). Written by
    redproperty/pipl.py in the transaction that reveals or exports; never changed afterwards.

    The phone number concerned is kept only as a keyed hash (HMAC of its E.164 form under the
    project's SECRET_KEY: the same number always gives the same hash, so "who looked up this
    number" can be answered; the number cannot be read back) and masked for reading."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("who"))
    actor_username = models.CharField(_("account name"), max_length=150,
                                      help_text=_("Kept if the account is deleted later."))
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind of access"), max_length=20, choices=AccessKind.choices)
    door = models.CharField(_("through"), max_length=20, choices=AccessDoor.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("kind of record"))
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_label = models.CharField(_("record"), max_length=200, blank=True)
    phone_hash = models.CharField(_("phone number (keyed hash)"), max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone number (masked)"), max_length=30, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-created_at", "-id"]
        # Nobody adds, changes or deletes these (superusers read them in the admin).
        default_permissions = ()
        permissions = [("export_personal_data", _("Can export everything held about one phone number"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="phone_export") | ~models.Q(phone_hash=""),
                name="personaldataaccess_phone_export_names_number",
                violation_error_message=_("An export by phone number records the number it was for: "
                                          "enter the phone number."),
            ),
        ]

    def __str__(self):
        return f"{self.actor_username} · {self.get_kind_display()} · {self.object_label or self.phone_masked}"
