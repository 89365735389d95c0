"""PIPL in a real browser (Debian's Chromium): a district officer finds the export by phone
number on the admin's home page, is told in Chinese what is wrong with a mistyped number,
downloads the workbook and it opens; a superuser reads the audit of that export. axe-core finds
no WCAG 2.1 A/AA violation on these pages."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from complaints.services import complaint_submit
from redproperty.models import PersonalDataAccess
from tests import factories as f
from tests.browser.test_dashboard_browser import axe_violations, logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def reference_data(db):
    """Role groups (the export permission among them), which a transactional test earlier on
    the same worker may have flushed."""
    from tests.api.test_schemathesis import seed_reference_data

    seed_reference_data()


def test_export_by_phone_number_and_its_audit(browser, live_server, client, world, district_officer, superuser,
                                              tmp_path):
    complaint = complaint_submit(complex=world.shuguang_east, category=f.CategoryFactory(code="lighting"),
                                 description="楼道灯坏了", reporter_name="李阿姨", reporter_phone="13812345678")
    context, page = logged_in_page(browser, live_server, client, district_officer)
    try:
        page.goto(f"{live_server.url}/admin/")
        page.get_by_role("link", name="按电话号码导出全部个人信息").click()
        expect(page.locator("h1")).to_have_text("按电话号码导出全部个人信息")
        assert axe_violations(page, live_server) == []

        page.fill("#id_phone", "1381234")
        page.get_by_role("button", name="下载工作簿").click()
        expect(page.locator(".errorlist")).to_contain_text("请输入有效的电话号码")
        assert axe_violations(page, live_server) == []

        page.fill("#id_phone", "138 1234 5678")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="下载工作簿").click()
        path = tmp_path / "personal-data.xlsx"
        download_info.value.save_as(path)
        book = load_workbook(path, read_only=True)
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
        assert complaint.tracking_code in cells and "李阿姨" in cells
    finally:
        context.close()
    assert PersonalDataAccess.objects.get().actor == district_officer

    context, page = logged_in_page(browser, live_server, client, superuser)
    try:
        page.goto(f"{live_server.url}/admin/redproperty/personaldataaccess/")
        expect(page.locator("#result_list tbody tr")).to_have_count(1)
        expect(page.locator("#result_list")).to_contain_text("138****5678")
        assert axe_violations(page, live_server) == []
    finally:
        context.close()
