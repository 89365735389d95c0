"""A firm's exit and replacement in a real browser, as the district and the community do it:
the district opens the procedure and records the joint meeting's decision and the successor in
the admin; the community worker keeps the handover checklist and records the three signatures in
the workbench; the district records the new contract; the dashboard lists the complexes nobody
is responsible for. axe-core checks every new page (workbench and dashboard)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from communities.models import ManagementMode
from properties.models import ContractExit, ContractStatus, ExitStatus, HandoverItemKind
from properties.services import contract_put_under_exit_review
from tests import factories as f
from tests.browser.test_governance_browser import click_step, log_in, role_groups  # noqa: F401 (fixture)
from tests.browser.test_workbench_browser import Driver, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_firm_exits_hands_over_and_is_replaced(live_server, new_page, world, district_officer, shuguang_worker):
    xinhe = f.FirmFactory(name="新和物业", credit_code=f.credit_code(9004))
    f.ComplexFactory(community=world.shuguang, name="弃管小区", complex_type="old", management_mode=ManagementMode.NONE)
    contract_put_under_exit_review(actor=district_officer, contract=world.juhe_contract, reason="连续两个季度考评不合格")

    # The district: open, decide, choose the successor (admin).
    admin = log_in(new_page, live_server, district_officer)
    admin.goto(f"{live_server.url}/admin/properties/contractexit/add/")
    admin.select_option("#id_contract", index=1)
    admin.fill("#id_opened_on", "2026-09-01")
    admin.click("input[type=submit]")
    expect(admin.locator(".field-status")).to_contain_text("Awaiting the joint meeting's decision")
    admin.click('a.step-button:text-is("Joint meeting\'s decision recorded")')
    admin.fill("#id_decided_on", "2026-09-20")
    admin.check("input[name=decision][value=exit]")
    admin.fill("#id_note", "联席会议决定解除合同")
    admin.click("input[type=submit]")
    expect(admin.locator(".field-status")).to_contain_text("Choosing the successor")
    click_step(admin, "Successor chosen")
    admin.fill("#id_chosen_on", "2026-10-08")
    admin.check("input[name=successor_kind][value=owners_vote]")
    admin.select_option("#id_successor_firm", label="新和物业")
    admin.fill("#id_note", "业主大会表决：210户、2.1万㎡同意")
    admin.click("input[type=submit]")
    expect(admin.locator(".field-status")).to_contain_text("Handover under way")

    # The community: the checklist and the three signatures (workbench).
    driver = Driver(new_page(), live_server)
    driver.login(shuguang_worker.username)
    driver.click("nav >> text=Firm exits")
    expect(driver.page.locator("#exit-rows")).to_contain_text("曙光东苑")
    driver.click("#exit-rows .row-link")
    driver.click("a.step-button:text-is('Handover checklist updated')")
    for kind in HandoverItemKind.values:
        driver.check(f"#id_done_{kind}")
        driver.fill(f"#id_detail_{kind}", "已清点移交")
    driver.fill("#id_amount_fee_arrears", "3500")
    driver.click("#save-step")
    expect(driver.page.locator("#handover-items")).to_contain_text("已清点移交")
    for side in ("outgoing", "incoming", "community"):
        driver.click("a.step-button:text-is('Handover signed')")
        driver.select("#id_side", value=side)
        driver.fill("#id_signed_on", "2026-11-01")
        driver.click("#save-step")
    expect(driver.page.locator("#exit-status")).to_contain_text("Handed over, new contract to record")
    expect(driver.page.locator(".step-button")).to_have_count(0)

    # The district records the new contract.
    admin.reload()
    click_step(admin, "New contract recorded")
    admin.fill("#id_start_date", "2026-11-02")
    admin.fill("#id_fee_standard", "0.90")
    admin.click("input[type=submit]")
    expect(admin.locator(".field-status")).to_contain_text("Replaced")

    record = ContractExit.objects.get()
    assert record.status == ExitStatus.COMPLETED and record.new_contract.firm == xinhe
    assert record.contract.status == ContractStatus.TERMINATED and record.contract.successor == record.new_contract
    assert list(record.events.values_list("action", flat=True)) == [
        "open", "decide", "choose_successor", "check_items", "sign", "sign", "sign", "record_contract"]

    # The dashboard: nobody is responsible for 弃管小区; the exit shows on 曙光东苑's page.
    dashboard = log_in(new_page, live_server, district_officer)
    dashboard.goto(f"{live_server.url}/dashboard/unattended/")
    expect(dashboard.locator("#unattended")).to_contain_text("弃管小区")
    expect(dashboard.locator("#unattended")).not_to_contain_text("曙光东苑")
    assert_accessible(dashboard, live_server.url)
    dashboard.goto(f"{live_server.url}/dashboard/complexes/{world.shuguang_east.pk}/")
    expect(dashboard.locator("#complex-exits")).to_contain_text("Replaced")
    assert_accessible(dashboard, live_server.url)
