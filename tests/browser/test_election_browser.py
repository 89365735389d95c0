"""An owners' committee formed in a real browser, on a phone, as the community worker does it
in the workbench: the preparatory group led by the party organisation's secretary, the general
meeting convened with its candidates, the vote under the double majority, the filing. axe-core
checks every page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from communities.models import CommitteeElection, ElectionStatus
from tests.browser.conftest import PHONE
from tests.browser.test_governance_browser import role_groups  # noqa: F401 (fixture)
from tests.browser.test_workbench_browser import Driver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_committee_is_formed_elected_and_filed_on_a_phone(live_server, new_page, world, shuguang_worker):
    driver = Driver(new_page(**PHONE), live_server, check_layout_width=360)
    driver.login(shuguang_worker.username)
    driver.page.goto(f"{live_server.url}/workbench/elections/")
    driver.check_page()
    driver.click("#new-election")
    driver.select("#id_complex", label="曙光东苑")
    driver.fill("#id_formed_on", "2026-08-01")
    for i, (name, side) in enumerate([("周书记", "party"), ("李主任", "residents_committee"), ("王业主", "owners")]):
        driver.fill(f"#id_rows-{i}-name", name)
        driver.select(f"#id_rows-{i}-side", value=side)
    driver.check("#id_rows-0-is_leader")
    driver.click("#save-election")
    expect(driver.page.locator("#election-status")).to_contain_text("Preparatory group at work")
    expect(driver.page.locator("#group-members")).to_contain_text("周书记")

    driver.click("a.step-button:text-is('General meeting convened')")
    driver.fill("#id_meeting_on", "2026-10-10")
    driver.fill("#id_owners_total", "300")
    driver.fill("#id_area_total", "30000")
    for i in range(5):
        driver.fill(f"#id_rows-{i}-name", f"候选人{i}")
    driver.select("#id_rows-0-role", value="director")
    driver.click("#save-election")
    expect(driver.page.locator("#election-status")).to_contain_text("General meeting convened")

    election = CommitteeElection.objects.get()
    driver.click("a.step-button:text-is('Vote recorded')")
    driver.fill("#id_voted_on", "2026-10-10")
    driver.fill("#id_owners_voting", "210")
    driver.fill("#id_area_voting", "21000")
    for c in election.candidates.all():
        driver.fill(f"#id_owners_{c.pk}", "200")
        driver.fill(f"#id_area_{c.pk}", "20000")
    driver.click("#save-election")
    expect(driver.page.locator("#election-status")).to_contain_text("Elected, to be filed")

    driver.click("a.step-button:text-is('Filed with the subdistrict')")
    driver.fill("#id_filed_on", "2026-11-20")
    driver.click("#save-election")
    expect(driver.page.locator("#election-status")).to_contain_text("Filed")

    election.refresh_from_db()
    assert election.status == ElectionStatus.FILED and election.committee is not None
    assert list(election.events.values_list("action", flat=True)) == ["open", "convene", "record_result", "file"]
