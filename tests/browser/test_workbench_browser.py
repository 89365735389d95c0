"""The workbench in a real browser, as the issue's four tasks are done, counting each click,
fill, selection and tick the test makes (the login, three interactions, is counted apart):

- on a 360×740 phone: take in a complaint for a resident who phoned and drive it to resolved;
- on a 768×1024 tablet: enter an inspection;
- record a joint meeting with three resolutions and a cited complaint, with JavaScript on and
  off (and the issue's yardstick, two resolutions and one cited complaint);

axe-core (vendored) checks every page visited for WCAG 2.1 A/AA violations; on the phone no
page is wider than the screen and every control is at least 44 px tall. Each task's count is
pinned (a change that adds a step fails here), and the yardstick is held to the issue's target
of at most 15 interactions."""
from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Complaint, Status
from partybranches.models import JointMeeting
from properties.models import Inspection
from tests import factories as f
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD
from tests.workbench.conftest import file_complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TABLET = {"viewport": {"width": 768, "height": 1024}, "is_mobile": True, "has_touch": True}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The issue's target: a meeting with 2 resolutions and 1 cited complaint in at most 15.
TARGET = 15


class Driver:
    """The page, counting the interactions a person would make."""

    def __init__(self, page, live_server, *, check_layout_width=None, javascript=True):
        self.page, self.url, self.count = page, live_server.url, 0
        self.width = check_layout_width
        # axe-core runs as a script in the page; with JavaScript off the same server-rendered
        # pages are checked by the JavaScript-on runs.
        self.javascript = javascript
        self.pages_checked = set()

    def _after(self):
        self.page.wait_for_load_state()
        self.check_page()

    def click(self, selector):
        self.count += 1
        self.page.click(selector)
        self._after()

    def fill(self, selector, value):
        self.count += 1
        self.page.fill(selector, value)

    def select(self, selector, **option):
        self.count += 1
        self.page.select_option(selector, **option)

    def check(self, selector):
        self.count += 1
        self.page.check(selector)

    def login(self, username):
        """Three interactions, not counted in the task."""
        self.page.goto(f"{self.url}/workbench/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("#login-button")
        expect(self.page.locator("h1")).to_contain_text("My day")
        self.check_page()

    def check_page(self):
        """axe-core on each new page (by path), and the phone layout rules."""
        path = self.page.evaluate("location.pathname")
        if path in self.pages_checked:
            return
        self.pages_checked.add(path)
        if self.javascript:
            assert_accessible(self.page, self.url)
        if self.width:
            assert_fits_and_touchable(self.page, self.width)


def assert_accessible(page, base_url):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{base_url}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], f"{page.url}: {violations}"


def assert_fits_and_touchable(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    small = page.evaluate("""() => Array.from(document.querySelectorAll(
        'main button, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main textarea, nav.menu a, .top button, main .button, main .row-link'))
        .filter(e => e.offsetParent !== null)
        .map(e => [e.id || e.name || e.textContent.trim().slice(0, 20), Math.round(e.getBoundingClientRect().height)])
        .filter(([name, h]) => h < 44)""")
    assert small == [], f"{page.url}: controls under 44 px: {small}"


@pytest.fixture
def category(world):
    return f.CategoryFactory(code="shared-facilities", name="公共设施维修")


@pytest.fixture
def party(world):
    return f.PartyOrgFactory(community=world.shuguang, name="曙光社区党委", kind="community_committee")


# ---------------------------------------------------------------------------
# 1. Phone: take in a complaint and drive it to resolved
# ---------------------------------------------------------------------------
def test_phone_take_in_a_complaint_and_drive_it_to_resolved(live_server, new_page, world, category, shuguang_worker):
    driver = Driver(new_page(**PHONE), live_server, check_layout_width=360)
    driver.login("li")

    driver.click("#home-action-1")  # "Take in a complaint", one tap from my day
    driver.select("#id_complex", label="曙光东苑")
    driver.select("#id_category", label="公共设施维修")
    driver.fill("#id_description", "5栋3楼楼道灯坏了一周")
    driver.fill("#id_reporter_phone", "13812345678")
    driver.click("#file-complaint")
    expect(driver.page.locator("#complaint-status")).to_have_text("Submitted")
    expect(driver.page.locator(".message")).to_contain_text("Its tracking code is")

    driver.click("#do-accept")
    expect(driver.page.locator("#complaint-status")).to_have_text("Accepted")
    driver.click("#do-start")
    expect(driver.page.locator("#complaint-status")).to_have_text("In progress")
    driver.fill("#id_resolve-note", "已更换楼道灯泡")
    driver.click("#do-resolve")
    expect(driver.page.locator("#complaint-status")).to_have_text("Resolved")

    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.channel, complaint.resolution_note) == (Status.RESOLVED, "phone", "已更换楼道灯泡")
    assert list(complaint.events.values_list("actor__username", flat=True)) == ["li"] * 4
    assert driver.count == 10, f"phone, complaint taken in and resolved: {driver.count} interactions"


def test_phone_queue_filters_without_a_reload_and_reveals_the_phone(live_server, new_page, world, category,
                                                                   shuguang_worker):
    late = file_complaint(world.shuguang_complex, category, submitted_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.timezone.utc))
    fresh = file_complaint(world.shuguang_east, category)
    driver = Driver(new_page(**PHONE), live_server, check_layout_width=360)
    driver.login("li")
    driver.page.goto(f"{live_server.url}/workbench/complaints/")
    driver.check_page()
    driver.page.click("#queue-filters summary")
    driver.page.select_option("#id_overdue", "yes")
    expect(driver.page.locator("#complaint-rows .row")).to_have_count(1)
    expect(driver.page.locator("#complaint-rows")).to_contain_text(late.tracking_code)
    assert "overdue=yes" in driver.page.url  # the filtered list keeps its address
    driver.page.goto(f"{live_server.url}/workbench/complaints/{fresh.pk}/")
    driver.page.click("#reveal-phone")
    expect(driver.page.locator("#full-phone")).to_have_text("13812345678")


# ---------------------------------------------------------------------------
# 2. Tablet: enter an inspection
# ---------------------------------------------------------------------------
def test_tablet_enter_an_inspection(live_server, new_page, world, shuguang_worker):
    driver = Driver(new_page(**TABLET), live_server, check_layout_width=768)
    driver.login("li")
    driver.click("nav.menu >> text=Inspections")
    driver.click("#new-inspection")
    expect(driver.page.locator("#id_complex")).to_contain_text("曙光东苑 · 巨和物业")
    driver.select("#id_complex", label="曙光东苑 · 巨和物业")
    for item, points in (("order_security", "18"), ("equipment", "17"), ("cleaning", "19"), ("greening", "15"),
                         ("records", "16")):
        driver.fill(f"#id_{item}", points)
    driver.click("#save-inspection")
    expect(driver.page.locator(".message")).to_have_text("Inspection saved.")
    expect(driver.page.locator("#inspection-table")).to_contain_text("巨和物业")
    inspection = Inspection.objects.get()
    assert (inspection.complex, inspection.total, inspection.inspected_on) == (world.shuguang_east, 85, timezone.localdate())
    assert driver.count == 9, f"tablet, inspection entered: {driver.count} interactions"


# ---------------------------------------------------------------------------
# 3. A joint meeting with resolutions and a cited complaint, JavaScript on and off
# ---------------------------------------------------------------------------
def fill_resolution(driver, index, text, side, due):
    driver.fill(f"#id_resolutions-{index}-text", text)
    driver.select(f"#id_resolutions-{index}-responsible_side", label=side)
    driver.fill(f"#id_resolutions-{index}-due_on", due)


def record_meeting(driver, complaint, *, resolutions, javascript):
    driver.click("#home-action-2")  # "Record a joint meeting", one tap from my day
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    driver.fill("#id_held_on", yesterday)
    driver.fill("#id_attendees_party", "3")
    driver.fill("#id_attendees_firm", "2")
    driver.fill("#id_topics", "楼道照明；电动车充电")
    driver.fill("#id_minutes", "与会各方逐项议定。")
    sides = ["Property firm", "Residents' committee", "Community party organisation"]
    for index, text in enumerate(resolutions):
        fill_resolution(driver, index, text, sides[index % 3], (timezone.localdate() + datetime.timedelta(days=7 * (index + 1))).isoformat())
    if javascript:
        driver.fill("#id_cited_codes", complaint.tracking_code[:4].lower())
        expect(driver.page.locator("#complaint-suggestions")).to_contain_text("曙光东苑 · 公共设施维修")
        driver.click(f"[data-pick-code='{complaint.tracking_code}']")
        expect(driver.page.locator("#id_cited_codes")).to_have_value(complaint.tracking_code)
    else:
        driver.fill("#id_cited_codes", complaint.tracking_code)
    driver.click("#save-meeting")
    expect(driver.page.locator(".message")).to_contain_text(f"{len(resolutions)} resolution(s)")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_record_a_meeting_with_three_resolutions_and_a_cited_complaint(javascript, live_server, new_page, world, party,
                                                                       category, shuguang_worker):
    complaint = file_complaint(world.shuguang_east, category)
    page = new_page(**PHONE, java_script_enabled=javascript)
    driver = Driver(page, live_server, check_layout_width=360, javascript=javascript)
    driver.login("li")

    # Rows come and go: added in place with htmx (a reload without JavaScript), removed in place
    # with JavaScript (ticked "remove" without); neither is saved.
    driver.page.click("#home-action-2")
    driver.page.click("#add-resolution")
    expect(driver.page.locator("#resolution-rows .formset-row")).to_have_count(4)
    if javascript:
        assert driver.page.evaluate("performance.getEntriesByType('navigation').length") == 1
        driver.page.fill("#id_resolutions-3-text", "临时一行")
        driver.page.click("#resolution-row-4 [data-remove-row]")
        expect(driver.page.locator("#resolution-row-4")).to_be_hidden()
    driver.page.goto(f"{live_server.url}/workbench/")

    texts = ["一周内更换楼道灯", "公示维修进度", "征求居民意见形成充电桩方案"]
    record_meeting(driver, complaint, resolutions=texts, javascript=javascript)
    meeting = JointMeeting.objects.get()
    assert sorted(meeting.resolutions.values_list("text", flat=True)) == sorted(texts)
    assert list(meeting.cited_complaints.all()) == [complaint]
    assert list(meeting.complexes.all()) == [world.shuguang_east]  # from the cited complaint
    expect(driver.page.locator("#resolution-list li")).to_have_count(3)
    # Meeting form, 6; three resolutions, 3 × 3; the citation, 2 with the autocomplete (type, pick)
    # or 1 typed in full; save, 1. The target's 15 plus one more resolution row (3).
    recorded = driver.count
    assert recorded == (18 if javascript else 17), f"meeting, 3 resolutions + 1 cited complaint: {recorded}"
    assert recorded <= TARGET + 3
    driver.click("#print-link")
    expect(driver.page.locator("#meeting-minutes")).to_have_text("与会各方逐项议定。")


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_issues_yardstick_two_resolutions_and_one_cited_complaint(javascript, live_server, new_page, world, party,
                                                                      category, shuguang_worker):
    complaint = file_complaint(world.shuguang_east, category)
    driver = Driver(new_page(**TABLET, java_script_enabled=javascript), live_server, javascript=javascript)
    driver.login("li")
    record_meeting(driver, complaint, resolutions=["一周内更换楼道灯", "公示维修进度"], javascript=javascript)
    assert JointMeeting.objects.get().resolutions.count() == 2
    assert driver.count == (15 if javascript else 14), f"meeting, 2 resolutions + 1 cited complaint: {driver.count}"
    assert driver.count <= TARGET
