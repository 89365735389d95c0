"""The admin's complaints list at a laptop's width: one line per complaint, however long the
firm's name, so a page of 100 complaints reads without endless scrolling."""
from __future__ import annotations

import pytest

from playwright.sync_api import expect

from tests import factories as f
from tests.browser.test_governance_browser import role_groups  # noqa: F401 (fixture)
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LAPTOP = {"width": 1366, "height": 768}


def test_a_page_of_100_complaints_keeps_each_on_one_line(live_server, new_page, world, district_officer):
    firm = f.FirmFactory(name="昆明市官渡区巨和物业服务有限责任公司", credit_code=f.credit_code(9300))
    category = f.CategoryFactory(code="shared-facilities", name="公共设施维修")
    f.ComplaintFactory.create_batch(100, complex=world.shuguang_east, category=category, handler_level="firm",
                                    assigned_firm=firm)

    page = new_page(viewport=LAPTOP)
    page.set_default_timeout(60_000)  # a page of 100 rows, on a machine shared by several test runs
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", district_officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    page.goto(f"{live_server.url}/admin/complaints/complaint/")

    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 100
    heights = rows.evaluate_all("rows => rows.map(row => row.getBoundingClientRect().height)")
    assert max(heights) < 40, max(heights)  # one line of text (it was six)
    assert page.evaluate("document.documentElement.scrollHeight") < 5000  # it was 9,582 px
    handler = rows.first.locator("td.field-handler span")
    assert handler.get_attribute("title") == "昆明市官渡区巨和物业服务有限责任公司"
