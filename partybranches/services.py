"""Writes for partybranches/: joint meetings with their resolutions, the follow-up of a
resolution, and cross-appointments. Each is one transaction, validated before anything is
saved, with history under the actor's name."""
from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    AgendaItem,
    CitedEvaluation,
    AgendaStatus,
    CrossAppointment,
    JointMeeting,
    MeetingResolution,
    ResolutionStatus,
    ResponsibleSide,
)

ATTENDEE_FIELDS = ("attendees_party", "attendees_residents_committee", "attendees_owners_committee",
                   "attendees_firm", "attendees_residents")


def _history_user(instance, actor):
    instance._history_user = actor if getattr(actor, "pk", None) else None
    return instance


def _validate(instance, errors: dict) -> None:
    """The model's own validation added to the service's `errors`; raises them all at once."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _check_resolutions(resolutions: list[dict], held_on) -> list[MeetingResolution]:
    """Build the resolution rows, raising ValidationError({"resolutions": [...]}) naming the row."""
    rows, errors = [], []
    for number, data in enumerate(resolutions, start=1):
        text = (data.get("text") or "").strip()
        side = data.get("responsible_side") or ""
        due_on = data.get("due_on")
        if not text:
            errors.append(_("Resolution %(number)d: write what was resolved.") % {"number": number})
        if side not in ResponsibleSide.values:
            errors.append(_("Resolution %(number)d: choose the side responsible.") % {"number": number})
        if due_on and held_on and due_on < held_on:
            errors.append(_("Resolution %(number)d: the due date cannot be before the meeting.") % {"number": number})
        rows.append(MeetingResolution(text=text, responsible_side=side, due_on=due_on))
    if errors:
        raise ValidationError({"resolutions": errors})
    return rows


@transaction.atomic
def joint_meeting_record(*, actor, community, convened_by, held_on: datetime.date, title: str, topics: str = "",
                         minutes: str = "", complexes=(), attending_firms=(), attendees: dict | None = None,
                         resolutions: list[dict] = (), cited_complaints=(), cited_evaluations=(),
                         agenda_items=()) -> JointMeeting:
    """Record a joint meeting (联席会议) with its resolutions in one transaction.

    - `complexes`, `cited_complaints` and `agenda_items` must belong to `community`;
      `cited_evaluations` are (firm, quarter) pairs with results at the community's complexes;
      `convened_by` must be the community's party organisation or a district-level one;
    - `complexes` left empty are those of the cited complaints; `attending_firms` left empty
      while firm attendees are counted are the firms serving the complexes concerned (what the
      evaluation's party-building dimension reads);
    - `resolutions` are dicts of text, responsible_side and due_on (not before the meeting);
    - the agenda items taken up are marked so and linked to the meeting.

    Raises ValidationError keyed by field (resolutions: one message per bad row) and saves
    nothing when anything is wrong. Returns the meeting."""
    attendees = {name: int((attendees or {}).get(name) or 0) for name in ATTENDEE_FIELDS}
    cited_complaints, cited_evaluations, agenda_items = list(cited_complaints), list(cited_evaluations), list(agenda_items)
    # None chosen: the complexes of the complaints discussed.
    complexes = list(complexes) or list({c.complex_id: c.complex for c in cited_complaints}.values())
    attending_firms = list(attending_firms)
    errors: dict[str, list] = {}
    today = timezone.localdate()
    if held_on and held_on > today:
        errors["held_on"] = [_("A meeting is recorded after it was held: the date cannot be in the future.")]
    if convened_by is not None and convened_by.community_id not in (None, community.pk):
        errors["convened_by"] = [_("The convening organisation must be this community's or the district's.")]
    if any(c.community_id != community.pk for c in complexes):
        errors["complexes"] = [_("The complexes must be in the meeting's community.")]
    if any(c.complex.community_id != community.pk for c in cited_complaints):
        errors["cited_complaints"] = [_("Cite complaints of the meeting's community only.")]
    if cited_evaluations:
        from properties.models import FirmEvaluation

        for firm, period in cited_evaluations:
            if not FirmEvaluation.objects.filter(firm=firm, period=period, complex__community=community).exists():
                errors["cited_evaluations"] = [_("Cite evaluations of the meeting's community only.")]
    if any(item.community_id != community.pk or item.status != AgendaStatus.OPEN for item in agenda_items):
        errors["agenda_items"] = [_("Take up open agenda items of the meeting's community only.")]
    if not sum(attendees.values()):
        errors["attendees_party"] = [_("Give the number of attendees of at least one side.")]
    try:
        rows = _check_resolutions(list(resolutions), held_on)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    meeting = JointMeeting(community=community, convened_by=convened_by, held_on=held_on,
                           title=(title or "").strip(), topics=(topics or "").strip(), minutes=(minutes or "").strip(),
                           **attendees)
    _validate(meeting, errors)

    _history_user(meeting, actor).save()
    meeting.complexes.set(complexes)
    if not attending_firms and attendees["attendees_firm"]:
        from properties.models import ServiceContract

        attending_firms = list({c.firm for c in ServiceContract.objects.active().filter(complex__in=complexes)
                                .select_related("firm")})
    meeting.attending_firms.set(attending_firms)
    meeting.cited_complaints.set(cited_complaints)
    CitedEvaluation.objects.bulk_create(CitedEvaluation(meeting=meeting, firm=firm, period=period)
                                        for firm, period in dict.fromkeys(cited_evaluations))
    for row in rows:
        row.meeting = meeting
        _history_user(row, actor).save()
    for item in agenda_items:
        item.status, item.meeting = AgendaStatus.TAKEN_UP, meeting
        _history_user(item, actor).save(update_fields=["status", "meeting", "updated_at"])
    return meeting


@transaction.atomic
def resolution_follow_up(*, actor, resolution: MeetingResolution, status: str, note: str = "",
                         completed_on: datetime.date | None = None) -> MeetingResolution:
    """Follow a resolution up: a new status and a dated note appended to its follow-up. Done
    takes the completion date (today when not given). Raises ValidationError and saves nothing
    when the status is unknown, a note is missing or the date is in the future."""
    note = (note or "").strip()
    today = timezone.localdate()
    errors = {}
    if status not in ResolutionStatus.values:
        errors["status"] = [_("Choose one of the statuses offered.")]
    if not note and status != resolution.status:
        errors["note"] = [_("Say what was done or why the status changes.")]
    if status == ResolutionStatus.DONE:
        completed_on = completed_on or today
        if completed_on > today:
            errors["completed_on"] = [_("The completion date cannot be in the future.")]
        elif completed_on < resolution.meeting.held_on:
            errors["completed_on"] = [_("The completion date cannot be before the meeting.")]
    else:
        completed_on = None
    if not note and not errors and status == resolution.status:
        errors["note"] = [_("Write a note or choose another status.")]
    if errors:
        raise ValidationError(errors)
    locked = MeetingResolution.objects.select_for_update().get(pk=resolution.pk)
    if note:
        line = f"{today:%Y-%m-%d} {note}"
        locked.follow_up = f"{locked.follow_up}\n{line}".strip()
    locked.status, locked.completed_on = status, completed_on
    _history_user(locked, actor).save()
    return locked


@transaction.atomic
def cross_appointment_create(*, actor, complex, party_organization, person_name: str, direction: str,
                             home_post: str, appointed_post: str, start_date: datetime.date, firm=None,
                             owners_committee=None, is_party_member: bool = True) -> CrossAppointment:
    """Record a cross-appointment (交叉任职). Raises ValidationError (field keys) when the
    counterpart is not exactly one, belongs elsewhere, or the dates are wrong."""
    appointment = CrossAppointment(
        complex=complex, party_organization=party_organization, person_name=(person_name or "").strip(),
        direction=direction, home_post=(home_post or "").strip(), appointed_post=(appointed_post or "").strip(),
        start_date=start_date, firm=firm, owners_committee=owners_committee, is_party_member=is_party_member,
    )
    errors = {}
    if firm is not None and complex is not None:
        from properties.models import ServiceContract

        if not ServiceContract.objects.active().filter(complex=complex, firm=firm).exists():
            errors["firm"] = [_("The firm must be the one serving the complex.")]
    if start_date and start_date > timezone.localdate():
        errors["start_date"] = [_("Record an appointment once it has started.")]
    _validate(appointment, errors)
    _history_user(appointment, actor).save()
    return appointment


@transaction.atomic
def cross_appointment_end(*, actor, appointment: CrossAppointment, end_date: datetime.date) -> CrossAppointment:
    """End an appointment on `end_date` (after its start, not in the future). Raises ValidationError."""
    locked = CrossAppointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.end_date is not None:
        raise ValidationError({"end_date": _("This appointment has already ended.")})
    if end_date is None:
        raise ValidationError({"end_date": _("Give the date the appointment ends.")})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": _("End an appointment on or before today.")})
    if end_date <= locked.start_date:
        raise ValidationError({"end_date": _("The end date must be after the start date.")})
    locked.end_date = end_date
    _history_user(locked, actor).save()
    return locked
