"""The residents' portal in a real browser: report with a photo, follow it with the code and
phone tail, rate it once resolved; on a desktop, on a phone-sized touch screen, and with
JavaScript switched off."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from complaints.models import Complaint, Status
from complaints.services import complaint_accept, complaint_resolve
from tests import factories as f
from tests.browser.conftest import PHONE
from tests.complaints.photo_files import jpeg_with_gps

# The live server needs a transactional database; serialized_rollback restores the rows the
# data migrations wrote (categories, role groups) that the flush after each test removes.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def category(world):
    return f.CategoryFactory(code="shared-facilities", name="公共设施维修")


def fill_report(page, *, description, phone="13812345678"):
    page.select_option("#id_category", label="公共设施维修")
    page.fill("#id_description", description)
    page.fill("#id_location_detail", "5栋2单元")
    page.fill("#id_reporter_phone", phone)
    page.set_input_files("#id_photos", files=[{"name": "light.jpg", "mimeType": "image/jpeg",
                                                 "buffer": jpeg_with_gps()}])
    page.click("#submit-report")
    code = page.locator("#tracking-code").inner_text().strip()
    assert len(code) == 10 and code[4] == "-"
    return code


def track_and_rate(new_page, live_server, code, **context_options):
    """In a fresh browser (no session): look the report up, see it resolved, rate it."""
    page = new_page(**context_options)
    page.goto(f"{live_server.url}/portal/track/")
    page.fill("#id_code", code.lower())
    page.fill("#id_phone_tail", "5678")
    page.click("#track-button")
    expect(page.locator("#complaint-status")).to_have_text("Submitted")
    expect(page.locator("#complaint-description")).to_contain_text("楼道灯")

    complaint = Complaint.objects.get(tracking_code=code)
    staff = get_user_model().objects.create(username="desk", is_staff=True, is_superuser=True)
    complaint_accept(complaint=complaint, actor=staff)
    complaint_resolve(complaint=complaint, actor=staff, note="已更换灯泡")

    page.reload()
    expect(page.locator("#complaint-status")).to_have_text("Resolved")
    page.locator("#rate-form label.choice", has_text="5").click()
    page.fill("#id_comment", "谢谢")
    page.click("#rate-button")
    expect(page.locator(".message")).to_have_text("Thank you for your rating.")
    expect(page.locator("#rate-form")).to_have_count(0)
    expect(page.locator("#complaint-status")).to_have_text("Closed")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.rating, complaint.rating_comment) == (Status.CLOSED, 5, "谢谢")
    return page


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_report_track_and_rate(live_server, new_page, world, category, device):
    options = PHONE if device == "phone" else {}
    page = new_page(**options)
    page.goto(f"{live_server.url}/portal/new/")
    if device == "phone":
        page.screenshot(path="/tmp/portal-phone.png", full_page=True)
        # Readable at 360 px: nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Cascading without a reload: the subdistrict narrows communities and complexes (htmx).
    page.select_option("#f-subdistrict", label="太和街道")
    expect(page.locator("#f-community option")).to_have_count(2)  # "all" and 曙光社区
    expect(page.locator("#id_complex option", has_text="和乐居")).to_have_count(0)
    page.fill("#f-q", "东苑")
    expect(page.locator("#id_complex optgroup option")).to_have_count(1)
    page.select_option("#id_complex", label="曙光东苑")

    code = fill_report(page, description="5栋楼道灯不亮")

    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.complex == world.shuguang_east and complaint.attachments.count() == 1
    track_and_rate(new_page, live_server, code, **options)


def test_report_without_javascript(live_server, new_page, world, category):
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/portal/new/")

    # Without htmx, the picker's filters are a plain GET form.
    page.select_option("#f-subdistrict", label="金马街道")
    page.click("#place-filter-button")
    expect(page.locator("#id_complex optgroup option")).to_have_count(1)
    page.select_option("#id_complex", label="和乐居")

    code = fill_report(page, description="5栋楼道灯不亮，没有脚本也能提交")

    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.complex == world.heleju
    page.click("text=See your report now")
    expect(page.locator("#complaint-status")).to_have_text("Submitted")
    track_and_rate(new_page, live_server, code, java_script_enabled=False)


def test_filters_survive_a_report_sent_back_with_an_error(live_server, new_page, world, category):
    page = new_page(**PHONE)
    page.goto(f"{live_server.url}/portal/new/")
    page.select_option("#f-subdistrict", label="金马街道")
    expect(page.locator("#f-community option")).to_have_count(2)  # "all" and 和平路社区
    page.select_option("#f-community", label="和平路社区")
    # The community's partial has come back (the subdistrict alone already narrows to one complex).
    expect(page.locator("#report-form input[type=hidden][name=community]")).not_to_have_value("")
    expect(page.locator("#id_complex optgroup option")).to_have_count(1)
    page.select_option("#id_complex", label="和乐居")
    page.select_option("#id_category", label="公共设施维修")
    page.evaluate("document.getElementById('report-form').noValidate = true")  # the server's check
    page.click("#submit-report")  # no description

    expect(page.locator("#id_description")).to_be_visible()
    assert page.locator("#f-subdistrict option:checked").inner_text() == "金马街道"
    assert page.locator("#f-community option:checked").inner_text() == "和平路社区"
    assert page.locator("#id_complex optgroup option").all_inner_texts() == ["和乐居"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("path", ["/portal/", "/portal/new/", "/portal/track/"])
def test_header_and_footer_touch_targets_are_at_least_44px_tall(live_server, new_page, world, path):
    page = new_page(**PHONE)
    page.goto(f"{live_server.url}{path}")
    targets = page.locator("footer.foot a, header.top a, header.top button")
    assert targets.count() >= 5
    heights = {targets.nth(i).inner_text(): targets.nth(i).bounding_box()["height"] for i in range(targets.count())}
    assert all(height >= 44 for height in heights.values()), heights
