"""Excel exports, each opened with openpyxl: complaints with filters, a quarter's evaluations,
every register, the admin action, and large exports written by Celery with progress and a
download for the user who asked only."""
from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import Complaint
from dashboard.exports import REGISTERS
from dashboard.models import ExportJob, ExportStatus
from tests.conftest import in_english

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert "attachment;" in response["Content-Disposition"]
    return workbook_rows(b"".join(response.streaming_content) if response.streaming else response.content)


def column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_complaints_export_follows_the_filters(as_user, district, district_officer):
    client = in_english(as_user(district_officer))
    rows = download(client, f"/dashboard/export/complaints/?subdistrict={district.taihe.pk}&status=closed")
    assert rows[0][:3] == ("tracking code", "submitted at", "subdistrict")
    assert len(rows) == 1 + 3  # 太和's closed complaints: #1, #2 (November) and #7 (October)
    assert set(column(rows, "residential complex")) == {"曙光东苑"}
    assert column(rows, "submitted at")[0].strftime("%Y-%m-%d %H:%M") == "2026-11-03 09:00"  # Beijing time
    rows = download(client, "/dashboard/export/complaints/?overdue=yes")
    assert sorted(column(rows, "residential complex")) == ["曙光东苑", "曙光小区"]
    rows = download(client, "/dashboard/export/complaints/?submitted_after=2026-11-06&submitted_before=2026-11-07")
    assert column(rows, "residential complex") == ["和乐居", "和乐居"]
    rows = download(client, "/dashboard/export/complaints/")
    assert len(rows) == 1 + 8
    every_cell = " ".join(str(cell) for row in rows for cell in row)
    assert "13812345678" not in every_cell and "5678" not in every_cell  # no reporter's phone


def test_complaints_export_never_leaves_the_jurisdiction(as_user, district, taihe_officer):
    client = as_user(taihe_officer)
    assert len(download(client, f"/dashboard/export/complaints/?subdistrict={district.jinma.pk}")) == 1
    assert len(download(client, f"/dashboard/export/complaints/?complex={district.heleju.pk}")) == 1
    assert len(download(client, "/dashboard/export/complaints/")) == 1 + 6  # 太和: #1–#4, #7, #8


def test_a_quarters_evaluations(as_user, district, district_officer, taihe_officer):
    rows = download(in_english(as_user(district_officer)), "/dashboard/export/evaluations/?period=2026Q3")
    assert [(r[2], r[4], r[-1]) for r in rows[1:]] == [
        ("和平物业", "all complexes", "Good"), ("和平物业", "和乐居", "Good"),
        ("巨和物业", "all complexes", "Fail"), ("巨和物业", "曙光东苑", "Fail")]
    rows = download(as_user(taihe_officer), "/dashboard/export/evaluations/?period=2026Q3")
    assert [(r[2], r[4]) for r in rows[1:]] == [("巨和物业", "曙光东苑")]


@pytest.mark.parametrize("name", list(REGISTERS))
def test_every_register_opens(as_user, district, district_officer, name):
    rows = download(as_user(district_officer), f"/dashboard/export/{name}/")
    assert rows[0][0] == "编号" and len(rows[0]) > 2


def test_registers_are_scoped(as_user, district, district_officer, hepinglu_worker):
    assert sorted(column(download(in_english(as_user(district_officer)), "/dashboard/export/complexes/"),
                         "name")) == ["和乐居", "曙光东苑", "曙光小区"]
    client = in_english(as_user(hepinglu_worker))
    assert column(download(client, "/dashboard/export/complexes/"), "name") == ["和乐居"]
    assert column(download(client, "/dashboard/export/firms/"), "name") == ["和平物业"]


def test_firm_staff_export_only_their_own_inspection_results(as_user, district, juhe_firm_staff):
    """巨和物业 serves 曙光东苑 since 2024: its inspections there since then, nothing older, nothing
    of 曙光小区 (no contract) or of 和乐居 (和平物业)."""
    import datetime

    from tests import factories as f

    f.InspectionFactory(complex=district.shuguang_east, inspected_on=datetime.date(2026, 9, 10), inspector="巨和期间")
    f.InspectionFactory(complex=district.shuguang_east, inspected_on=datetime.date(2023, 6, 1), inspector="前任期间")
    f.InspectionFactory(complex=district.shuguang_complex, inspector="曙光小区")
    f.InspectionFactory(complex=district.heleju, inspector="和平物业期间")
    rows = download(in_english(as_user(juhe_firm_staff)), "/dashboard/export/inspections/")
    assert column(rows, "inspector") == ["巨和期间"]


def test_no_export_without_the_view_permission(as_user, district, juhe_firm_staff, outsider):
    assert as_user(juhe_firm_staff).get("/dashboard/export/fee-collections/").status_code == 404
    assert as_user(outsider).get("/dashboard/export/complaints/").status_code == 404
    assert as_user(outsider).get("/dashboard/export/no-such-thing/").status_code == 404


def test_admin_action_exports_the_selected_rows(as_user, district, district_officer):
    client = in_english(as_user(district_officer))
    response = client.post(reverse("admin:communities_residentialcomplex_changelist"), {
        "action": "export_selected", "_selected_action": [district.heleju.pk, district.shuguang_east.pk]})
    assert response["Content-Type"] == XLSX
    assert sorted(column(workbook_rows(response.content), "name")) == ["和乐居", "曙光东苑"]


def test_large_export_runs_in_celery_with_progress_and_one_downloader(
        as_user, district, district_officer, taihe_officer, settings, django_capture_on_commit_callbacks):
    settings.DASHBOARD_EXPORT_ASYNC_ROWS = 5
    client = as_user(district_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/dashboard/export/complaints/")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dashboard/exports/{job.pk}/"
    assert (job.status, job.total, job.done, job.user) == (ExportStatus.DONE, 8, 8, district_officer)
    html = client.get(response["Location"]).content.decode()
    assert f'href="/dashboard/exports/{job.pk}/download/"' in html and 'max="100" value="100"' in html
    rows = download(client, f"/dashboard/exports/{job.pk}/download/")
    assert len(rows) == 1 + Complaint.objects.count()

    other = as_user(taihe_officer)
    assert other.get(f"/dashboard/exports/{job.pk}/").status_code == 404
    assert other.get(f"/dashboard/exports/{job.pk}/download/").status_code == 404


def test_a_queued_export_shows_its_progress_and_polls(as_user, district, district_officer, settings):
    settings.DASHBOARD_EXPORT_ASYNC_ROWS = 5
    client = as_user(district_officer)
    response = client.get("/dashboard/export/complaints/")  # not committed: the task has not run
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    html = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in html and 'value="0"' in html
    assert client.get(f"/dashboard/exports/{job.pk}/download/").status_code == 404
