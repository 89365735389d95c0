"""Excel import of complexes, firms, contracts, and owners' committees with their members.

    report = import_workbook(file, user=user, commit=False)   # the dry run
    report = import_workbook(file, user=user, commit=True)    # imports only if every row is valid

One workbook (`template_workbook()` makes the template) with four sheets in this order:
complexes, firms, contracts, committees (one row per member; the rows of one committee share
its complex and term start). Every row goes through the owning app's service
(communities.services.complex_create, properties.services.firm_create and contract_create,
communities.services.owners_committee_create), each in a savepoint of one transaction, so
rows may refer to rows above them (a contract of a firm and a complex of the same file) and
every error of every row is found in one pass. The transaction is rolled back after a dry
run, or when any row failed; otherwise it commits, with history rows. Communities must be
visible to the user ("unknown community" otherwise), and each sheet with rows needs the
user's add permission on its model.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from communities.models import (
    Community,
    ComplexType,
    ManagementMode,
    MemberRole,
    OwnersCommittee,
    ResidentialComplex,
)
from communities.services import complex_create, owners_committee_create
from properties.models import PropertyFirm, ServiceContract
from properties.services import contract_create, firm_create
from redproperty.text import MESSAGE as CONTROL_CHARACTERS_MESSAGE
from redproperty.text import has_control_characters


@dataclass
class Sheet:
    key: str
    title: str
    model: type
    headers: list  # (key, label, example)


SHEETS = [
    Sheet("complexes", pgettext_lazy("import sheet", "Complexes"), ResidentialComplex, [
        ("community_code", gettext_lazy("community code"), "530111002001"),
        ("name", gettext_lazy("complex name"), "曙光新苑"),
        ("complex_type", gettext_lazy("type"), str(ComplexType.COMMERCIAL.label)),
        ("management_mode", gettext_lazy("management mode"), str(ManagementMode.FIRM.label)),
        ("households", gettext_lazy("households"), 320),
        ("buildings", gettext_lazy("buildings"), 8),
        ("floor_area", gettext_lazy("floor area (m²)"), 36000),
        ("year_built", gettext_lazy("year built"), 2008),
        ("address", gettext_lazy("address"), "昆明市官渡区曙光路 8 号"),
    ]),
    Sheet("firms", pgettext_lazy("import sheet", "Firms"), PropertyFirm, [
        ("name", gettext_lazy("firm name"), "昆明示例物业服务有限公司"),
        ("credit_code", gettext_lazy("unified social credit code"), "91530111MA6K3XYZ1B"),
        ("qualification", gettext_lazy("qualification"), "一级"),
        ("contact_person", gettext_lazy("contact person"), "张经理"),
        ("contact_phone", gettext_lazy("contact phone"), "0871-12345678"),
        ("address", gettext_lazy("address"), "昆明市官渡区"),
    ]),
    Sheet("contracts", pgettext_lazy("import sheet", "Contracts"), ServiceContract, [
        ("credit_code", gettext_lazy("firm's credit code"), "91530111MA6K3XYZ1B"),
        ("community_code", gettext_lazy("community code"), "530111002001"),
        ("complex_name", gettext_lazy("complex name"), "曙光新苑"),
        ("start_date", gettext_lazy("start date"), "2026-01-01"),
        ("end_date", gettext_lazy("end date"), "2028-12-31"),
        ("fee_standard", gettext_lazy("fee standard (yuan/m²/month)"), 1.2),
        ("filed_on", gettext_lazy("filed on"), "2026-01-10"),
    ]),
    Sheet("committees", pgettext_lazy("import sheet", "Owners' committees"), OwnersCommittee, [
        ("community_code", gettext_lazy("community code"), "530111002001"),
        ("complex_name", gettext_lazy("complex name"), "曙光新苑"),
        ("term_start", gettext_lazy("term start"), "2026-03-01"),
        ("term_end", gettext_lazy("term end"), "2031-02-28"),
        ("filed_on", gettext_lazy("filed on"), "2026-03-20"),
        ("member_name", gettext_lazy("member"), "李明"),
        ("role", gettext_lazy("role"), str(MemberRole.DIRECTOR.label)),
        ("is_party_member", gettext_lazy("party member"), str(gettext_lazy("yes"))),
    ]),
]
PERMISSIONS = {
    "complexes": "communities.add_residentialcomplex",
    "firms": "properties.add_propertyfirm",
    "contracts": "properties.add_servicecontract",
    "committees": "communities.add_ownerscommittee",
}


def template_workbook() -> Workbook:
    """The import template: the four sheets with their headers and one example row each."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in SHEETS:
        ws = workbook.create_sheet(str(sheet.title)[:31])
        ws.append([str(label) for _key, label, _example in sheet.headers])
        for cell in ws[1]:
            cell.font = bold
        ws.append([example for _key, _label, example in sheet.headers])
        for index in range(len(sheet.headers)):
            ws.column_dimensions[chr(ord("A") + index)].width = 22
    return workbook


# ---------------------------------------------------------------------------
# Reading cells
# ---------------------------------------------------------------------------
class CellError(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if has_control_characters(text):  # as every form and API field refuses them
        raise CellError(str(CONTROL_CHARACTERS_MESSAGE))
    return text


def _required(value, label) -> str:
    text = _text(value)
    if not text:
        raise CellError(_("%(column)s is missing.") % {"column": label})
    return text


def _date(value, label, required=True) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        if required:
            raise CellError(_("%(column)s is missing.") % {"column": label})
        return None
    try:
        return datetime.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise CellError(_("%(column)s is not a date such as 2026-03-01: %(value)s") % {"column": label, "value": text})


def _int(value, label, required=False) -> int | None:
    text = _text(value)
    if not text:
        if required:
            raise CellError(_("%(column)s is missing.") % {"column": label})
        return None
    try:
        number = int(Decimal(text))
    except (InvalidOperation, ValueError):
        raise CellError(_("%(column)s is not a whole number: %(value)s") % {"column": label, "value": text})
    if number < 0:
        raise CellError(_("%(column)s cannot be negative: %(value)s") % {"column": label, "value": text})
    return number


def _decimal(value, label) -> Decimal:
    text = _required(value, label)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(_("%(column)s is not a number: %(value)s") % {"column": label, "value": text})


def _choice(value, label, choices, default=None) -> str:
    text = _text(value)
    if not text and default is not None:
        return default
    for code, name in choices:
        if text in (code, str(name)):
            return code
    raise CellError(_("%(column)s must be one of %(choices)s, not %(value)s.") % {
        "column": label, "choices": "、".join(str(name) for _code, name in choices), "value": text or "—"})


def _yes_no(value, label) -> bool:
    text = _text(value).lower()
    if text in ("是", "yes", "y", "true", "1", "党员", str(_("yes")).lower()):
        return True
    if text in ("否", "no", "n", "false", "0", "", str(_("no")).lower()):
        return False
    raise CellError(_("%(column)s must be yes or no, not %(value)s.") % {"column": label, "value": text})


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------
@dataclass
class RowError:
    sheet: str
    row: int
    message: str

    def __str__(self):
        return _("%(sheet)s, row %(row)s: %(message)s") % {"sheet": self.sheet, "row": self.row, "message": self.message}


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # sheet key -> records (committees: committees)
    committed: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _messages(error: ValidationError, model) -> str:
    """A service's ValidationError as one line, each field named by its verbose name."""
    if not hasattr(error, "error_dict"):
        return " ".join(str(m) for m in error.messages)
    parts = []
    for name, errors in error.message_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name) if name != "__all__" else ""
        except Exception:
            label = name
        text = " ".join(errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


class _Importer:
    def __init__(self, user, today):
        self.user, self.today = user, today
        self.report = ImportReport()
        self.communities = {c.code: c for c in Community.objects.visible_to(user)}
        self.complexes: dict = {}
        self.firms: dict = {}

    def error(self, sheet: Sheet, row: int, message: str):
        self.report.errors.append(RowError(str(sheet.title), row, message))

    def run_row(self, sheet: Sheet, row: int, action):
        """One row in a savepoint: a failing row leaves nothing behind and the others go on."""
        try:
            with transaction.atomic():
                action()
        except CellError as exc:
            self.error(sheet, row, str(exc))
        except ValidationError as exc:
            self.error(sheet, row, _messages(exc, sheet.model))
        else:
            self.report.counts[sheet.key] = self.report.counts.get(sheet.key, 0) + 1

    def community(self, code, label):
        code = _required(code, label)
        community = self.communities.get(code)
        if community is None:
            raise CellError(_("Unknown community code %(code)s (or not in your jurisdiction).") % {"code": code})
        return community

    def complex(self, community_code, name, labels):
        community = self.community(community_code, labels[0])
        name = _required(name, labels[1])
        key = (community.pk, name)
        if key not in self.complexes:
            self.complexes[key] = ResidentialComplex.objects.visible_to(self.user).filter(
                community=community, name=name).first()
        if self.complexes[key] is None:
            raise CellError(_("No complex named %(name)s in %(community)s (in the register or above in this "
                              "file).") % {"name": name, "community": community.name})
        return self.complexes[key]

    def firm(self, credit_code, label):
        code = _required(credit_code, label)
        if code not in self.firms:
            self.firms[code] = PropertyFirm.objects.visible_to(self.user).filter(credit_code=code).first()
        if self.firms[code] is None:
            raise CellError(_("No firm with the credit code %(code)s (in the register or above in this file).")
                            % {"code": code})
        return self.firms[code]

    # One method per sheet ------------------------------------------------
    def complexes_sheet(self, sheet, rows):
        labels = {key: str(label) for key, label, _e in sheet.headers}
        for number, cells in rows:
            def create(cells=cells):
                community = self.community(cells["community_code"], labels["community_code"])
                created = complex_create(
                    actor=self.user, community=community, name=_required(cells["name"], labels["name"]),
                    complex_type=_choice(cells["complex_type"], labels["complex_type"], ComplexType.choices,
                                         ComplexType.COMMERCIAL),
                    management_mode=_choice(cells["management_mode"], labels["management_mode"],
                                            ManagementMode.choices, ManagementMode.FIRM),
                    households=_int(cells["households"], labels["households"]) or 0,
                    buildings=_int(cells["buildings"], labels["buildings"]) or 0,
                    floor_area=_decimal(cells["floor_area"] if _text(cells["floor_area"]) else 0, labels["floor_area"]),
                    year_built=_int(cells["year_built"], labels["year_built"]), address=_text(cells["address"]),
                )
                self.complexes[(community.pk, created.name)] = created
            self.run_row(sheet, number, create)

    def firms_sheet(self, sheet, rows):
        labels = {key: str(label) for key, label, _e in sheet.headers}
        for number, cells in rows:
            def create(cells=cells):
                created = firm_create(
                    actor=self.user, name=_required(cells["name"], labels["name"]),
                    credit_code=_required(cells["credit_code"], labels["credit_code"]),
                    qualification=_text(cells["qualification"]), contact_person=_text(cells["contact_person"]),
                    contact_phone=_text(cells["contact_phone"]), address=_text(cells["address"]),
                )
                self.firms[created.credit_code] = created
            self.run_row(sheet, number, create)

    def contracts_sheet(self, sheet, rows):
        labels = {key: str(label) for key, label, _e in sheet.headers}
        for number, cells in rows:
            def create(cells=cells):
                contract_create(
                    actor=self.user, firm=self.firm(cells["credit_code"], labels["credit_code"]),
                    complex=self.complex(cells["community_code"], cells["complex_name"],
                                         (labels["community_code"], labels["complex_name"])),
                    start_date=_date(cells["start_date"], labels["start_date"]),
                    end_date=_date(cells["end_date"], labels["end_date"], required=False),
                    fee_standard=_decimal(cells["fee_standard"], labels["fee_standard"]),
                    filed_on=_date(cells["filed_on"], labels["filed_on"], required=False), today=self.today,
                )
            self.run_row(sheet, number, create)

    def committees_sheet(self, sheet, rows):
        labels = {key: str(label) for key, label, _e in sheet.headers}
        groups: dict = {}
        for number, cells in rows:
            key = (_text(cells["community_code"]), _text(cells["complex_name"]), _text(cells["term_start"]))
            groups.setdefault(key, []).append((number, cells))
        for members in groups.values():
            first_number, first = members[0]

            def create(first=first, members=members):
                complex_ = self.complex(first["community_code"], first["complex_name"],
                                        (labels["community_code"], labels["complex_name"]))
                people = []
                for number, cells in members:
                    try:
                        people.append({
                            "name": _required(cells["member_name"], labels["member_name"]),
                            "role": _choice(cells["role"], labels["role"], MemberRole.choices, MemberRole.MEMBER),
                            "is_party_member": _yes_no(cells["is_party_member"], labels["is_party_member"]),
                        })
                    except CellError as exc:
                        raise CellError(_("row %(row)s: %(message)s") % {"row": number, "message": exc})
                try:
                    owners_committee_create(
                        complex=complex_, term_start=_date(first["term_start"], labels["term_start"]),
                        term_end=_date(first["term_end"], labels["term_end"]),
                        filed_on=_date(first["filed_on"], labels["filed_on"], required=False), members=people,
                    )
                except ValidationError as exc:
                    raise ValidationError(_messages(exc, OwnersCommittee))
            self.run_row(sheet, first_number, create)


def _rows(worksheet, sheet: Sheet, importer: _Importer):
    """(row number, {key: value}) of the non-empty rows below the header; checks the header."""
    rows = worksheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    expected = [str(label) for _k, label, _e in sheet.headers]
    if header[:len(expected)] != expected:
        importer.error(sheet, 1, _("The columns must be those of the template: %(columns)s.") % {
            "columns": "、".join(expected)})
        return []
    keys = [key for key, _l, _e in sheet.headers]
    result = []
    for number, values in enumerate(rows, start=2):
        values = list(values or ())[:len(keys)] + [None] * max(0, len(keys) - len(values or ()))
        if all(_text(v) == "" for v in values):
            continue
        result.append((number, dict(zip(keys, values))))
    return result


def import_workbook(file, *, user, commit: bool, today=None) -> ImportReport:
    """Check (commit=False) or import (commit=True) an import workbook; see the module
    docstring. Nothing is written unless commit is True and every row of every sheet is valid."""
    from django.utils import timezone

    importer = _Importer(user, today or timezone.localdate())
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        importer.report.errors.append(RowError("—", 0, _("This is not an Excel (.xlsx) file.")))
        return importer.report
    if len(workbook.worksheets) < len(SHEETS):
        importer.report.errors.append(RowError("—", 0, _("The workbook needs the template's %(n)s sheets.") % {
            "n": len(SHEETS)}))
        return importer.report
    with transaction.atomic():
        for sheet, worksheet in zip(SHEETS, workbook.worksheets):
            rows = _rows(worksheet, sheet, importer)
            if rows and not user.has_perm(PERMISSIONS[sheet.key]):
                importer.error(sheet, rows[0][0], _("You may not add records of this kind."))
                continue
            getattr(importer, f"{sheet.key}_sheet")(sheet, rows)
        if not importer.report.errors and not importer.report.total:
            importer.report.errors.append(RowError("—", 0, _("The file has no rows to import.")))
        importer.report.committed = commit and importer.report.is_valid
        if not importer.report.committed:
            transaction.set_rollback(True)
    return importer.report

