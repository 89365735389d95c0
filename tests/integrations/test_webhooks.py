"""Signed webhooks, received by a real HTTP server on 127.0.0.1 (a free port) that checks every
signature as the README tells receivers to: each event arrives once, signed; failures are
retried with backoff and logged; the admin replays a delivery; only the integrator's
jurisdiction is told."""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from complaints.services import complaint_submit
from integrations import webhooks
from integrations.models import DeliveryStatus, Integrator, WebhookDelivery
from integrations.tasks import deliver_webhook
from properties.evaluation import firms_evaluate
from redproperty import outbox
from tests import factories as f

pytestmark = pytest.mark.django_db


def verify(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (README, "Webhooks"): recompute the HMAC over "<timestamp>.<body>",
    compare in constant time, refuse a stale timestamp."""
    timestamp = headers["X-RedProperty-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-RedProperty-Signature"]) and abs(time.time() - int(timestamp)) < tolerance


class Receiver:
    """An HTTP server on 127.0.0.1 that verifies and records each POST; `failures` answers 500 first."""

    def __init__(self):
        self.secret = None
        self.received = []
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verified = verify(receiver.secret, self.headers, body)
                receiver.received.append({"body": json.loads(body), "verified": verified,
                                          "delivery": self.headers["X-RedProperty-Delivery"],
                                          "event": self.headers["X-RedProperty-Event"]})
                status = 500 if receiver.failures > 0 else (200 if verified else 401)
                receiver.failures -= 1
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/redproperty"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self):
        return [(r["event"], r["body"]["data"].get("status")) for r in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def hotline(world, superuser, receiver):
    """The 12345 hotline over the district (read and write), with a webhook on every event."""
    f.integrator_key(world.guandu, "read_write", name="12345 hotline")
    integrator = Integrator.objects.get(name="12345 hotline")
    hook = webhooks.webhook_create(actor=superuser, integrator=integrator, url=receiver.url,
                                   events=["complaint.submitted", "complaint.status_changed", "complaint.rated",
                                           "evaluation.published"])
    receiver.secret = hook.secret
    return hook


def test_each_event_arrives_once_and_signed(world, district_officer, hotline, receiver, api_as,
                                            django_capture_on_commit_callbacks):
    f.CategoryFactory(code="lighting")
    client = api_as(district_officer)
    with django_capture_on_commit_callbacks(execute=True):
        filed = client.post("/api/v1/complaints/", {"complex": world.heleju.pk, "category": "lighting",
                                                    "description": "楼道灯坏了", "reporter_phone": "13812345678"},
                            format="json").json()
    url = f"/api/v1/complaints/{filed['id']}"
    for action, body in (("accept", {}), ("resolve", {"note": "换了灯泡"}), ("rate", {"rating": 5})):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"{url}/{action}/", body, format="json").status_code == 200

    assert receiver.events() == [
        ("complaint.submitted", "submitted"),
        ("complaint.status_changed", "accepted"),
        ("complaint.status_changed", "resolved"),
        ("complaint.status_changed", "closed"),
        ("complaint.rated", "closed"),
    ]
    assert all(r["verified"] for r in receiver.received)
    assert len({r["body"]["id"] for r in receiver.received}) == 5  # five events, each seen once
    rated = receiver.received[-1]["body"]["data"]
    assert rated["tracking_code"] == filed["tracking_code"] and rated["rating"] == 5
    assert "13812345678" not in json.dumps([r["body"] for r in receiver.received])
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_only_the_integrators_jurisdiction_is_told(world, superuser, receiver, django_capture_on_commit_callbacks):
    f.integrator_key(world.shuguang, "submit", name="曙光 WeChat")
    hook = webhooks.webhook_create(actor=superuser, integrator=Integrator.objects.get(name="曙光 WeChat"),
                                   url=receiver.url, events=["complaint.submitted"])
    receiver.secret = hook.secret
    category = f.CategoryFactory(code="lighting")

    with django_capture_on_commit_callbacks(execute=True):
        complaint_submit(complex=world.heleju, category=category, description="和乐居的灯")
        mine = complaint_submit(complex=world.shuguang_complex, category=category, description="曙光的灯")

    assert [r["body"]["data"]["tracking_code"] for r in receiver.received] == [mine.tracking_code]


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(world, hotline, receiver, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    category = f.CategoryFactory(code="lighting")
    receiver.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        complaint_submit(complex=world.heleju, category=category, description="灯")

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert [r["delivery"] for r in receiver.received] == [str(delivery.delivery_id)] * 2

    receiver.failures = 99
    with django_capture_on_commit_callbacks(execute=True):
        complaint_submit(complex=world.heleju, category=category, description="灯又坏了")

    failed = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert failed.status == DeliveryStatus.FAILED and failed.attempts == 3 and failed.last_status_code == 500
    assert [webhooks.retry_delay(n) for n in range(3)] == [30, 60, 120]
    assert webhooks.retry_delay(20) == 3600


def test_a_task_delivered_twice_posts_once(world, hotline, receiver):
    category = f.CategoryFactory(code="lighting")
    complaint_submit(complex=world.heleju, category=category, description="灯")  # on_commit not run: queued only
    row = outbox.OutboxTask.objects.get(task_name="integrations.deliver_webhook")
    delivery = WebhookDelivery.objects.get()

    first = deliver_webhook.apply(kwargs={"delivery_id": delivery.pk, "outbox_id": row.pk}).get()
    second = deliver_webhook.apply(kwargs={"delivery_id": delivery.pk, "outbox_id": row.pk}).get()

    assert (first, second) == (True, None)
    assert len(receiver.received) == 1


def test_the_admin_shows_the_log_and_replays_a_delivery(world, district_officer, hotline, receiver, as_user,
                                                         django_capture_on_commit_callbacks):
    category = f.CategoryFactory(code="lighting")
    with django_capture_on_commit_callbacks(execute=True):
        complaint_submit(complex=world.heleju, category=category, description="灯")
    delivery = WebhookDelivery.objects.get()
    client = as_user(district_officer)

    log = client.get("/admin/integrations/webhookdelivery/")
    page = client.get(f"/admin/integrations/webhookdelivery/{delivery.pk}/change/")
    with django_capture_on_commit_callbacks(execute=True):
        replayed = client.post(f"/admin/integrations/webhookdelivery/{delivery.pk}/replay/")

    assert log.status_code == 200 and "complaint.submitted" in log.content.decode()
    assert page.status_code == 200 and "/replay/" in page.content.decode()
    assert replayed.status_code == 302
    replay = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert replay.replay_of == delivery and replay.status == DeliveryStatus.DELIVERED
    first, second = receiver.received
    assert first["body"] == second["body"] and first["delivery"] != second["delivery"] and second["verified"]


def test_other_communities_do_not_see_the_log(world, hotline, shuguang_worker, as_user):
    category = f.CategoryFactory(code="lighting")
    complaint_submit(complex=world.heleju, category=category, description="灯")
    assert as_user(shuguang_worker).get("/admin/integrations/webhookdelivery/").status_code == 403


def test_a_published_evaluation_is_announced(world, hotline, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        firms_evaluate(period="2026Q3")

    [announced] = receiver.received
    assert announced["event"] == "evaluation.published" and announced["verified"]
    assert announced["body"]["data"]["period"] == "2026Q3" and announced["body"]["data"]["contracts"] == 2
