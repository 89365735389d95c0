"""The dashboard in a real browser (Debian's Chromium): a district officer loads the
dashboard, sees the charts drawn beside their tables, drills down to a complex, exports its
complaints and the file opens; axe-core finds no WCAG 2.1 AA violation on the pages, in
Chinese (the default) on a tablet."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.dashboard.conftest import district, figures_computed_on_each_request, frozen  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

@pytest.fixture(autouse=True)
def reference_data(db):
    """Role groups, categories and the default scheme, which a transactional test earlier on
    the same worker may have flushed."""
    from tests.api.test_schemathesis import seed_reference_data

    seed_reference_data()


TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1}
AXE = "/static/vendor/axe-core/axe.min.js"


def logged_in_page(browser, live_server, client, user):
    client.force_login(user)
    context = browser.new_context(**TABLET)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.set_default_timeout(15_000)
    return context, context.new_page()


def axe_violations(page, live_server) -> list:
    """axe-core's WCAG 2.1 A and AA violations on the page (loaded from our own static files)."""
    page.add_script_tag(url=live_server.url + AXE)
    return page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
    }""")


def test_load_drill_down_export_and_open(browser, live_server, client, district, district_officer, tmp_path):
    context, page = logged_in_page(browser, live_server, client, district_officer)
    try:
        page.goto(f"{live_server.url}/dashboard/")
        expect(page.locator("#place-title")).to_have_text("官渡区")
        expect(page.locator("#overdue-now")).to_have_text("2")
        # Every chart is drawn by ECharts (an SVG), and its table is beside it.
        expect(page.locator(".chart.drawn")).to_have_count(6)
        expect(page.locator("[data-chart='chart-history'] canvas").first).to_be_visible()
        expect(page.locator("#history tbody tr")).to_have_count(12)
        page.screenshot(path="/tmp/dashboard-district.png", full_page=True)
        assert axe_violations(page, live_server) == []

        page.locator("#ranking").get_by_role("link", name="太和街道").click()
        expect(page.locator("#place-title")).to_have_text("太和街道")
        page.locator("#ranking").get_by_role("link", name="曙光社区").click()
        expect(page.locator("#place-title")).to_have_text("曙光社区")
        page.locator("#ranking").get_by_role("link", name="曙光东苑").click()
        expect(page.locator("#place-title")).to_have_text("曙光东苑")
        expect(page.locator(".crumbs li")).to_have_count(4)
        expect(page.locator("#contract")).to_contain_text("巨和物业")
        assert axe_violations(page, live_server) == []

        with page.expect_download() as download_info:
            page.click("#export-complaints")
        download = download_info.value
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        assert path.suffix == ".xlsx"
        rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
        assert rows[0][4] == "小区"  # the header row, in Chinese
        assert len(rows) == 1 + 5 and {row[4] for row in rows[1:]} == {"曙光东苑"}  # #1, #2, #3, #7, #8

        page.goto(f"{live_server.url}/dashboard/firms/{district.juhe.pk}/report/2026Q3/")
        expect(page.locator("#rollup-grade")).to_have_text("不合格")
        assert axe_violations(page, live_server) == []
    finally:
        context.close()


def test_published_results_and_import_pages_are_accessible(browser, live_server, client, district, district_officer):
    context, page = logged_in_page(browser, live_server, client, district_officer)
    try:
        for path in ["/dashboard/rates/?level=firm", "/dashboard/firms/", "/dashboard/complaints/",
                     "/dashboard/exports/", "/dashboard/import/", "/portal/results/"]:
            page.goto(live_server.url + path)
            assert axe_violations(page, live_server) == [], path
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(live_server.url + "/portal/results/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
