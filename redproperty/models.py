"""The task outbox: Celery work recorded in the database in the same transaction as the
change that caused it, then published after commit. When the broker is down the row
stays pending and `outbox_sweep` publishes it once the broker is back, so no work is lost
and no request fails because of the broker."""
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
