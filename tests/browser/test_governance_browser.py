"""The governance workflows in a real browser, through the admin (the door for district and
subdistrict steps): each record opened and walked through its moves by clicking the buttons
its change page offers, as staff would."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from communities.models import CommitteeElection, CommitteeStatus, ElectionStatus
from tests.conftest import PASSWORD

# The live server needs a transactional database; serialized_rollback restores the rows the
# data migrations wrote (role groups, categories) that the flush after each test removes.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def role_groups():
    """The role groups the personas join, and their content types: a transactional test run earlier
    on the same worker may have flushed the rows the data migrations wrote (sync_role_groups is
    idempotent)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from redproperty.roles import sync_role_groups

    sync_role_groups(MigrationExecutor(connection).loader.project_state().apps)
    # The flush also renumbered the content types the admin's change log points at.
    ContentType.objects.clear_cache()


def log_in(new_page, live_server, user):
    page = new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    return page


def fill_rows(page, rows):
    """Fill a step form's table of rows (prefix `rows`), one dict per row, by field name."""
    for i, row in enumerate(rows):
        for name, value in row.items():
            selector = f"[name=rows-{i}-{name}]"
            if isinstance(value, bool):
                page.set_checked(selector, value)
            elif page.locator(selector).evaluate("e => e.tagName") == "SELECT":
                page.select_option(selector, value)
            else:
                page.fill(selector, value)


def click_step(page, label):
    page.click(f"a.step-button:text-is('{label}')")


def test_a_committee_is_formed_elected_and_filed(live_server, new_page, world, shuguang_worker):
    page = log_in(new_page, live_server, shuguang_worker)
    page.goto(f"{live_server.url}/admin/communities/committeeelection/add/")
    page.select_option("#id_complex", label="曙光小区")
    page.fill("#id_formed_on", "2026-08-01")
    fill_rows(page, [
        {"name": "周书记", "side": "party", "post": "社区党委书记", "is_leader": True, "is_party_member": True},
        {"name": "吴主任", "side": "residents_committee"},
        {"name": "业主甲", "side": "owners"},
    ])
    page.click("input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("opened")
    expect(page.locator(".field-status")).to_contain_text("Preparatory group at work")

    click_step(page, "General meeting convened")
    page.fill("#id_meeting_on", "2026-10-10")
    page.fill("#id_owners_total", "300")
    page.fill("#id_area_total", "30000")
    fill_rows(page, [{"name": "张主任", "role": "director", "is_party_member": True}]
              + [{"name": f"候选人{i}", "is_party_member": i < 2} for i in range(5)])
    page.click("input[type=submit]")
    expect(page.locator(".field-status")).to_contain_text("General meeting convened")

    click_step(page, "Vote recorded")
    election = CommitteeElection.objects.get()
    page.fill("#id_voted_on", "2026-10-10")
    page.fill("#id_owners_voting", "150")  # under two thirds of 300
    page.fill("#id_area_voting", "15000")
    for candidate in election.candidates.all():
        page.fill(f"#id_owners_{candidate.pk}", "140")
        page.fill(f"#id_area_{candidate.pk}", "14000")
    page.click("input[type=submit]")
    expect(page.locator(".field-status")).to_contain_text("Vote failed")
    expect(page.locator(".field-result_note")).to_contain_text("Too few owners took part")

    # The group convenes again; this time two thirds come and five candidates win.
    click_step(page, "General meeting convened")
    page.fill("#id_meeting_on", "2026-11-01")
    page.fill("#id_owners_total", "300")
    page.fill("#id_area_total", "30000")
    fill_rows(page, [{"name": "张主任", "role": "director", "is_party_member": True}]
              + [{"name": f"候选人{i}", "is_party_member": i < 2} for i in range(5)])
    page.click("input[type=submit]")
    click_step(page, "Vote recorded")
    page.fill("#id_voted_on", "2026-11-01")
    page.fill("#id_owners_voting", "240")
    page.fill("#id_area_voting", "25000")
    for i, candidate in enumerate(CommitteeElection.objects.get().candidates.order_by("pk")):
        page.fill(f"#id_owners_{candidate.pk}", "30" if i == 5 else "200")
        page.fill(f"#id_area_{candidate.pk}", "3000" if i == 5 else "20000")
    page.click("input[type=submit]")
    expect(page.locator(".field-status")).to_contain_text("Elected, to be filed")

    click_step(page, "Filed with the subdistrict")
    page.fill("#id_filed_on", "2026-11-10")
    page.click("input[type=submit]")
    expect(page.locator(".field-status")).to_contain_text("Filed")
    expect(page.locator("a.step-button")).to_have_count(0)

    election = CommitteeElection.objects.get()
    assert election.status == ElectionStatus.FILED
    assert election.committee.status == CommitteeStatus.ACTIVE and election.committee.members.count() == 5
    assert list(election.events.values_list("action", flat=True)) == [
        "open", "convene", "record_result", "convene", "record_result", "file"]
