"""A real Celery worker, on real Redis and on the embedded filesystem broker, runs the
scheduled work end to end; and with the broker down nothing is lost.

The worker runs in a thread of the test process (celery.contrib.testing.worker), so it sees
the test database: a committed one (transactional tests), on SQLite the shared in-memory
database, on PostgreSQL the test database. Each xdist worker uses its own Redis database
number, and each filesystem test its own folder, so parallel runs do not take each other's
messages.
"""
from __future__ import annotations

import datetime
import os
import time
from contextlib import contextmanager

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import transaction

from complaints.models import Complaint, HandlerLevel
from complaints.services import complaint_submit
from properties.models import FirmEvaluation
from redproperty import outbox
from redproperty.celery import app
from redproperty.models import OutboxStatus, OutboxTask
from tests import factories as f
from tests.instants import NOW
from tests.properties.test_evaluation import full_evidence

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
CLOSED_PORT_URL = "redis://127.0.0.1:6390/0"  # nothing listens here: a stopped broker
# How long a worker may take: on a loaded machine a task retried with backoff (a busy SQLite
# database) finishes minutes later, and that is still a pass; a task that fails for good ends
# the wait at once.
WORKER_TIMEOUT = 600.0


def redis_url() -> str:
    """A Redis database of this xdist worker's own (10 for gw0, 11 for gw1, ...), emptied."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    db = 10 + int(worker.removeprefix("gw") or 0)
    redis.Redis(host=REDIS_HOST, port=6379, db=db).flushdb()
    return f"redis://{REDIS_HOST}:6379/{db}"


@contextmanager
def broker(url: str, transport_options: dict | None = None):
    """Point the project's Celery app at `url`, tasks really sent (not eager)."""
    conf = app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)
    conf.broker_url, conf.broker_transport_options, conf.task_always_eager = url, transport_options or {}, False
    _drop_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
        _drop_connections()


def _drop_connections():
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def worker():
    """A worker thread; yields a function that waits until given tasks have succeeded.

    The test waits on the worker's own signals rather than polling the database, so it never
    holds a read lock the worker's writes would meet (SQLite's shared in-memory database
    locks whole tables)."""
    os.environ.setdefault("CELERY_SKIP_CHECKS", "1")
    app.loader.import_default_modules()
    succeeded: list[str] = []
    seen: list[tuple[str, str]] = []  # (task, state) of every run, for the failure message

    def on_postrun(task=None, state=None, **kwargs):
        seen.append((task.name, state))
        if state == "SUCCESS":
            succeeded.append(task.name)

    def wait_for(*task_names, timeout=WORKER_TIMEOUT):
        """True once each named task has succeeded (as often as named). A task that fails for
        good ends the wait at once; one that is retried (a busy database under load, with
        backoff) is waited for, up to a generous `timeout`: the outcome matters, not the time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(succeeded.count(name) >= task_names.count(name) for name in task_names):
                return True
            if any(name in task_names and state == "FAILURE" for name, state in seen):
                break
            time.sleep(0.2)
        print(f"worker runs seen: {seen}")
        return False

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20, loglevel="WARNING"):
            yield wait_for
    finally:
        task_postrun.disconnect(on_postrun)


@pytest.fixture(params=["redis", "filesystem"])
def working_broker(request, tmp_path):
    if request.param == "redis":
        with broker(redis_url()):
            yield request.param
    else:
        folder = str(tmp_path / "broker")
        os.makedirs(folder)
        options = {"data_folder_in": folder, "data_folder_out": folder, "control_folder": str(tmp_path / "control")}
        with broker("filesystem://", options):
            yield request.param


# The worker is a thread of this process: it reads the clock the test set. Ticking, so the
# worker's timers run; at 10:00 on 26 November 2026 in Shanghai the late complaint (filed 16
# November) is overdue and outside the third quarter evaluated, whenever the suite runs.
@pytest.mark.time_machine(NOW, tick=True)
def test_a_worker_runs_an_evaluation_and_an_overdue_sweep(working_broker):
    world_contract = f.ContractFactory()
    full_evidence(world_contract.complex)
    ten_days_ago = NOW - datetime.timedelta(days=10)
    late = f.ComplaintFactory(complex=world_contract.complex, assigned_firm=world_contract.firm,
                              handler_level=HandlerLevel.FIRM, submitted_at=ten_days_ago)
    with transaction.atomic():  # published on commit; the messages wait in the broker
        evaluation = outbox.enqueue("properties.evaluate_quarter", period="2026Q3")
        sweep = outbox.enqueue("complaints.sweep_overdue")
    assert OutboxTask.objects.filter(status=OutboxStatus.SENT).count() == 2
    with worker() as wait_for:
        assert wait_for("properties.evaluate_quarter", "complaints.sweep_overdue")
    assert OutboxTask.objects.filter(pk__in=[evaluation.pk, sweep.pk], status=OutboxStatus.DONE).count() == 2
    assert FirmEvaluation.objects.filter(period="2026Q3", contract=world_contract).get().grade == "excellent"
    late.refresh_from_db()
    assert late.overdue_at is not None
    assert late.escalation_count == 1  # firm → community, once


def test_with_the_broker_down_a_submission_succeeds_and_is_notified_when_it_returns(world):
    category = f.CategoryFactory()
    with broker(CLOSED_PORT_URL):
        with transaction.atomic():
            complaint = complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                                         reporter_email="li@example.org")
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    queued = OutboxTask.objects.get(task_name="complaints.notify")
    assert queued.status == OutboxStatus.PENDING and queued.attempts == 1 and queued.last_error
    assert mail.outbox == []

    with broker(redis_url()):
        assert outbox.sweep() == 1, OutboxTask.objects.get(pk=queued.pk).last_error
        with worker() as wait_for:
            assert wait_for("complaints.notify")
    assert OutboxTask.objects.get(pk=queued.pk).status == OutboxStatus.DONE
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li@example.org"]
    assert complaint.tracking_code in mail.outbox[0].body
