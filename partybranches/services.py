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


# ---------------------------------------------------------------------------
# Red-project applications: 申报 → 评审 → 命名 → 推荐市级 (one transition table, APPLICATION)
# ---------------------------------------------------------------------------
from redproperty.workflow import Move, TransitionError, Workflow, set_history_user  # noqa: E402

from .models import (  # noqa: E402
    PASS_SCORE,
    REVIEW_CRITERIA,
    ApplicationAction,
    ApplicationStatus,
    ProjectApplication,
    ProjectApplicationEvent,
    ProjectLevel,
    RedPropertyProject,
)

APPLICATION = Workflow(
    model=ProjectApplication,
    event_model=ProjectApplicationEvent,
    parent_field="application",
    actions_enum=ApplicationAction,
    status_enum=ApplicationStatus,
    moves={
        ApplicationAction.REVIEW: Move((ApplicationStatus.SUBMITTED,), ApplicationStatus.REVIEWED),
        ApplicationAction.DESIGNATE: Move((ApplicationStatus.REVIEWED,), ApplicationStatus.DESIGNATED),
        ApplicationAction.RECOMMEND: Move((ApplicationStatus.DESIGNATED,), ApplicationStatus.RECOMMENDED),
        ApplicationAction.REJECT: Move((ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED),
                                       ApplicationStatus.REJECTED),
        ApplicationAction.WITHDRAW: Move((ApplicationStatus.SUBMITTED,), ApplicationStatus.WITHDRAWN),
    },
)
# The moves only the district takes (partybranches.review_projectapplication); the applicant withdraws.
DISTRICT_ACTIONS = (ApplicationAction.REVIEW, ApplicationAction.DESIGNATE, ApplicationAction.RECOMMEND,
                    ApplicationAction.REJECT)
REVIEW_DAYS = 60
DESIGNATION_DAYS = 30
APPLICATION_TEXT_MAX = 4000


def _app_text(value, field: str, message, *, max_length: int = 2000, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": max_length}})
    return value


def _past_day(day, field: str, *, not_before=None, before_message=None) -> datetime.date:
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future: enter the day it happened.")})
    if not_before is not None and day < not_before:
        raise ValidationError({field: before_message})
    return day


@transaction.atomic
def application_submit(*, actor, community, name: str, summary: str, materials: str, complex=None, firm=None,
                       submitted_on: datetime.date | None = None, note: str = "") -> ProjectApplication:
    """申报: a complex (or a firm serving in the community) applies to be a red property project,
    with what it has done and its materials. The district reviews it within 60 days."""
    if community is None:
        raise ValidationError({"community": _("Choose the community.")})
    if complex is None and firm is None:
        raise ValidationError({"complex": _("An application comes from a complex or a firm: choose one of them.")})
    if complex is not None and complex.community_id != community.pk:
        raise ValidationError({"complex": _("The complex must be in the project's community.")})
    name = _app_text(name, "name", _("Give the project a name."), max_length=100)
    summary = _app_text(summary, "summary", _("Say what the project has done."), max_length=APPLICATION_TEXT_MAX)
    materials = _app_text(materials, "materials", _("List the materials submitted, one per line."))
    submitted_on = _past_day(submitted_on or timezone.localdate(), "submitted_on")
    if ProjectApplication.objects.filter(name=name, status__in=ProjectApplication.OPEN_STATUSES).exists():
        raise ValidationError({"name": _("An application of this name is already under way: continue that one.")})
    application = ProjectApplication(community=community, complex=complex, firm=firm, name=name, summary=summary,
                                     materials=materials, submitted_on=submitted_on,
                                     due_on=submitted_on + datetime.timedelta(days=REVIEW_DAYS))
    application.full_clean()
    return APPLICATION.start(application, action=ApplicationAction.APPLY, actor=actor,
                             note=_app_text(note, "note", "", required=False))


@transaction.atomic
def application_review(*, application: ProjectApplication, actor, reviewed_on: datetime.date, scores: dict,
                       note: str = "", expected_status: str | None = None) -> ProjectApplication:
    """评审: the district's scores against each of REVIEW_CRITERIA (0 to its maximum), their total
    and its opinion. PASS_SCORE or more may be designated (within 30 days); less may not."""
    errors = {}
    clean = {}
    for code, label, maximum in REVIEW_CRITERIA:
        value = (scores or {}).get(code)
        if value is None or isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            errors.setdefault("scores", []).append(
                _("%(criterion)s: a whole number from 0 to %(max)d.") % {"criterion": label, "max": maximum})
        else:
            clean[code] = value
    unknown = set(scores or {}) - {code for code, _label, _max in REVIEW_CRITERIA}
    if unknown:
        errors.setdefault("scores", []).append(_("Score the stated criteria only."))
    if errors:
        raise ValidationError(errors)
    _past_day(reviewed_on, "reviewed_on", not_before=application.submitted_on,
              before_message=_("A review comes after the application."))
    note = _app_text(note, "note", "", required=False)
    return APPLICATION.run(application, ApplicationAction.REVIEW, actor=actor, expected_status=expected_status,
                           note=note, changes={
                               "scores": clean, "total_score": sum(clean.values()), "reviewed_on": reviewed_on,
                               "review_note": note, "due_on": reviewed_on + datetime.timedelta(days=DESIGNATION_DAYS)})


@transaction.atomic
def application_designate(*, application: ProjectApplication, actor, designated_on: datetime.date,
                          note: str = "", expected_status: str | None = None) -> ProjectApplication:
    """命名: a reviewed application with PASS_SCORE or more becomes a district-level red property
    project (the register's RedPropertyProject, in the year of designation)."""

    def check(locked):
        if (locked.total_score or 0) < PASS_SCORE:
            raise TransitionError(_("Scored %(score)s of 100: a project is designated with %(pass)d or more.") % {
                "score": locked.total_score, "pass": PASS_SCORE}, code="score")

    def changes(locked):
        _past_day(designated_on, "designated_on", not_before=locked.reviewed_on,
                  before_message=_("A project is designated after its review."))
        project = RedPropertyProject(name=locked.name, level=ProjectLevel.DISTRICT, year_designated=designated_on.year,
                                     community=locked.community, complex=locked.complex,
                                     description=locked.summary[:2000])
        project.full_clean()
        set_history_user(project, actor)
        project.save()
        return {"project": project, "designated_on": designated_on, "due_on": None}

    return APPLICATION.run(application, ApplicationAction.DESIGNATE, actor=actor, expected_status=expected_status,
                           note=_app_text(note, "note", "", required=False), check=check, changes=changes)


@transaction.atomic
def application_recommend(*, application: ProjectApplication, actor, recommended_on: datetime.date,
                          note: str = "", expected_status: str | None = None) -> ProjectApplication:
    """推荐: the district recommends a designated project to the city (the city designates it)."""
    _past_day(recommended_on, "recommended_on", not_before=application.designated_on,
              before_message=_("A project is recommended after it was designated."))
    return APPLICATION.run(application, ApplicationAction.RECOMMEND, actor=actor, expected_status=expected_status,
                           note=_app_text(note, "note", "", required=False),
                           changes={"recommended_on": recommended_on})


@transaction.atomic
def application_reject(*, application: ProjectApplication, actor, reason: str,
                       expected_status: str | None = None) -> ProjectApplication:
    """Not designated, with the reason the applicant reads."""
    reason = _app_text(reason, "reason", _("Say why the application is not designated."))
    return APPLICATION.run(application, ApplicationAction.REJECT, actor=actor, expected_status=expected_status,
                           note=reason, changes={"closing_reason": reason, "due_on": None})


@transaction.atomic
def application_withdraw(*, application: ProjectApplication, actor, reason: str,
                         expected_status: str | None = None) -> ProjectApplication:
    """The applicant withdraws before the review."""
    reason = _app_text(reason, "reason", _("Say why the application is withdrawn."))
    return APPLICATION.run(application, ApplicationAction.WITHDRAW, actor=actor, expected_status=expected_status,
                           note=reason, changes={"closing_reason": reason, "due_on": None})


@transaction.atomic
def applications_sweep(*, today: datetime.date | None = None) -> int:
    """The daily sweep: flag applications whose review or designation is past its deadline."""
    return APPLICATION.sweep_overdue(today=today)
