"""A real Celery worker (prefork, as deployed) is killed with SIGKILL in the middle of a
quarter's evaluation: the evaluation is run again and completes, with one result per contract
and quarter, and its outbox row done once.

The evaluation is caught in the middle without touching our code: the test holds a lock on the
results table of a private PostgreSQL cluster, so the task, which has already claimed its
outbox row in its transaction and read the evidence, waits there; PostgreSQL shows it waiting.
Then the pool process running it is killed. acks_late with task_reject_on_worker_lost puts the
message back on the broker (a private redis-server), and the worker's new pool process runs it
again; the killed run's transaction never committed, so its claim is undone with it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg2
import pytest

from tests.processes import BIN, ROOT, PrivateRedis, base_env, manage, migrated, private_postgres, stop

SEED = """
import json
from django.db import transaction
from redproperty import outbox
from tests import factories as f
from tests.properties.test_evaluation import full_evidence
contracts = [f.ContractFactory() for _ in range(3)]
for contract in contracts:
    full_evidence(contract.complex)
with transaction.atomic():  # published to the broker on commit
    row = outbox.enqueue("properties.evaluate_quarter", period="2026Q3")
print(json.dumps({"contracts": [c.pk for c in contracts], "firms": sorted({c.firm_id for c in contracts}),
                  "outbox": row.pk}))
"""


@pytest.fixture
def postgres():
    with private_postgres("rp") as server:
        yield server


@pytest.fixture
def broker(tmp_path):
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def wait_until(condition, what: str, timeout: float = 300):
    """Poll `condition` until it returns something true; a generous timeout, the outcome matters."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def test_a_worker_killed_in_the_middle_of_an_evaluation_runs_it_again(postgres, broker, tmp_path):
    env = base_env(tmp_path, DATABASE_URL=postgres.url("rp"), CELERY_BROKER_URL=broker.url(0))
    migrated(env)
    seed = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])

    db = psycopg2.connect(postgres.url("rp"))
    db.autocommit = True
    watch = db.cursor()
    blocker = psycopg2.connect(postgres.url("rp"))  # holds the results table until the kill
    blocker.cursor().execute("LOCK TABLE properties_firmevaluation IN ACCESS EXCLUSIVE MODE")

    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [str(BIN / "celery"), "-A", "redproperty", "worker", "--pool", "prefork", "--concurrency", "1",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", "faults@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        # The evaluation is under way: it waits for the results table, its outbox claim made.
        waiting = wait_until(lambda: _waiting_on_lock(watch), "the evaluation to reach the results table")
        assert "properties_firmevaluation" in waiting
        pool = children(worker.pid)
        assert len(pool) == 1, pool
        os.kill(pool[0], signal.SIGKILL)
        wait_until(lambda: b"SIGKILL" in log.read_bytes(), "the worker to notice its pool process was killed")
        blocker.rollback()

        # The message comes back and the new pool process runs the evaluation to the end.
        wait_until(lambda: _outbox_status(watch, seed["outbox"]) == "done", "the re-run evaluation", timeout=600)
        assert worker.poll() is None
    finally:
        blocker.close()
        stop(worker)

    output = log.read_text(errors="replace")
    assert "WorkerLostError" in output, output[-3000:]
    assert output.count("properties.evaluate_quarter") >= 2 and "succeeded" in output, output[-3000:]

    watch.execute("""SELECT contract_id, COUNT(*), MIN(grade) FROM properties_firmevaluation
                     WHERE period = '2026Q3' AND contract_id IS NOT NULL GROUP BY contract_id""")
    per_contract = {contract: (count, grade) for contract, count, grade in watch.fetchall()}
    assert per_contract == {pk: (1, "excellent") for pk in seed["contracts"]}
    watch.execute("""SELECT firm_id, COUNT(*) FROM properties_firmevaluation
                     WHERE period = '2026Q3' AND contract_id IS NULL GROUP BY firm_id""")
    assert dict(watch.fetchall()) == {firm: 1 for firm in seed["firms"]}  # one roll-up per firm
    db.close()


def _waiting_on_lock(cursor) -> str:
    cursor.execute("SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = 'rp'")
    row = cursor.fetchone()
    return row[0] if row else ""


def _outbox_status(cursor, pk: int) -> str:
    cursor.execute("SELECT status FROM redproperty_outboxtask WHERE id = %s", [pk])
    return cursor.fetchone()[0]
