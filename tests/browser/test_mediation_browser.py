"""A dispute mediated in a real browser, on a phone, as the community's mediator does it in the
workbench: taken in with its parties, a session, the agreement, the follow-up; then its outcome
on the complex's dashboard page. axe-core checks every page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from communities.models import MediationCase, MediationStatus
from tests.browser.conftest import PHONE
from tests.browser.test_governance_browser import log_in, role_groups  # noqa: F401 (fixture)
from tests.browser.test_workbench_browser import Driver, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_dispute_is_taken_in_mediated_agreed_and_resolved(live_server, new_page, world, shuguang_worker,
                                                           district_officer):
    driver = Driver(new_page(**PHONE), live_server, check_layout_width=360)
    driver.login(shuguang_worker.username)
    driver.page.goto(f"{live_server.url}/workbench/mediation/")
    driver.check_page()
    driver.click("#new-case")
    driver.select("#id_complex", label="曙光东苑")
    driver.fill("#id_subject", "楼上漏水")
    driver.fill("#id_description", "卫生间漏水殃及楼下")
    driver.fill("#id_opened_on", "2026-10-01")
    driver.fill("#id_mediator", "王调解员")
    driver.fill("#id_rows-0-name", "张阿姨")
    driver.select("#id_rows-0-side", value="resident")
    driver.fill("#id_rows-1-name", "巨和物业")
    driver.select("#id_rows-1-side", value="firm")
    driver.click("#save-case")
    expect(driver.page.locator("#case-status")).to_contain_text("Taken in, first session to hold")

    driver.click("a.step-button:text-is('Session held')")
    driver.fill("#id_held_on", "2026-10-08")
    driver.fill("#id_summary", "双方陈述，约定现场查看")
    driver.click("#save-case")
    driver.click("a.step-button:text-is('Agreement recorded')")
    driver.fill("#id_agreed_on", "2026-10-20")
    driver.fill("#id_agreement", "物业十日内维修管道")
    driver.click("#save-case")
    expect(driver.page.locator("#case-status")).to_contain_text("Agreement reached, follow-up due")
    driver.click("a.step-button:text-is('Follow-up recorded')")
    driver.fill("#id_checked_on", "2026-11-20")
    driver.check("#id_honoured")
    driver.fill("#id_note", "已修好，双方满意")
    driver.click("#save-case")
    expect(driver.page.locator("#case-status")).to_contain_text("Resolved: agreement honoured")
    expect(driver.page.locator("#case-outcome")).to_contain_text("物业十日内维修管道")

    case = MediationCase.objects.get()
    assert case.status == MediationStatus.RESOLVED and case.parties.count() == 2 and case.sessions.count() == 1
    assert list(case.events.values_list("action", flat=True)) == [
        "open", "hold_session", "record_agreement", "follow_up"]

    dashboard = log_in(new_page, live_server, district_officer)
    dashboard.goto(f"{live_server.url}/dashboard/complexes/{world.shuguang_east.pk}/")
    expect(dashboard.locator("#complex-mediations")).to_contain_text("Resolved: agreement honoured")
    assert_accessible(dashboard, live_server.url)
