"""PIPL: everything the platform holds about one phone number, as an Excel workbook (the
person's right to access and copy, PIPL art. 45; staff answer such a request).

`personal_data_export` is the one service: it checks the permission, validates the number,
gathers what the actor's jurisdiction holds (`holdings_of`, each register through its
`visible_to`), writes the workbook and records the export in the PIPL audit. Free-form phone
fields are matched however the number is written (+86, spaces, dashes; redproperty/pipl.py).
"""
from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from . import pipl
from .models import AccessKind, PersonalDataAccess


@dataclass
class Holdings:
    """What one jurisdiction holds about one number: each register's matching records."""

    phone: str  # E.164
    complaints: list = field(default_factory=list)  # with events and attachments prefetched
    committee_members: list = field(default_factory=list)
    staff_profiles: list = field(default_factory=list)
    communities: list = field(default_factory=list)
    firms: list = field(default_factory=list)
    past_versions: list = field(default_factory=list)  # (record kind, historical row)

    def count(self) -> int:
        return sum(len(rows) for rows in (self.complaints, self.committee_members, self.staff_profiles,
                                          self.communities, self.firms, self.past_versions))


# model label -> its phone field, for every register holding a person's (or an office's) number.
PHONE_FIELDS = {
    "complaints.Complaint": "reporter_phone",
    "communities.OwnersCommitteeMember": "phone",
    "communities.StaffProfile": "phone",
    "communities.Community": "phone",
    "properties.PropertyFirm": "contact_phone",
}


def _matching(queryset, phone_field: str, phone: str) -> list:
    regex = pipl.stored_phone_regex(phone)
    rows = queryset.filter(**{f"{phone_field}__regex": regex})
    return [row for row in rows if pipl.same_phone(getattr(row, phone_field), phone)]


def holdings_of(user, phone: str) -> Holdings:
    """The records `user` may see that hold `phone` (E.164): a fixed number of queries (one per
    register, two prefetches for complaints, one per register's past versions)."""
    Complaint = apps.get_model("complaints", "Complaint")
    ComplaintEvent = apps.get_model("complaints", "ComplaintEvent")
    Attachment = apps.get_model("complaints", "Attachment")
    Member = apps.get_model("communities", "OwnersCommitteeMember")
    StaffProfile = apps.get_model("communities", "StaffProfile")
    Community = apps.get_model("communities", "Community")
    PropertyFirm = apps.get_model("properties", "PropertyFirm")

    holdings = Holdings(phone=phone)
    holdings.complaints = _matching(
        Complaint.objects.visible_to(user).select_related("complex__community", "category", "assigned_firm")
        .prefetch_related(Prefetch("events", ComplaintEvent.objects.order_by("created_at", "id")),
                          Prefetch("attachments", Attachment.objects.order_by("created_at", "id")))
        .order_by("submitted_at", "id"),
        "reporter_phone", phone)
    holdings.committee_members = _matching(
        Member.objects.visible_to(user).select_related("committee__complex__community").order_by("pk"), "phone", phone)
    holdings.staff_profiles = _matching(
        StaffProfile.objects.visible_to(user).select_related("user", "district", "subdistrict", "community", "firm")
        .order_by("pk"), "phone", phone)
    holdings.communities = _matching(Community.objects.visible_to(user).order_by("pk"), "phone", phone)
    holdings.firms = _matching(PropertyFirm.objects.visible_to(user).order_by("pk"), "contact_phone", phone)
    # The change history of the records in scope (it keeps the numbers a record held before it
    # was changed, and the current one); the complaints' history keeps no contact details.
    for model, phone_field in ((Member, "phone"), (StaffProfile, "phone"), (Community, "phone"),
                               (PropertyFirm, "contact_phone")):
        history = model.history.model.objects.filter(id__in=model.objects.visible_to(user).values("pk"))
        for row in _matching(history.order_by("id", "history_date"), phone_field, phone):
            holdings.past_versions.append((model, phone_field, row))
    return holdings


def personal_data_export(*, actor, phone: str, door: str) -> tuple[bytes, PersonalDataAccess]:
    """The workbook of everything `actor`'s jurisdiction holds about `phone`, and its audit row,
    written once the workbook is made and before it is handed back (no file without its row; no
    write lock held while the file is written, which on SQLite would stop every other writer).

    Raises PermissionDenied without `redproperty.export_personal_data`, ValidationError (in
    Chinese) for a number that is not valid; neither writes anything."""
    if not (actor.is_active and actor.has_perm(pipl.EXPORT_PERMISSION)):
        raise PermissionDenied
    e164 = pipl.parse_phone(phone)
    now = timezone.now()
    holdings = holdings_of(actor, e164)
    buffer = io.BytesIO()
    write_workbook(holdings, buffer, exported_by=actor.get_username(), exported_at=now)
    detail = (f"complaints={len(holdings.complaints)} members={len(holdings.committee_members)} "
              f"staff={len(holdings.staff_profiles)} communities={len(holdings.communities)} "
              f"firms={len(holdings.firms)} history={len(holdings.past_versions)}")
    access = pipl.record_access(actor=actor, kind=AccessKind.PHONE_EXPORT, door=door, phone=e164, detail=detail,
                                at=now)
    return buffer.getvalue(), access


def filename(access: PersonalDataAccess) -> str:
    return f"personal-data-{timezone.localtime(access.created_at):%Y%m%d-%H%M%S}.xlsx"


# ---------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------
def _value(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float, datetime.date, str)) or value is None:
        return value
    return str(value)


def _sheet(workbook, title: str, header: list[str], rows):
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_value(v) for v in row])


def _label(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def write_workbook(holdings: Holdings, target, *, exported_by: str, exported_at) -> None:
    """One sheet per kind of record, a first sheet saying what the file is."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, _("About this file"), [_("item"), _("value")], [
        (_("phone number"), holdings.phone),
        (_("exported by"), exported_by),
        (_("exported at"), exported_at),
        (_("records found"), holdings.count()),
        (_("scope"), _("Records within the jurisdiction of the person who exported them.")),
    ])
    complaints = holdings.complaints
    _sheet(workbook, _("Complaints"), [
        _("tracking code"), _("submitted at"), _("residential complex"), _("community"), _("category"),
        _("channel"), _("status"), _("description"), _("place in the complex"), _("reporter name"),
        _("reporter phone"), _("reporter email"), _("anonymous"), _("rating"), _("rating comment"), _("rated at"),
        _("resolution note"), _("closed at")], (
        (c.tracking_code, c.submitted_at, c.complex.name, c.complex.community.name, c.category.name,
         c.get_channel_display(), c.get_status_display(), c.description, c.location_detail, c.reporter_name,
         c.reporter_phone, c.reporter_email, c.is_anonymous, c.rating, c.rating_comment, c.rated_at,
         c.resolution_note, c.closed_at)
        for c in complaints))
    _sheet(workbook, _("Complaint events"), [
        _("tracking code"), _("time"), _("action"), _("from status"), _("to status"), _("note"),
        _("visible to the resident"), _("by")], (
        (c.tracking_code, e.created_at, e.get_action_display(), e.get_from_status_display(),
         e.get_to_status_display(), e.note, e.is_public, e.actor_label)
        for c in complaints for e in c.events.all()))
    _sheet(workbook, _("Photos"), [
        _("tracking code"), _("uploaded at"), _("file"), _("width"), _("height"), _("visible to the resident")], (
        (c.tracking_code, a.created_at, a.image.name.rsplit("/", 1)[-1], a.width, a.height, a.is_public)
        for c in complaints for a in c.attachments.all()))
    _sheet(workbook, _("Owners' committee members"), [
        _("residential complex"), _("community"), _("name"), _("role"), _("party member"), _("phone")], (
        (m.committee.complex.name, m.committee.complex.community.name, m.name, m.get_role_display(),
         m.is_party_member, m.phone)
        for m in holdings.committee_members))
    _sheet(workbook, _("Staff accounts"), [_("account name"), _("name"), _("role"), _("jurisdiction"), _("phone")], (
        (p.user.get_username(), p.user.get_full_name(), p.get_role_display(),
         str(p.district or p.subdistrict or p.community or p.firm or ""), p.phone)
        for p in holdings.staff_profiles))
    _sheet(workbook, _("Communities"), [_("name"), _("address"), _("phone")], (
        (c.name, c.address, c.phone) for c in holdings.communities))
    _sheet(workbook, _("Property firms"), [_("name"), _("contact person"), _("contact phone")], (
        (firm.name, firm.contact_person, firm.contact_phone) for firm in holdings.firms))
    _sheet(workbook, _("Change history"), [_("kind of record"), _("record id"), _("changed at"), _("name"), _("phone")], (
        (_label(model), row.id, row.history_date, getattr(row, "name", ""), getattr(row, phone_field))
        for model, phone_field, row in holdings.past_versions))
    workbook.save(target)
