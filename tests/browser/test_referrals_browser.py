"""A referral to a department in a real browser (Debian's Chromium), through the workbench, the
door of the community's steps: a worker refers a complaint from its page, records the
department's receipt and reply, and sees the reply on the referral's page; the district reads
the figures on the dashboard. axe-core finds no WCAG 2.1 A/AA violation on any page visited."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from complaints.models import Department, Referral, ReferralStatus
from tests import factories as f
from tests.browser.test_governance_browser import role_groups  # noqa: F401 (fixture)
from tests.browser.test_workbench_browser import TABLET, Driver
from tests.workbench.conftest import file_complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_complaint_is_referred_and_the_department_reply_recorded(live_server, new_page, world, shuguang_worker,
                                                                    district_officer):
    category = f.CategoryFactory(code="public-order", name="公共秩序")
    complaint = file_complaint(world.shuguang_complex, category)
    Department.objects.create(name="官渡区城市管理局", kind="urban_management", reply_days=10,
                              contact_person="王队长", contact_phone="0871-67171002")
    driver = Driver(new_page(**TABLET), live_server)
    driver.login(shuguang_worker.username)
    page = driver.page

    page.goto(f"{live_server.url}/workbench/complaints/{complaint.pk}/")
    driver.check_page()
    driver.click("#refer-complaint")
    expect(page.locator("h1")).to_contain_text("Refer a complaint to a department")
    driver.select("#id_department", label="官渡区城市管理局")
    driver.select("#id_matter", value="illegal_building")
    driver.fill("#id_summary", "顶楼住户私搭违建阳光房，物业劝阻无效。")
    driver.click("#refer-button")
    expect(page.locator("#referral-status")).to_have_text("Referred, awaiting the department")
    referral = Referral.objects.get()

    driver.fill("#id_acknowledge_acknowledged_on", referral.referred_on.isoformat())
    driver.fill("#id_acknowledge_department_reference", "GD2026-118")
    driver.click("#acknowledge-button")
    expect(page.locator("#referral-status")).to_have_text("Received by the department")

    driver.fill("#id_reply_replied_on", referral.referred_on.isoformat())
    driver.fill("#id_reply_reply", "已责令当事人限期拆除。")
    driver.click("#reply-button")
    expect(page.locator("#referral-status")).to_have_text("Department replied")
    expect(page.locator("#referral-reply")).to_have_text("已责令当事人限期拆除。")
    assert Referral.objects.get().status == ReferralStatus.REPLIED

    driver.click("a[href='/workbench/referrals/']")
    page.click("a[href='?status=replied']")
    expect(page.locator("#referral-rows")).to_contain_text(complaint.tracking_code)
    driver.check_page()

    district = Driver(new_page(**TABLET), live_server)
    district.login(district_officer.username)
    district.page.goto(f"{live_server.url}/dashboard/referrals/")
    expect(district.page.locator("#referral-figures tbody")).to_contain_text("官渡区城市管理局")
    expect(district.page.locator("#referral-figures tbody")).to_contain_text("100%")
    district.check_page()
