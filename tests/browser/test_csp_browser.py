"""The Content-Security-Policy breaks nothing (issue 9.12): Chromium loads and works the portal,
the workbench and the dashboard under the policy, and records no violation (neither a
`securitypolicyviolation` event nor a console error naming the policy)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from complaints.services import complaint_submit
from tests import factories as f
from tests.conftest import PASSWORD
from tests.dashboard.conftest import district, figures_computed_on_each_request, frozen  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture(autouse=True)
def reference_data(db):
    """Role groups and categories, which a transactional test earlier on the worker may have flushed."""
    from tests.api.test_schemathesis import seed_reference_data

    seed_reference_data()


class Watched:
    """A page whose policy violations are collected, from the page's events and the console."""

    def __init__(self, page):
        self.page, self.console = page, []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: self.console.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text else None)

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.__cspViolations || []"), *self.console]

    def goto(self, url):
        response = self.page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")
        assert self.violations() == [], url


def test_portal_under_the_policy(live_server, new_page, world):
    f.CategoryFactory(code="lighting", name="楼道照明")
    watched = Watched(new_page())
    watched.goto(f"{live_server.url}/portal/")
    watched.goto(f"{live_server.url}/portal/new/")
    # The place picker narrows the complexes with htmx.
    watched.page.select_option("#f-subdistrict", label="太和街道")
    watched.page.wait_for_load_state("networkidle")
    watched.goto(f"{live_server.url}/portal/track/")
    assert watched.violations() == []


def test_workbench_under_the_policy(live_server, new_page, world, shuguang_worker):
    category = f.CategoryFactory(code="lighting", name="楼道照明")
    complaint = complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                                 reporter_phone="13812345678", reporter_email="li@example.org")
    watched = Watched(new_page())
    watched.goto(f"{live_server.url}/workbench/login/")
    watched.page.fill("#id_username", shuguang_worker.username)
    watched.page.fill("#id_password", PASSWORD)
    watched.page.click("#login-button")
    expect(watched.page.locator("h1")).to_contain_text("My day")
    watched.goto(f"{live_server.url}/workbench/complaints/")
    watched.goto(f"{live_server.url}/workbench/complaints/{complaint.pk}/")
    # The reveal swaps the phone in place and the e-mail out of band (htmx).
    watched.page.click("#reveal-phone")
    expect(watched.page.locator("#full-phone")).to_have_text("13812345678")
    expect(watched.page.locator("#reporter-email")).to_have_text("li@example.org")
    assert watched.violations() == []


def test_dashboard_under_the_policy(live_server, new_page, client, district, district_officer):
    client.force_login(district_officer)
    page = new_page(viewport={"width": 1024, "height": 768})
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    watched = Watched(page)
    watched.goto(f"{live_server.url}/dashboard/")
    expect(page.locator(".chart.drawn")).to_have_count(6)  # ECharts drew every chart under the policy
    watched.goto(f"{live_server.url}/dashboard/firms/{district.juhe.pk}/report/2026Q3/")
    assert watched.violations() == []
