"""Thin Celery tasks of the dashboard: large Excel exports, report cards' PDFs, the place figures' refresh."""
from __future__ import annotations

import logging
import tempfile
import uuid
from types import SimpleNamespace

from celery import shared_task
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from redproperty import outbox

from . import exports
from .models import REPORT_CARD_PDF, ExportJob, ExportStatus

log = logging.getLogger(__name__)


@shared_task(name="dashboard.export_run", acks_late=True, time_limit=30 * 60, soft_time_limit=28 * 60)
def export_run(job_id: int, outbox_id: int | None = None) -> int:
    """Write one ExportJob's workbook, recording progress as it goes. The rows are those its
    user may see now. Returns the rows written (0 when the job was already taken)."""
    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return 0
        job = ExportJob.objects.select_for_update().select_related("user").filter(
            pk=job_id, status=ExportStatus.QUEUED).first()
        if job is None:
            return 0
        job.status = ExportStatus.RUNNING
        job.save(update_fields=["status"])
    if job.kind == REPORT_CARD_PDF:
        return _write_report_card_pdf(job)
    export = exports.exports().get(job.kind)
    try:
        if export is None or not exports.may_export(job.user, export):
            raise PermissionError(f"{job.user} may not export {job.kind}")
        queryset = export.queryset(job.user, job.params)
        if job.params.get("ids") is not None:
            queryset = queryset.filter(pk__in=job.params["ids"])
        ExportJob.objects.filter(pk=job.pk).update(total=queryset.count())
        with tempfile.TemporaryFile() as handle:
            written = exports.write_workbook(
                export, queryset, handle,
                progress=lambda n: ExportJob.objects.filter(pk=job.pk).update(done=n))
            handle.seek(0)
            job.file.save(f"{export.name}-{uuid.uuid4().hex}.xlsx", File(handle), save=False)
    except Exception as exc:  # recorded for the user; the traceback goes to the log
        log.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(exc)[:500],
                                                   finished_at=timezone.now())
        return 0
    ExportJob.objects.filter(pk=job.pk).update(file=job.file.name, status=ExportStatus.DONE, done=written,
                                               total=written, finished_at=timezone.now())
    return written


def _write_report_card_pdf(job: ExportJob) -> int:
    """The report card's PDF into the job's file (dashboard.views.ReportCardPdfView)."""
    from django.core.files.base import ContentFile
    from django.http import Http404

    from .views import report_card_pdf

    try:
        body = report_card_pdf(job)
        job.file.save(f"report-card-{uuid.uuid4().hex}.pdf", ContentFile(body), save=False)
    except Exception as exc:  # recorded for the user (a firm out of their sight now: 404); the traceback goes to the log
        log.exception("report card PDF %s failed", job.pk)
        error = "not found" if isinstance(exc, Http404) else str(exc)[:500]
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=error, finished_at=timezone.now())
        return 0
    ExportJob.objects.filter(pk=job.pk).update(file=job.file.name, status=ExportStatus.DONE, done=1, total=1,
                                               finished_at=timezone.now())
    return 1


# The refresh sees the whole district: what every reader allowed on a place page sees of it.
SYSTEM_VIEWER = SimpleNamespace(is_superuser=True, is_active=True, is_authenticated=True, pk=None)


@shared_task(name="dashboard.refresh_place_figures", time_limit=10 * 60, soft_time_limit=9 * 60)
def refresh_place_figures(outbox_id: int | None = None) -> int:
    """Store any of the last twelve closed months not stored yet (dashboard.snapshots); then,
    unless the cache is off (DASHBOARD_CACHE_SECONDS=0), recompute this month's figures of
    the district page and of every subdistrict page, and the district's ranking of firms, in
    the platform's language, into the cache (see views.cached_place_context). Returns the
    pages refreshed (0 when the cache is off)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from communities.models import District, Subdistrict

    from .selectors import Place, month_of
    from .snapshots import months_store_missing
    from .views import firm_rates_cache_key, place_base_context, place_cache_keys, place_month_context
    from .selectors import firm_rates

    today = timezone.localdate()
    months_store_missing(today)
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return 0
    month = month_of(today)
    places = [Place("district", d) for d in District.objects.all()]
    places += [Place("subdistrict", s) for s in Subdistrict.objects.select_related("district")]
    with translation.override(settings.LANGUAGE_CODE):
        for place in places:
            base_key, month_key = place_cache_keys(place, month, today)
            base = place_base_context(SYSTEM_VIEWER, place, today)
            cache.set_many({base_key: base, month_key: place_month_context(SYSTEM_VIEWER, place, month, today, base)},
                           seconds)
            if place.level == "district":
                cache.set(firm_rates_cache_key(place, month, today),
                          (firm_rates(SYSTEM_VIEWER, place, month, today), timezone.now()), seconds)
    return len(places)
