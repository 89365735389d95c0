"""Excel import: the template, a dry run that lists every bad row in Chinese and writes
nothing, an import that writes everything through the services (with history) or nothing."""
from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from communities.models import OwnersCommittee, OwnersCommitteeMember, ResidentialComplex
from dashboard.imports import SHEETS, import_workbook
from properties.models import ContractStatus, PropertyFirm, ServiceContract
from tests import factories as f
from tests.instants import pinned

pytestmark = pinned  # the import checks dates against today: a fixed one

NEW_CODE = f.credit_code(4242)


def xlsx(**sheets) -> io.BytesIO:
    """A workbook shaped like the template with the given rows per sheet key."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in SHEETS:
        ws = workbook.create_sheet(str(sheet.title))
        ws.append([str(label) for _key, label, _example in sheet.headers])
        for row in sheets.get(sheet.key, []):
            ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "import.xlsx"
    return buffer


def committee_rows(code, complex_name, size=5, start="2026-03-01", end="2031-02-28"):
    return [[code, complex_name, start, end, "2026-03-20", f"委员{i}", "主任" if i == 0 else "委员",
             "是" if i < 3 else "否"] for i in range(size)]


def good_file(world):
    code = world.shuguang.code
    return xlsx(
        complexes=[[code, "曙光新苑", "商品房", "专业物业服务企业", 320, 8, 36000, 2008, "曙光路 8 号"],
                   [code, "曙光北苑", "老旧弃管小区", "社区托管", 120, 3, "", "", ""]],
        firms=[["昆明新城物业有限公司", NEW_CODE, "一级", "张经理", "0871-1234567", "官渡区"]],
        contracts=[[NEW_CODE, code, "曙光新苑", datetime.date(2026, 1, 1), datetime.date(2028, 12, 31), 1.5,
                    "2026-01-10"]],
        committees=committee_rows(code, "曙光新苑"),
    )


def counts():
    return (ResidentialComplex.objects.count(), PropertyFirm.objects.count(), ServiceContract.objects.count(),
            OwnersCommittee.objects.count(), OwnersCommitteeMember.objects.count())


def test_the_template_has_the_four_sheets_with_an_example_each(as_user, world, district_officer):
    response = as_user(district_officer).get("/dashboard/import/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [ws.title for ws in book.worksheets] == ["小区", "物业企业", "服务合同", "业主委员会"]
    assert [c.value for c in book.worksheets[0][1]][:2] == ["社区代码", "小区名称"]
    assert all(ws.max_row == 2 for ws in book.worksheets)


def test_a_dry_run_writes_nothing_and_the_import_writes_everything_with_history(world, district_officer):
    before = counts()
    report = import_workbook(good_file(world), user=district_officer, commit=False)
    assert report.is_valid and report.counts == {"complexes": 2, "firms": 1, "contracts": 1, "committees": 1}
    assert counts() == before

    report = import_workbook(good_file(world), user=district_officer, commit=True)
    assert report.committed
    assert counts() == (before[0] + 2, before[1] + 1, before[2] + 1, before[3] + 1, before[4] + 5)
    complex_ = ResidentialComplex.objects.get(name="曙光新苑")
    assert (complex_.community, complex_.households, complex_.management_mode) == (world.shuguang, 320, "firm")
    assert ResidentialComplex.objects.get(name="曙光北苑").complex_type == "old"
    contract = ServiceContract.objects.get(complex=complex_)
    assert (contract.firm.credit_code, contract.status, str(contract.fee_standard)) == (NEW_CODE, ContractStatus.ACTIVE, "1.50")
    assert OwnersCommittee.objects.red().filter(complex=complex_).exists()
    assert complex_.history.get().history_user == district_officer
    assert contract.history.get().history_user == district_officer


def test_every_bad_row_is_listed_in_chinese_and_nothing_is_written(world, district_officer):
    code = world.shuguang.code
    bad = xlsx(
        complexes=[[code, "曙光新苑", "商品房", "", 320, 8, 36000, 2008, ""],          # fine on its own
                   ["530111009999", "无名小区", "", "", "", "", "", "", ""],            # unknown community
                   [code, "曙光小区", "", "", "", "", "", "", ""]],                     # already registered
        firms=[["坏代码物业", "91530111MA6K3XYZ1X", "", "", "", ""]],                   # bad credit code
        contracts=[[world.other_firm.credit_code, world.hepinglu.code, "和乐居", "2026-01-01", "", 1.0, ""]],
        committees=committee_rows(code, "曙光新苑", size=4),                            # four members
    )
    before = counts()
    report = import_workbook(bad, user=district_officer, commit=True)
    assert not report.committed and counts() == before
    messages = [str(e) for e in report.errors]
    assert len(messages) == 5
    assert messages[0].startswith("小区，第 3 行：") and "530111009999" in messages[0]
    assert messages[1].startswith("小区，第 4 行：")
    assert messages[2].startswith("物业企业，第 2 行：") and "统一社会信用代码" in messages[2]
    assert messages[3].startswith("服务合同，第 2 行：") and "和平物业" in messages[3]  # overlaps 和平物业's contract
    assert messages[4].startswith("业主委员会，第 2 行：") and "4" in messages[4]


def test_scope_and_permissions_are_those_of_the_user(world, taihe_officer):
    report = import_workbook(xlsx(
        complexes=[[world.hepinglu.code, "金马新苑", "", "", "", "", "", "", ""]],   # 金马街道: not theirs
        firms=[["某物业", NEW_CODE, "", "", "", ""]],                               # subdistricts add no firms
    ), user=taihe_officer, commit=True)
    assert [e.row for e in report.errors] == [2, 2]
    assert "不在您的辖区" in str(report.errors[0]) and "权限" in str(report.errors[1])
    assert not ResidentialComplex.objects.filter(name="金马新苑").exists()


def test_a_file_that_is_not_excel_or_has_other_columns(world, district_officer):
    report = import_workbook(io.BytesIO(b"name,code\n"), user=district_officer, commit=False)
    assert "Excel" in str(report.errors[0])
    book = Workbook()
    for _ in range(3):
        book.create_sheet()
    book.worksheets[0].append(["名称"])
    book.worksheets[0].append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    report = import_workbook(buffer, user=district_officer, commit=False)
    assert "模板" in str(report.errors[0])


def test_upload_check_then_import_in_the_browser_flow(as_user, world, district_officer):
    client = as_user(district_officer)
    before = counts()
    response = client.post("/dashboard/import/", {"file": good_file(world)})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-import"' in html and counts() == before
    response = client.post("/dashboard/import/", {"confirm": "1"}, follow=True)
    assert "已导入 5 条记录" in response.content.decode()
    assert counts()[0] == before[0] + 2


def test_upload_with_errors_shows_them_and_offers_no_import(as_user, world, district_officer):
    client = as_user(district_officer)
    bad = xlsx(firms=[["坏代码物业", "123", "", "", "", ""]])
    response = client.post("/dashboard/import/", {"file": bad})
    html = response.content.decode()
    assert response.status_code == 400 and "物业企业，第 2 行：" in html and 'id="confirm-import"' not in html
    response = client.post("/dashboard/import/", {"confirm": "1"})
    assert response.status_code == 302  # nothing checked to import
    assert not PropertyFirm.objects.filter(name="坏代码物业").exists()


@pytest.mark.parametrize("name", ["notes.txt", "big.xlsx"])
def test_upload_refuses_other_files(as_user, world, district_officer, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"x" * (5 * 1024 * 1024 + 1) if name == "big.xlsx" else b"x"
    response = as_user(district_officer).post("/dashboard/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and 'class="errorlist"' in response.content.decode()
