"""The embedded default (SQLite, no server) under real concurrency: gunicorn's two workers
write to one database file at once and lose nothing; limits count once for all processes."""
from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from django.db import connection

from tests.processes import base_env, gunicorn, migrated

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="about the embedded SQLite default, which the SQLite pass runs"
)

PUBLIC_SUBMIT = "/api/v1/public/complaints/"


def in_parallel(count: int, call) -> list:
    """Run call(i) for i in range(count) in threads released together; the results in order."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait(timeout=30)
        try:
            results[index] = call(index)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def report(seed: dict, index: int) -> dict:
    return {"complex": seed["complex"], "category": seed["category"], "description": f"5栋{index}楼楼道灯坏了",
            "reporter_phone": f"1381234{index:04d}"}


def complaint_count(tmp_path) -> int:
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        return db.execute("SELECT COUNT(*) FROM complaints_complaint").fetchone()[0]


def test_twenty_parallel_public_submissions_to_two_workers_all_land(tmp_path):
    env = base_env(tmp_path, PORTAL_RATE_LIMIT_PER_IP="1000/hour", THROTTLE_ANON="1000/minute")
    seed = migrated(env)
    with gunicorn(env, tmp_path, workers=2) as web:
        results = in_parallel(20, lambda i: web.post(PUBLIC_SUBMIT, json_body=report(seed, i)))

    statuses = [r[0] if isinstance(r, tuple) else r for r in results]
    assert statuses == [201] * 20, [(s, r[2][:300] if isinstance(r, tuple) else r) for s, r in zip(statuses, results)]
    codes = {json.loads(body)["tracking_code"] for _status, _headers, body in results}
    assert len(codes) == 20
    assert complaint_count(tmp_path) == 20
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_web_processes_share_one_submission_limit(tmp_path):
    """Two separate gunicorn servers on one database: ten per hour from one network is ten in
    all, however the twenty attempts are spread and however they race."""
    env = base_env(tmp_path, PORTAL_RATE_LIMIT_PER_IP="10/hour", THROTTLE_ANON="1000/minute")
    seed = migrated(env)
    with gunicorn(env, tmp_path, workers=1, name="a") as first, gunicorn(env, tmp_path, workers=1, name="b") as second:
        servers = (first, second)
        results = in_parallel(20, lambda i: servers[i % 2].post(PUBLIC_SUBMIT, json_body=report(seed, i)))

    statuses = sorted(r[0] if isinstance(r, tuple) else str(r) for r in results)
    assert statuses == [201] * 10 + [429] * 10, statuses
    refused = next(json.loads(body) for status, _headers, body in results if status == 429)
    assert refused["code"] == "throttled" and "该网络提交的诉求过多" in refused["detail"]
    assert complaint_count(tmp_path) == 10


def test_two_web_processes_share_api_throttles_and_sign_in_lockouts(tmp_path):
    """Requests alternate between two gunicorn servers on one database: the anonymous API
    allowance and the failed sign-ins of an account are each counted once for both."""
    env = base_env(tmp_path, THROTTLE_ANON="4/minute", BEHIND_TLS_PROXY="True")
    migrated(env)
    with gunicorn(env, tmp_path, workers=1, name="a") as first, gunicorn(env, tmp_path, workers=1, name="b") as second:
        servers = (first, second)
        lookups = [servers[i % 2].get("/api/v1/public/complaints/7K4M-Q2XPA/?phone_tail=1234",
                                      headers={"X-Forwarded-For": "203.0.113.7"})[0] for i in range(6)]
        # Each guess from its own address: only the account's count can stop them.
        sign_ins = [servers[i % 2].post("/api/v1/auth/token/", json_body={"username": "zhang", "password": "guess"},
                                        headers={"X-Forwarded-For": f"198.51.100.{i}"})[0] for i in range(6)]

    assert lookups == [404, 404, 404, 404, 429, 429]
    assert sign_ins == [400, 400, 400, 400, 429, 429]
