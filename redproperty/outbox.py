"""Enqueue Celery work durably. See OutboxTask.

    enqueue("complaints.tasks.notify_resident", event_id=42)

records a row inside the caller's transaction and publishes it after commit; if the
transaction rolls back, nothing is recorded and nothing is sent. A task that receives
`outbox_id` calls `outbox_claim(outbox_id)` first and does its work only when that returns
True, so a message delivered twice (acks_late, a re-publish by the sweeper) acts once.

Claim inside the same transaction as the task's own writes, so a failure un-claims:

    with transaction.atomic():
        if not outbox.claim(outbox_id):
            return
        ...do the work...

The sweeper publishes pending rows, and sends again a row handed to the broker more than
OUTBOX_RESEND_AFTER_SECONDS ago that no task has claimed: a message a broker lost after a
worker took it (the filesystem broker, when a whole worker is killed) is not lost for good.
"""
from __future__ import annotations

import datetime
import logging

from celery.exceptions import Retry
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from .celery import app
from .models import OutboxStatus, OutboxTask

log = logging.getLogger(__name__)


def enqueue(task_name: str, **kwargs) -> OutboxTask:
    """Record `task_name(**kwargs, outbox_id=…)` and publish it after the current transaction commits."""
    row = OutboxTask.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: publish(row.pk))
    return row


def publish(outbox_id: int) -> bool:
    """Try to hand one pending row to the broker. Returns True when sent; never raises for the
    broker or the database: it runs after the caller's transaction committed, so a database lost
    in between must not turn the saved work into an error answer (the row stays for the sweeper)."""
    try:
        row = OutboxTask.objects.filter(pk=outbox_id, status=OutboxStatus.PENDING).first()
    except DatabaseError as exc:
        log.warning("database unavailable after commit, task #%s kept for the sweeper: %s", outbox_id, exc)
        return False
    if row is None:
        return False
    kwargs = {**row.kwargs, "outbox_id": row.pk}
    if app.conf.task_always_eager:  # tests and single-process runs: run it here and now
        _run_eagerly(app.tasks[row.task_name].s(**kwargs))
        return True
    try:
        app.send_task(row.task_name, kwargs=kwargs, retry=False)
    except Exception as exc:  # broker down or unreachable: the sweeper tries again
        _record(row.pk, attempts=row.attempts + 1, last_error=str(exc)[:1000])
        log.warning("broker unavailable, task %s #%s kept for the sweeper", row.task_name, row.pk)
        return False
    _record(row.pk, status=OutboxStatus.SENT, sent_at=timezone.now(), attempts=row.attempts + 1, last_error="")
    return True


def _record(outbox_id: int, **fields) -> None:
    """Note a publish attempt on a pending row; a database out of reach just skips the note (a
    row left pending is published again, and the task's claim makes that harmless)."""
    try:
        OutboxTask.objects.filter(pk=outbox_id, status=OutboxStatus.PENDING).update(**fields)
    except DatabaseError as exc:
        log.warning("database unavailable, publish of task #%s not recorded: %s", outbox_id, exc)


def _run_eagerly(signature) -> None:
    """Run a task in this process, errors raised; a retry it asks for runs at once, as a worker
    would run it after its countdown (Celery's eager apply raises the Retry instead)."""
    while True:
        try:
            signature.apply(throw=True)
            return
        except Retry as retry:
            signature = retry.sig


def resend_stale(now=None, limit: int = 500) -> int:
    """Put back to pending the rows sent more than OUTBOX_RESEND_AFTER_SECONDS before `now` whose
    task has not claimed them, unless sent OUTBOX_RESEND_MAX_ATTEMPTS times already (those stay
    as they are, with their last error, for a person to look at). Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    stale = OutboxTask.objects.stale(cutoff).filter(attempts__lt=settings.OUTBOX_RESEND_MAX_ATTEMPTS)
    ids = list(stale.values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    # Compare-and-set: a task that claims its row meanwhile, or another sweeper, wins.
    count = OutboxTask.objects.stale(cutoff).filter(pk__in=ids).update(
        status=OutboxStatus.PENDING, last_error=f"not completed {settings.OUTBOX_RESEND_AFTER_SECONDS} s after it was sent")
    if count:
        log.warning("%d task(s) sent but not completed; sending them again", count)
    return count


def sweep(limit: int = 500) -> int:
    """Send again the rows sent long ago and not completed (`resend_stale`), then publish
    pending rows, oldest first. Returns how many were sent."""
    resend_stale(limit=limit)
    sent = 0
    for pk in OutboxTask.objects.pending().values_list("pk", flat=True)[:limit]:
        if publish(pk):
            sent += 1
        else:
            break  # the broker is still down: try the rest next time
    return sent


def claim(outbox_id: int | None, task_id: str | None = None, task_name: str = "") -> bool:
    """Mark a row done, atomically. True for the first caller only; True when there is no row
    (the task was called directly, not through the outbox).

    A message with no row (beat's scheduled runs) may pass its Celery `task_id`, which a broker
    keeps when it delivers the message again: the first claim records it as a done row, a
    second finds it taken and gets False. Call it inside the task's transaction, so a failed
    run (a retry keeps the id too) or a killed one leaves the id free."""
    if outbox_id is None:
        if not task_id:
            return True
        try:
            with transaction.atomic():  # a savepoint: a taken id must not spoil the task's transaction
                OutboxTask.objects.create(task_name=task_name, task_id=task_id, status=OutboxStatus.DONE,
                                          done_at=timezone.now())
        except IntegrityError:
            return False
        return True
    return bool(
        OutboxTask.objects.filter(pk=outbox_id).exclude(status=OutboxStatus.DONE).update(
            status=OutboxStatus.DONE, done_at=timezone.now()
        )
    )
