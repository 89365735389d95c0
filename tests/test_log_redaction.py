"""api_key and phone_tail values never reach a log line: gunicorn's access log (a real gunicorn,
started as the Procfile starts it) and Django's request log."""
import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from django.conf import settings

SECRET_KEY = "rpk_SeCrEt-key-that-must-not-be-logged"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorns_access_log_redacts_keys_and_phone_tails(tmp_path):
    port = free_port()
    log = tmp_path / "access.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "redproperty.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--access-logfile", str(log), "--logger-class", "redproperty.logredact.GunicornLogger",
         "--access-logformat", '%(h)s "%(r)s" %(s)s %(U)s?%(q)s {%({x-api-key}i)s}'],
        cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                # An unknown Open311 resource: answered without touching the database.
                answer = requests.get(f"http://127.0.0.1:{port}/open311/v2/nothing.json",
                                      params={"api_key": SECRET_KEY, "phone_tail": "5678", "page": "2"},
                                      headers={"X-Api-Key": SECRET_KEY}, timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert answer.status_code == 404
        for _ in range(50):
            if log.exists() and log.read_text():
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text()
    assert "/open311/v2/nothing.json" in text and "page=2" in text
    assert SECRET_KEY not in text and "5678" not in text
    assert "api_key=[redacted]" in text and "phone_tail=[redacted]" in text and "{[redacted]}" in text


def test_djangos_request_log_redacts_keys_and_phone_tails(caplog):
    logger = logging.getLogger("django.server")
    with caplog.at_level(logging.INFO, logger="django.server"):
        logger.info('"%s" %s %s', f"GET /api/v1/public/complaints/7K4M-Q2XPA/?phone_tail=5678&api_key={SECRET_KEY} "
                    "HTTP/1.1", 404, 10)
    [record] = caplog.records
    assert SECRET_KEY not in record.getMessage() and "5678" not in record.getMessage()
    assert "phone_tail=[redacted]&api_key=[redacted]" in record.getMessage()
