"""A large export written by a real Celery worker on Redis (see tests/test_celery_broker.py
for how the worker thread shares the test database)."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from dashboard.models import ExportJob, ExportStatus
from tests import factories as f
from tests.test_celery_broker import broker, redis_url, worker

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def reference_data(db):
    """Role groups, categories and the default scheme, which a transactional test earlier on
    the same worker may have flushed."""
    from tests.api.test_schemathesis import seed_reference_data

    seed_reference_data()


def test_a_worker_writes_a_large_export_for_the_user_who_asked(as_user, world, district_officer, settings):
    settings.DASHBOARD_EXPORT_ASYNC_ROWS = 10
    for _ in range(12):
        f.ComplaintFactory(complex=world.heleju)
    client = as_user(district_officer)
    with broker(redis_url()):
        response = client.get("/dashboard/export/complaints/")  # queued on commit: the message waits in Redis
        job = ExportJob.objects.get()
        assert job.status == ExportStatus.QUEUED and response["Location"] == f"/dashboard/exports/{job.pk}/"
        with worker() as wait_for:
            assert wait_for("dashboard.export_run")
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (ExportStatus.DONE, 12, 12)
    response = client.get(f"/dashboard/exports/{job.pk}/download/")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 13 and {row[4] for row in rows[1:]} == {"和乐居"}
