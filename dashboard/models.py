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


REPORT_CARD_PDF = "report_card_pdf"  # the kind of a job that writes a firm's report card as a PDF


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
    def is_pdf(self) -> bool:
        return self.kind == REPORT_CARD_PDF

    @property
    def percent(self) -> int:
        return 100 if self.status == ExportStatus.DONE else (int(self.done * 100 / self.total) if self.total else 0)


class StoredMonth(models.Model):
    """A closed month whose complaint counts and median times the dashboard has stored
    (`dashboard.snapshots.month_store`): its pages read them instead of scanning the month's
    complaints again. Months not stored are counted live."""

    period = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    stored_at = models.DateTimeField(_("stored at"))

    class Meta:
        verbose_name = _("stored dashboard month")
        verbose_name_plural = _("stored dashboard months")
        ordering = ["-period"]

    def __str__(self):
        return f"{self.period:%Y-%m}"


class MonthlyComplaintCount(models.Model):
    """Complaints received in a closed month (duplicates excluded) per community, category and
    channel, as they stood when the month was stored."""

    period = models.DateField(_("month"))
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("category"))
    channel = models.CharField(_("channel"), max_length=20)
    received = models.PositiveIntegerField(_("received"))

    class Meta:
        verbose_name = _("monthly complaint count")
        verbose_name_plural = _("monthly complaint counts")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "community", "category", "channel"], name="monthly_complaint_count_unique",
                violation_error_message=_(
                    "This month's count for this community, category and channel is already stored: "
                    "let the refresh update it instead of adding one."),
            ),
        ]

    def __str__(self):
        return f"{self.period:%Y-%m} {self.community_id} {self.category_id} {self.channel}: {self.received}"


class MonthlyMedian(models.Model):
    """The median times to accept and to resolve of the complaints received in a closed month,
    for the district, each subdistrict and each community, as they stood when stored."""

    period = models.DateField(_("month"))
    level = models.CharField(_("level"), max_length=20)  # district, subdistrict or community
    place_id = models.PositiveBigIntegerField(_("place id"))
    accept = models.DurationField(_("median time to accept"), null=True)
    resolve = models.DurationField(_("median time to resolve"), null=True)

    class Meta:
        verbose_name = _("monthly median times")
        verbose_name_plural = _("monthly median times")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "level", "place_id"], name="monthly_median_unique",
                violation_error_message=_(
                    "This month's median times of this place are already stored: "
                    "let the refresh update them instead of adding them."),
            ),
        ]

    def __str__(self):
        return f"{self.period:%Y-%m} {self.level} #{self.place_id}"
