"""Real processes for the tests that need more than one: a migrated database of their own,
gunicorn, a private PostgreSQL, a private Redis, a Celery worker.

Everything binds 127.0.0.1 on a port the kernel picks, lives in the test's temp dir and is
stopped by the test (by its own pid) however the test ends. The shared PostgreSQL and Redis
of the machine are never touched.
"""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SECRET_KEY = "test-only-secret-key-for-real-processes-0123456789abcdefghij"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(tmp_path: Path, **overrides) -> dict[str, str]:
    """A production-like environment (DEBUG off) on an SQLite file and a filesystem broker in tmp_path."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))}
    env.update({
        "DEBUG": "False",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_DIR": str(tmp_path / "broker"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "PYTHONUNBUFFERED": "1",
    })
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def manage(env: dict, *args: str, timeout: int = 900) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


SEED = """
import json
from communities.models import District
from complaints.models import Category
from tests import factories as f
from communities.services import staff_user_create
guandu = f.DistrictFactory(code="530111", name="官渡区")
taihe = f.SubdistrictFactory(district=guandu, code="530111002", name="太和街道")
shuguang = f.CommunityFactory(subdistrict=taihe, code="530111002001", name="曙光社区")
complex = f.ComplexFactory(community=shuguang, name="曙光小区")
staff_user_create(username="zhang", password="%(password)s", role="district", jurisdiction=guandu)
print(json.dumps({"complex": complex.pk, "category": Category.objects.active().first().code}))
"""


def migrated(env: dict, password: str = "test-pass-2026") -> dict:
    """Migrate the environment's database and seed one district with a complex and its officer `zhang`.
    Returns {"complex": id, "category": code}."""
    manage(env, "migrate", "--noinput", "-v0")
    out = manage(env, "shell", "-c", SEED % {"password": password})
    return json.loads(out.strip().splitlines()[-1])


# What the portal's pages and the plain message pages need; the rest (the admin's, the
# dashboard's, the API docs') would make collectstatic's compression take minutes.
PAGE_STATIC_IGNORED = ("admin", "rest_framework", "drf_spectacular_sidecar", "dashboard", "workbench", "axe-core",
                       "echarts", "*.map")


def collected_static(env: dict, tmp_path: Path) -> dict:
    """Collect the portal's static files into tmp_path with DEBUG off's hashed manifest (pages
    rendered with DEBUG off need it); returns env pointed at them."""
    env = {**env, "STATIC_ROOT": str(tmp_path / "static")}
    ignored = [arg for pattern in PAGE_STATIC_IGNORED for arg in ("-i", pattern)]
    manage(env, "collectstatic", "--noinput", "-v0", *ignored)
    return env


class Server:
    """A running gunicorn: `url`, `get()`, `post()`; requests go to 127.0.0.1 on its own port."""

    def __init__(self, process: subprocess.Popen, url: str, log: Path):
        self.process, self.url, self.log = process, url, log

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None,
                json_body=None, timeout: float = 60) -> tuple[int, dict, bytes]:
        body = None
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@contextmanager
def gunicorn(env: dict, tmp_path: Path, workers: int = 2, name: str = "web", extra_args: tuple[str, ...] = ()):
    """gunicorn with `workers` workers on a free port of 127.0.0.1 (the Procfile's web process);
    `extra_args` are more gunicorn options (an access log, a logger class)."""
    log = tmp_path / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "redproperty.wsgi", "--bind", "127.0.0.1:0", "--workers", str(workers),
             "--timeout", "60", "--graceful-timeout", "5", *extra_args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        url = _wait_for_listen(process, log)
        _wait_for_workers(log, workers)
        yield Server(process, url, log)
    finally:
        stop(process)


def _wait_for_listen(process, log: Path, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
        if match:
            return match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")


def _wait_for_workers(log: Path, workers: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("Booting worker") >= workers:
            return
        time.sleep(0.1)
    raise AssertionError(f"gunicorn workers did not boot:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 20) -> None:
    """Stop a process this module started, and its children (its own session), by pid."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


# ---------------------------------------------------------------------------
# Private PostgreSQL and Redis
# ---------------------------------------------------------------------------
def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb into a temp dir), on a free port.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user."""

    def __init__(self, directory: Path):
        self.bin = postgres_bin()
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args, check=True, timeout=120):
        command = [str(a) for a in args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=timeout)

    def init(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        return self

    def start(self):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-w", "-t", "60", "-l", self.directory / "pg.log",
                  "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self, mode="fast"):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-w", "-m", mode, "stop", check=False)

    def createdb(self, name: str):
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@contextmanager
def private_postgres(database: str = "rp"):
    """A started PrivatePostgres with an empty `database`, removed afterwards. Its directory is
    made outside pytest's tmp_path, which the `postgres` user cannot enter when running as root.
    Skips the test when the PostgreSQL server binaries are not installed."""
    import pytest
    import tempfile

    if postgres_bin() is None:
        pytest.skip("the PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed")
    directory = Path(tempfile.mkdtemp(prefix="rp-pg-"))
    server = PrivatePostgres(directory).init()
    try:
        server.start()
        server.createdb(database)
        yield server
    finally:
        server.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


class PrivateRedis:
    """redis-server of the test's own on a free port, no persistence."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process = None

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("private redis-server did not start")

    def stop(self):
        if self.process is not None:
            stop(self.process)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"
