"""A task handed to the broker and never completed is sent again by the outbox sweeper.

On the embedded filesystem broker a worker takes a message by moving its file out of the
queue: a whole worker killed (its process group, main process and pool) loses the message it
had taken, and acks_late cannot bring it back. The outbox row stays "sent" and unclaimed; after
OUTBOX_RESEND_AFTER_SECONDS the sweeper sends it again, and the task's claim makes any late
second delivery a no-op.

The first tests run the sweeper in-process (eager Celery); the last one kills a real worker's
whole process group on the filesystem broker, on an SQLite file, the embedded default."""
from __future__ import annotations

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest
from django.utils import timezone

from dashboard.models import ExportJob, ExportStatus
from dashboard.tasks import export_run
from redproperty import outbox
from redproperty.models import OutboxStatus, OutboxTask
from tests.processes import BIN, ROOT, base_env, manage, migrated, stop


def _sent(job, *, ago: datetime.timedelta, attempts: int = 1) -> OutboxTask:
    return OutboxTask.objects.create(task_name="dashboard.export_run", kwargs={"job_id": job.pk},
                                     status=OutboxStatus.SENT, sent_at=timezone.now() - ago, attempts=attempts)


@pytest.fixture
def job(db, superuser):
    return ExportJob.objects.create(user=superuser, kind="complexes")


@pytest.mark.django_db
def test_a_task_sent_long_ago_and_never_completed_is_sent_again(job, settings):
    row = _sent(job, ago=datetime.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS + 1))

    assert outbox.sweep() == 1
    row.refresh_from_db()
    job.refresh_from_db()
    assert row.status == OutboxStatus.DONE  # (eager: run here, so no publish is counted)
    assert job.status == ExportStatus.DONE and job.file
    # The lost message, should it turn up after all, does nothing: the row is claimed.
    assert export_run(job_id=job.pk, outbox_id=row.pk) == 0


@pytest.mark.django_db
def test_a_task_sent_recently_is_left_to_run(job, settings):
    row = _sent(job, ago=datetime.timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS - 60))
    assert outbox.sweep() == 0
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 1


@pytest.mark.django_db
def test_the_default_wait_outlasts_the_task_time_limit(settings):
    from redproperty import settings as project

    assert project.OUTBOX_RESEND_AFTER_SECONDS > project.CELERY_TASK_TIME_LIMIT


@pytest.mark.django_db
def test_sending_again_stops_after_the_last_attempt(job, settings):
    settings.OUTBOX_RESEND_MAX_ATTEMPTS = 3
    row = _sent(job, ago=datetime.timedelta(days=1), attempts=3)
    assert outbox.resend_stale() == 0
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert not ExportJob.objects.filter(status=ExportStatus.DONE).exists()


# ---------------------------------------------------------------------------
# A real worker, killed whole
# ---------------------------------------------------------------------------
SEED = """
import json
from django.contrib.auth import get_user_model
from django.db import transaction
from dashboard.services import export_job_create
root = get_user_model().objects.create_superuser(username="root", password=None)
with transaction.atomic():  # published to the filesystem broker on commit
    job = export_job_create(actor=root, kind="complexes", params={}, total=1)
from redproperty.models import OutboxTask
print(json.dumps({"job": job.pk, "outbox": OutboxTask.objects.get(task_name="dashboard.export_run").pk}))
"""


def _worker(env, log):
    with open(log, "ab") as out:
        return subprocess.Popen(
            [str(BIN / "celery"), "-A", "redproperty", "worker", "--pool", "prefork", "--concurrency", "1",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", "resend@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _wait(condition, what, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def _row(db_path, sql, *params):
    with sqlite3.connect(db_path) as db:
        return db.execute(sql, params).fetchone()


def test_a_whole_worker_killed_on_the_filesystem_broker_loses_nothing(tmp_path):
    env = base_env(tmp_path, OUTBOX_RESEND_AFTER_SECONDS=2)
    db_path = tmp_path / "db.sqlite3"
    queue = tmp_path / "broker" / "queue"
    migrated(env)
    seed = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    assert len(list(queue.iterdir())) == 1  # the export's message, waiting on the broker

    # Writers wait behind this lock (the task's first step claims its row), so the task is
    # still under way when the worker dies.
    blocker = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    blocker.execute("BEGIN IMMEDIATE")
    log = tmp_path / "worker.log"
    worker = _worker(env, log)
    try:
        _wait(lambda: not list(queue.iterdir()) and b"dashboard.export_run" in log.read_bytes(),
              "the worker to take the message")
        os.killpg(worker.pid, signal.SIGKILL)  # the main process and its pool, at once
        worker.wait(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
        if worker.poll() is None:
            stop(worker)

    # The message is gone from the broker; the row says "sent", the task never completed.
    assert not list(queue.iterdir())
    assert _row(db_path, "SELECT status FROM redproperty_outboxtask WHERE id = ?", seed["outbox"]) == ("sent",)
    assert _row(db_path, "SELECT status FROM dashboard_exportjob WHERE id = ?", seed["job"]) == ("queued",)

    time.sleep(2.5)  # OUTBOX_RESEND_AFTER_SECONDS
    assert manage(env, "shell", "-c", "from redproperty import outbox; print(outbox.sweep())").strip().splitlines()[-1] == "1"
    assert len(list(queue.iterdir())) == 1

    worker = _worker(env, log)
    try:
        _wait(lambda: _row(db_path, "SELECT status FROM dashboard_exportjob WHERE id = ?", seed["job"]) == ("done",),
              "the export sent again to be written")
    finally:
        stop(worker)
    status, attempts = _row(db_path, "SELECT status, attempts FROM redproperty_outboxtask WHERE id = ?", seed["outbox"])
    assert (status, attempts) == ("done", 2)
    [path] = _row(db_path, "SELECT file FROM dashboard_exportjob WHERE id = ?", seed["job"])
    assert (tmp_path / "media" / path).stat().st_size > 0
