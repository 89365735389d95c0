"""The dashboard's own records: Excel exports large enough to run in Celery."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJobQuerySet(models.QuerySet):
    def of(self, user):
        """The exports `user` asked for: nobody else may follow or download them."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ExportJob(models.Model):
    """An Excel export of more rows than a web request should write (settings.
    DASHBOARD_EXPORT_ASYNC_ROWS), written by the `dashboard.export_run` task in openpyxl's
    write-only mode. The rows are chosen again when the task runs, by what the user may see then."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dashboard_exports",
                             verbose_name=_("user"))
    kind = models.CharField(_("export"), max_length=40)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("Excel export")
        verbose_name_plural = _("Excel exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if self.status == ExportStatus.DONE else (int(self.done * 100 / self.total) if self.total else 0)
