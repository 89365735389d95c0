"""A red-project application in a real browser (Debian's Chromium): the community worker
applies in the workbench (申报); the district officer reviews it with scores, designates it and
recommends it to the city in the admin (评审 → 命名 → 推荐); the worker sees the outcome.
axe-core finds no WCAG 2.1 A/AA violation on the workbench pages visited."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from partybranches.models import ApplicationStatus, ProjectApplication, RedPropertyProject
from tests.browser.test_governance_browser import click_step, log_in, role_groups  # noqa: F401 (fixture)
from tests.browser.test_workbench_browser import TABLET, Driver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCORES = {"party_leadership": "28", "service_quality": "22", "satisfaction": "18", "joint_governance": "12",
          "innovation": "8"}


def test_a_complex_applies_and_is_designated_and_recommended(live_server, new_page, world, shuguang_worker,
                                                             district_officer):
    worker = Driver(new_page(**TABLET), live_server)
    worker.login(shuguang_worker.username)
    page = worker.page
    worker.click("a[href='/workbench/applications/']")
    worker.click("#new-application")
    worker.select("#id_community", label="曙光社区")
    worker.select("#id_complex", label="曙光小区")
    worker.fill("#id_name", "曙光小区红色物业示范")
    worker.fill("#id_summary", "社区党委牵头，物业企业、业委会交叉任职。")
    worker.fill("#id_materials", "工作总结报告\n联席会议纪要")
    worker.fill("#id_submitted_on", "2026-09-01")
    worker.click("#apply-button")
    expect(page.locator("#application-status")).to_have_text("Applied, awaiting review")
    application = ProjectApplication.objects.get()

    district = log_in(new_page, live_server, district_officer)
    district.goto(f"{live_server.url}/admin/partybranches/projectapplication/{application.pk}/change/")
    click_step(district, "Reviewed with scores")
    district.fill("#id_reviewed_on", "2026-10-01")
    for code, score in SCORES.items():
        district.fill(f"#id_score_{code}", score)
    district.click("input[type=submit]")
    expect(district.locator(".field-status")).to_contain_text("Reviewed, awaiting designation")
    click_step(district, "Designated at district level")
    district.fill("#id_designated_on", "2026-10-15")
    district.click("input[type=submit]")
    expect(district.locator(".field-status")).to_contain_text("Designated a district-level project")
    click_step(district, "Recommended to the city")
    district.fill("#id_recommended_on", "2026-11-01")
    district.click("input[type=submit]")
    expect(district.locator(".field-status")).to_contain_text("Recommended to the city")
    assert ProjectApplication.objects.get().status == ApplicationStatus.RECOMMENDED
    assert RedPropertyProject.objects.get().name == "曙光小区红色物业示范"

    page.reload()
    worker.check_page()
    expect(page.locator("#application-status")).to_have_text("Recommended to the city")
    expect(page.locator("#total-score")).to_have_text("88 / 100")
    expect(page.locator("#designated-project")).to_contain_text("曙光小区红色物业示范")
