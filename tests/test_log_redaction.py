"""api_key and phone_tail values never reach a log line: gunicorn's access log (a real gunicorn
with the Procfile's logger class) and Django's request log."""
import logging
import urllib.parse

from tests.processes import base_env, gunicorn

SECRET_KEY = "rpk_SeCrEt-key-that-must-not-be-logged"


def test_gunicorns_access_log_redacts_keys_and_phone_tails(tmp_path):
    log = tmp_path / "access.log"
    options = ("--access-logfile", str(log), "--logger-class", "redproperty.logredact.GunicornLogger",
               "--access-logformat", '%(h)s "%(r)s" %(s)s %(U)s?%(q)s {%({x-api-key}i)s}')
    query = urllib.parse.urlencode({"api_key": SECRET_KEY, "phone_tail": "5678", "page": "2"})
    with gunicorn(base_env(tmp_path), tmp_path, workers=1, extra_args=options) as server:
        # An unknown Open311 resource: answered without touching the database.
        status, _headers, _body = server.get(f"/open311/v2/nothing.json?{query}", headers={"X-Api-Key": SECRET_KEY})
    assert status == 404
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
