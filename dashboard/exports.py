"""Excel (xlsx) exports: complaints with the active filters, a quarter's evaluations, and
every register. Written in openpyxl's write-only mode, row by row from a database iterator,
so memory stays flat however many rows there are.

Each export names the rows a user may see (`Model.objects.visible_to(user)`, and the model's
view permission) and its columns. No export carries a complainant's name, phone or email. The
registers that carry people's names or phone numbers (PERSONAL_FIELDS) are personal data: each
of their exports is recorded in the PIPL audit (`record_export`), whatever door asked for it.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from complaints.models import Channel, Complaint, Status, overdue_condition
from properties.models import FirmEvaluation

from . import selectors

PROGRESS_EVERY = 1000
CHUNK = 2000


@dataclass
class Column:
    header: str
    value: Callable  # row -> cell value


@dataclass
class Export:
    name: str
    title: str  # the sheet's title
    model: type[models.Model]
    columns: list[Column]
    build: Callable  # (user, params) -> queryset, already scoped
    personal_fields: tuple[str, ...] = ()  # the columns that are personal data (PERSONAL_FIELDS)

    def queryset(self, user, params: dict):
        return self.build(user, params or {})

    @property
    def has_personal_data(self) -> bool:
        return bool(self.personal_fields)


# Fields of the exported registers that name a person or hold a person's phone number.
PERSONAL_FIELDS = {
    "communities.OwnersCommitteeMember": ("name", "phone"),
    "properties.PropertyFirm": ("contact_person", "contact_phone"),
    "partybranches.CrossAppointment": ("person_name",),
}


def _cell_value(value):
    """What openpyxl can write: local naive datetimes (Excel has no time zones), labels."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float, Decimal, datetime.date, str)) or value is None:
        return value
    return str(value)


def _path(path: str) -> Callable:
    def get(row):
        value = row
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
            if callable(value):
                value = value()
        return value
    return get


# ---------------------------------------------------------------------------
# Complaints with the dashboard's filters
# ---------------------------------------------------------------------------
COMPLAINT_FILTERS = ("district", "subdistrict", "community", "complex", "status", "category", "channel",
                     "submitted_after", "submitted_before", "overdue")


def _date(text) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def clean_complaint_filters(params) -> dict:
    """The recognised filters of a query string (unknown or malformed values are dropped)."""
    cleaned = {}
    for level in ("district", "subdistrict", "community", "complex"):
        if _int(params.get(level)):
            cleaned[level] = _int(params.get(level))
    if params.get("status") in Status.values:
        cleaned["status"] = params["status"]
    if params.get("channel") in Channel.values:
        cleaned["channel"] = params["channel"]
    if _int(params.get("category")):
        cleaned["category"] = _int(params.get("category"))
    for key in ("submitted_after", "submitted_before"):
        if _date(params.get(key)):
            cleaned[key] = params[key].strip()
    if params.get("overdue") in ("yes", "no"):
        cleaned["overdue"] = params["overdue"]
    return cleaned


def complaints_filtered(user, params: dict):
    """Complaints the user may see, narrowed by `clean_complaint_filters` output; newest first.
    Dates are calendar days in Asia/Shanghai, both ends included."""
    queryset = Complaint.objects.visible_to(user)
    for level in ("district", "subdistrict", "community", "complex"):
        if params.get(level):
            queryset = queryset.filter(**{selectors.COMPLAINT_PATH[level]: params[level]})
    for key in ("status", "channel"):
        if params.get(key):
            queryset = queryset.filter(**{key: params[key]})
    if params.get("category"):
        queryset = queryset.filter(category_id=params["category"])
    tz = timezone.get_default_timezone()
    if params.get("submitted_after"):
        start = datetime.datetime.combine(_date(params["submitted_after"]), datetime.time.min, tzinfo=tz)
        queryset = queryset.filter(submitted_at__gte=start)
    if params.get("submitted_before"):
        end = datetime.datetime.combine(_date(params["submitted_before"]) + datetime.timedelta(days=1),
                                        datetime.time.min, tzinfo=tz)
        queryset = queryset.filter(submitted_at__lt=end)
    if params.get("overdue") == "yes":
        queryset = queryset.overdue()
    elif params.get("overdue") == "no":
        queryset = queryset.exclude(overdue_condition(timezone.now()))
    return queryset.select_related("complex__community__subdistrict", "category", "assigned_firm").order_by(
        "-submitted_at", "-id")


COMPLAINT_COLUMNS = [
    Column(gettext_lazy("tracking code"), _path("tracking_code")),
    Column(gettext_lazy("submitted at"), _path("submitted_at")),
    Column(gettext_lazy("subdistrict"), _path("complex.community.subdistrict.name")),
    Column(gettext_lazy("community"), _path("complex.community.name")),
    Column(gettext_lazy("residential complex"), _path("complex.name")),
    Column(gettext_lazy("category"), _path("category.name")),
    Column(gettext_lazy("channel"), _path("get_channel_display")),
    Column(gettext_lazy("status"), _path("get_status_display")),
    Column(gettext_lazy("handled by"), _path("get_handler_level_display")),
    Column(gettext_lazy("assigned firm"), _path("assigned_firm.name")),
    Column(gettext_lazy("response due"), _path("due_response_at")),
    Column(gettext_lazy("accepted at"), _path("accepted_at")),
    Column(gettext_lazy("resolution due"), _path("due_resolve_at")),
    Column(gettext_lazy("resolved at"), _path("resolved_at")),
    Column(gettext_lazy("Overdue now"), lambda c: c.is_overdue),
    Column(gettext_lazy("times reopened"), _path("reopened_count")),
    Column(gettext_lazy("rating"), _path("rating")),
]


# ---------------------------------------------------------------------------
# A quarter's evaluations
# ---------------------------------------------------------------------------
def evaluations_of_quarter(user, params: dict):
    """The quarter's results the user may see (newest scheme version), roll-ups first."""
    from properties.evaluation import Quarter

    try:
        quarter = Quarter.parse(params.get("period", ""))
    except Exception:
        quarter = Quarter.just_ended()
    return selectors.latest_results(FirmEvaluation.objects.visible_to(user), [str(quarter)]).select_related(
        "firm", "complex__community", "scheme").order_by("firm__name", models.F("contract_id").asc(nulls_first=True))


EVALUATION_COLUMNS = [
    Column(gettext_lazy("quarter"), _path("period")),
    Column(gettext_lazy("scheme"), _path("scheme.version")),
    Column(gettext_lazy("property firm"), _path("firm.name")),
    Column(gettext_lazy("unified social credit code"), _path("firm.credit_code")),
    Column(gettext_lazy("residential complex"), lambda e: e.complex.name if e.complex_id else _("all complexes")),
    Column(gettext_lazy("community"), _path("complex.community.name")),
    Column(gettext_lazy("households"), _path("households")),
    Column(gettext_lazy("status"), _path("get_status_display")),
    Column(gettext_lazy("basic service"), _path("score_basic_service")),
    Column(gettext_lazy("satisfaction"), _path("score_satisfaction")),
    Column(gettext_lazy("response"), _path("score_response")),
    Column(gettext_lazy("compliance"), _path("score_compliance")),
    Column(gettext_lazy("party building"), _path("score_party")),
    Column(gettext_lazy("bonus"), _path("bonus")),
    Column(gettext_lazy("deduction"), _path("deduction")),
    Column(gettext_lazy("total"), _path("total")),
    Column(gettext_lazy("grade"), _path("get_grade_display")),
]


# ---------------------------------------------------------------------------
# Registers: every concrete field, related records by name
# ---------------------------------------------------------------------------
REGISTERS = {
    "complexes": "communities.ResidentialComplex",
    "committees": "communities.OwnersCommittee",
    "committee-members": "communities.OwnersCommitteeMember",
    "firms": "properties.PropertyFirm",
    "contracts": "properties.ServiceContract",
    "fee-collections": "properties.FeeCollection",
    "inspections": "properties.Inspection",
    "surveys": "properties.SatisfactionSurvey",
    "credit-events": "properties.CreditEvent",
    "party-organizations": "partybranches.PartyOrganization",
    "cross-appointments": "partybranches.CrossAppointment",
    "joint-meetings": "partybranches.JointMeeting",
    "meeting-resolutions": "partybranches.MeetingResolution",
    "red-projects": "partybranches.RedPropertyProject",
    "stations": "partybranches.ServiceStation",
}
_SKIPPED_FIELDS = {"created_at", "updated_at"}


def _related_label(field) -> Callable:
    """A related record as its name (or, for records without one, its id): no query per row."""
    has_name = any(f.name == "name" for f in field.related_model._meta.concrete_fields)
    attr = field.name

    def get(row):
        related = getattr(row, attr)
        if related is None:
            return None
        return related.name if has_name else related.pk
    return get


def register_columns(model) -> list[Column]:
    columns = [Column(gettext_lazy("id"), _path("pk"))]
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in _SKIPPED_FIELDS:
            continue
        label = field.verbose_name
        if field.is_relation:
            columns.append(Column(label, _related_label(field)))
        elif field.choices:
            columns.append(Column(label, _path(f"get_{field.name}_display")))
        else:
            columns.append(Column(label, _path(field.attname)))
    return columns


def _register_build(model):
    related = [f.name for f in model._meta.concrete_fields if f.is_relation]

    def build(user, params):
        return model.objects.visible_to(user).select_related(*related).order_by("pk")
    return build


# ---------------------------------------------------------------------------
# The registry of exports
# ---------------------------------------------------------------------------
def exports() -> dict[str, Export]:
    found = {
        "complaints": Export("complaints", str(Complaint._meta.verbose_name_plural), Complaint, COMPLAINT_COLUMNS,
                             lambda user, params: complaints_filtered(user, params)),
        "evaluations": Export("evaluations", str(FirmEvaluation._meta.verbose_name_plural), FirmEvaluation,
                              EVALUATION_COLUMNS, evaluations_of_quarter),
    }
    for name, label in REGISTERS.items():
        model = apps.get_model(label)
        found[name] = Export(name, str(model._meta.verbose_name_plural), model, register_columns(model),
                             _register_build(model), personal_fields=PERSONAL_FIELDS.get(label, ()))
    return found


def record_export(*, actor, export: Export, rows: int, door: str) -> None:
    """Record in the PIPL audit that `actor` exported `rows` rows of a register holding personal
    data through `door` (nothing for the other exports). Call it in the transaction that makes
    the file or queues it."""
    if not export.has_personal_data:
        return
    from redproperty import pipl
    from redproperty.models import AccessKind

    pipl.record_access(actor=actor, kind=AccessKind.BULK_EXPORT, door=door,
                       detail=f"{export.name}: {rows} rows ({', '.join(export.personal_fields)})")


def export_for_model(model) -> Export | None:
    """The export of a model's admin list (for the admin action), if it has one."""
    return next((e for e in exports().values() if e.model is model), None)


def may_export(user, export: Export) -> bool:
    opts = export.model._meta
    return user.is_active and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


def write_workbook(export: Export, queryset, target, *, progress: Callable[[int], None] | None = None) -> int:
    """Write `queryset` as one sheet (header row in bold) to `target` (a path or a binary
    file). Calls `progress(rows written)` every PROGRESS_EVERY rows. Returns the rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=export.title[:31])
    bold = Font(bold=True)
    header = []
    for column in export.columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in queryset.iterator(chunk_size=CHUNK):
        sheet.append([_cell_value(column.value(row)) for column in export.columns])
        written += 1
        if progress and written % PROGRESS_EVERY == 0:
            progress(written)
    workbook.save(target)
    if progress:
        progress(written)
    return written


def filename(export: Export) -> str:
    return f"{export.name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
