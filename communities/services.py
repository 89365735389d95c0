"""Writes for communities/: staff accounts, owners' committees, and the committee election
workflow (its transition table is ELECTION below)."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from redproperty.roles import ROLE_GROUPS
from redproperty.workflow import Move, Workflow, set_history_user

from .models import (
    CommitteeElection,
    CommitteeElectionEvent,
    CommitteeStatus,
    ElectionAction,
    ElectionCandidate,
    ElectionStatus,
    GroupSide,
    MemberRole,
    OwnersCommittee,
    OwnersCommitteeMember,
    PreparatoryGroupMember,
    ResidentialComplex,
    StaffProfile,
    StaffRole,
    _add_years,
)
from .voting import Turnout


@transaction.atomic
def staff_user_create(*, username: str, password: str, role: str, jurisdiction, **user_fields):
    """Create a staff user with its profile and role group. Returns the user.

    `jurisdiction` is the District, Subdistrict, Community or PropertyFirm the role covers."""
    user = get_user_model().objects.create_user(username=username, password=password, is_staff=True, **user_fields)
    staff_profile_set(user=user, role=role, jurisdiction=jurisdiction)
    return user


@transaction.atomic
def staff_profile_set(*, user, role: str, jurisdiction) -> StaffProfile:
    """Give `user` the role over `jurisdiction`, replacing any earlier profile and role group."""
    role = StaffRole(role)
    profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
    profile.role = role
    profile.district = profile.subdistrict = profile.community = profile.firm = None
    setattr(profile, role.value, jurisdiction)
    profile.full_clean(exclude=["user"])
    profile.save()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role.value]))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return profile


def _member_rows(committee, members: list[dict]) -> list[OwnersCommitteeMember]:
    rows = [OwnersCommitteeMember(committee=committee, **m) for m in members]
    for row in rows:
        # bulk_create skips validation; the committee may not be saved yet, hence the exclusions.
        row.full_clean(exclude=["committee"], validate_constraints=False)
    return rows


def _check_one_in_office(committee) -> None:
    """A clear message instead of the database's refusal of a second committee in office."""
    if committee.status != CommitteeStatus.ACTIVE:
        return
    others = OwnersCommittee.objects.filter(complex_id=committee.complex_id, status=CommitteeStatus.ACTIVE)
    if committee.pk:
        others = others.exclude(pk=committee.pk)
    if others.exists():
        raise ValidationError({"complex": _(
            "This complex already has an owners' committee in office. End its term first (renew it), "
            "or record this one as preparing.")})


@transaction.atomic
def owners_committee_create(*, complex, term_start, term_end, members: list[dict], filed_on=None, status="active",
                            actor=None):
    """Create an owners' committee with its members after checking size, parity, director and term.

    `members` are dicts of name, role, is_party_member (and optional phone). Raises
    ValidationError and saves nothing when the list, a member or the committee is invalid."""
    OwnersCommittee.validate_members(members)
    committee = OwnersCommittee(complex=complex, term_start=term_start, term_end=term_end, filed_on=filed_on, status=status)
    committee.full_clean(validate_constraints=False)
    _check_one_in_office(committee)
    rows = _member_rows(committee, members)
    committee._history_user = actor
    committee.save()
    OwnersCommitteeMember.objects.bulk_create(rows)
    return committee


@transaction.atomic
def owners_committee_update(*, actor, committee: OwnersCommittee, term_start, term_end, members: list[dict],
                            filed_on=None) -> OwnersCommittee:
    """Change a committee's term, filing date and whole member list in one step (the members are
    replaced). The same checks as on creation; raises ValidationError and changes nothing."""
    OwnersCommittee.validate_members(members)
    committee.term_start, committee.term_end, committee.filed_on = term_start, term_end, filed_on
    committee.full_clean(validate_constraints=False)
    rows = _member_rows(committee, members)
    committee._history_user = actor
    committee.save()
    committee.members.all().delete()
    OwnersCommitteeMember.objects.bulk_create(rows)
    return committee


@transaction.atomic
def owners_committee_renew(*, actor, committee: OwnersCommittee, term_start, term_end, members: list[dict],
                           filed_on=None) -> OwnersCommittee:
    """End the term of the committee in office and start the next one (换届) in one step: the
    old committee becomes "term expired", the new one is in office with its members. The new
    term starts after the old one started. Raises ValidationError and changes nothing."""
    locked = OwnersCommittee.objects.select_for_update().get(pk=committee.pk)
    if locked.status != CommitteeStatus.ACTIVE:
        raise ValidationError(_("Only a committee in office can be renewed; this one is “%(status)s”.")
                              % {"status": locked.get_status_display()})
    if term_start and term_start <= locked.term_start:
        raise ValidationError({"term_start": _("The new term starts after the current one started (%(date)s).")
                               % {"date": locked.term_start}})
    locked.status = CommitteeStatus.EXPIRED
    locked._history_user = actor
    locked.save(update_fields=["status", "updated_at"])
    return owners_committee_create(complex=locked.complex, term_start=term_start, term_end=term_end, members=members,
                                   filed_on=filed_on, actor=actor)


# ---------------------------------------------------------------------------
# Owners' committee formation and re-election
# ---------------------------------------------------------------------------
# 《业主大会和业主委员会指导规则》: the preparatory group holds the first general meeting within
# 90 days; the elected committee files (备案) within 30 days of its election.
PREPARATION_DAYS = 90
RESULT_DAYS = 7  # the vote is recorded within a week of the meeting
FILING_DAYS = 30
GROUP_MIN = 3
TEXT_MAX = 2000

ELECTION = Workflow(
    model=CommitteeElection,
    event_model=CommitteeElectionEvent,
    parent_field="election",
    actions_enum=ElectionAction,
    status_enum=ElectionStatus,
    moves={
        ElectionAction.CONVENE: Move((ElectionStatus.PREPARING, ElectionStatus.FAILED), ElectionStatus.CONVENED),
        ElectionAction.RECORD_RESULT: Move((ElectionStatus.CONVENED,), (ElectionStatus.ELECTED, ElectionStatus.FAILED)),
        ElectionAction.FILE: Move((ElectionStatus.ELECTED,), ElectionStatus.FILED),
        ElectionAction.CANCEL: Move(
            (ElectionStatus.PREPARING, ElectionStatus.CONVENED, ElectionStatus.FAILED, ElectionStatus.ELECTED),
            ElectionStatus.CANCELLED,
        ),
    },
)


def _text(value, field: str, message, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": TEXT_MAX}})
    return value


def _not_in_future(day, field: str) -> None:
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future: enter the day it happened.")})


def _validate_group(members: list[dict]) -> list[PreparatoryGroupMember]:
    if len(members) < GROUP_MIN:
        raise ValidationError({"group_members": _(
            "A preparatory group has at least %(min)d members; list them all.") % {"min": GROUP_MIN}})
    leaders = [m for m in members if m.get("is_leader")]
    if len(leaders) != 1:
        raise ValidationError({"group_members": _("Mark exactly one member as the group's leader.")})
    if leaders[0].get("side") != GroupSide.PARTY:
        raise ValidationError({"group_members": _(
            "The preparatory group is led by the community party organisation: choose its member as leader.")})
    rows = [PreparatoryGroupMember(**m) for m in members]
    for row in rows:
        row.full_clean(exclude=["election"], validate_constraints=False)
    return rows


@transaction.atomic
def election_open(*, actor, complex: ResidentialComplex, formed_on, group_members: list[dict], note: str = ""):
    """Record the preparatory group (筹备组) of a complex's committee election: its first
    committee, or the next one when the complex has had one (换届). Starts the 90-day
    preparation. Raises ValidationError and saves nothing when the input is wrong or the
    complex already has an election under way."""
    if complex is None:
        raise ValidationError({"complex": _("Choose the residential complex.")})
    _not_in_future(formed_on, "formed_on")
    note = _text(note, "note", "", required=False)
    rows = _validate_group(group_members)
    previous = (
        OwnersCommittee.objects.filter(complex=complex, status__in=[CommitteeStatus.ACTIVE, CommitteeStatus.EXPIRED])
        .order_by("-term_start").first()
    )
    election = CommitteeElection(
        complex=complex, previous_committee=previous, formed_on=formed_on,
        due_on=formed_on + datetime.timedelta(days=PREPARATION_DAYS),
    )
    election.full_clean()
    ELECTION.start(election, action=ElectionAction.OPEN, actor=actor, note=note)
    for row in rows:
        row.election = election
    PreparatoryGroupMember.objects.bulk_create(rows)
    return election


@transaction.atomic
def election_convene(*, election: CommitteeElection, actor, meeting_on, seats: int, owners_total: int,
                     area_total: Decimal, candidates: list[dict], expected_status: str | None = None,
                     note: str = "") -> CommitteeElection:
    """Convene the owners' general meeting: its date, the seats, the complex's owners and
    exclusive floor area (the base of the double majority) and the candidates, one of them
    proposed as director. After a failed vote this convenes it again with a new list."""
    errors = {}
    if seats is None or not (OwnersCommittee.MIN_MEMBERS <= seats <= OwnersCommittee.MAX_MEMBERS) or seats % 2 == 0:
        errors["seats"] = _("An owners' committee has an odd number of seats from %(min)d to %(max)d.") % {
            "min": OwnersCommittee.MIN_MEMBERS, "max": OwnersCommittee.MAX_MEMBERS}
    if meeting_on is None:
        errors["meeting_on"] = _("Enter the date of the general meeting.")
    elif meeting_on < election.formed_on:  # fixed when the election opened
        errors["meeting_on"] = _("The meeting cannot come before the preparatory group was formed.")
    if owners_total is None or owners_total < 1:
        errors["owners_total"] = _("Enter the number of owners (at least 1).")
    if area_total is None or area_total <= 0:
        errors["area_total"] = _("Enter the total exclusive floor area (more than 0 m²).")
    names = [(c.get("name") or "").strip() for c in candidates]
    if not errors.get("seats") and len(candidates) < seats:
        errors["candidates"] = _("List at least as many candidates as seats (%(seats)d).") % {"seats": seats}
    elif len(set(names)) != len(names) or not all(names):
        errors["candidates"] = _("Give every candidate a name, each once.")
    elif sum(1 for c in candidates if c.get("role") == MemberRole.DIRECTOR) != 1:
        errors["candidates"] = _("Propose exactly one candidate for director.")
    if errors:
        raise ValidationError(errors)
    rows = [ElectionCandidate(name=n, role=c.get("role") or MemberRole.MEMBER,
                              is_party_member=bool(c.get("is_party_member"))) for n, c in zip(names, candidates)]
    for row in rows:
        row.full_clean(exclude=["election"], validate_constraints=False)

    def changes(locked):
        locked.candidates.all().delete()  # a new vote after a failed one comes with its own list
        for row in rows:
            row.election = locked
        ElectionCandidate.objects.bulk_create(rows)
        return {"meeting_on": meeting_on, "seats": seats, "owners_total": owners_total, "area_total": area_total,
                "owners_voting": None, "area_voting": None, "voted_on": None, "result_note": "",
                "due_on": meeting_on + datetime.timedelta(days=RESULT_DAYS)}

    return ELECTION.run(election, ElectionAction.CONVENE, actor=actor, expected_status=expected_status,
                        note=_text(note, "note", "", required=False), changes=changes)


@transaction.atomic
def election_record_result(*, election: CommitteeElection, actor, voted_on, owners_voting: int, area_voting: Decimal,
                           votes: dict, expected_status: str | None = None) -> CommitteeElection:
    """Record the general meeting's vote: who took part (by head and by floor area) and, for
    each candidate (`votes`: candidate id → {"owners": n, "area": m²}), the votes for them.

    The double majority (communities/voting.py) decides: when at least two thirds took part and
    enough candidates won more than half of the participating owners and area, the best placed
    fill the seats and the committee is created ("preparing" until filed; filing is due within
    30 days). Otherwise the vote failed, and the group convenes a new one."""
    _not_in_future(voted_on, "voted_on")

    def changes(locked):
        if voted_on < locked.meeting_on:
            raise ValidationError({"voted_on": _("The vote cannot come before the meeting was convened for.")})
        turnout = Turnout(owners_total=locked.owners_total, area_total=locked.area_total,
                          owners_voting=owners_voting, area_voting=area_voting)
        turnout.validate()
        candidates = list(locked.candidates.all())
        missing = [c.name for c in candidates if c.pk not in votes]
        if missing:
            raise ValidationError({"votes": _("Enter the votes for every candidate: %(names)s.") % {
                "names": "、".join(missing)}})
        for c in candidates:
            counted = votes[c.pk]
            turnout.check_votes(counted.get("owners"), counted.get("area"))
            c.votes_owners, c.votes_area = counted["owners"], Decimal(counted["area"])
        passing = sorted((c for c in candidates if turnout.approves(c.votes_owners, c.votes_area)),
                         key=lambda c: (c.votes_owners, c.votes_area), reverse=True)
        elected = passing[: locked.seats]
        for c in candidates:
            c.is_elected = c in elected
        ElectionCandidate.objects.bulk_update(candidates, ["votes_owners", "votes_area", "is_elected"])
        fields = {"voted_on": voted_on, "owners_voting": owners_voting, "area_voting": area_voting}
        if not turnout.quorum_met:
            reason = _("Too few owners took part: at least two thirds of the owners and of the floor area must vote.")
        elif len(elected) < locked.seats:
            reason = _("Only %(n)d candidates won more than half of the participating owners and floor area; "
                       "%(seats)d seats are to fill.") % {"n": len(elected), "seats": locked.seats}
        elif not any(c.role == MemberRole.DIRECTOR for c in elected):
            reason = _("The candidate for director was not elected.")
        else:
            reason = ""
        if reason:
            return {**fields, "status": ElectionStatus.FAILED, "result_note": f"{turnout.describe()} {reason}",
                    "due_on": voted_on + datetime.timedelta(days=PREPARATION_DAYS)}
        committee = OwnersCommittee(
            complex=locked.complex, term_start=voted_on, status=CommitteeStatus.PREPARING,
            term_end=_add_years(voted_on, OwnersCommittee.MAX_TERM_YEARS) - datetime.timedelta(days=1),
        )
        committee.full_clean()
        set_history_user(committee, actor)
        committee.save()
        OwnersCommitteeMember.objects.bulk_create(
            OwnersCommitteeMember(committee=committee, name=c.name, role=c.role, is_party_member=c.is_party_member)
            for c in elected
        )
        names = "、".join(c.name for c in elected)
        return {**fields, "status": ElectionStatus.ELECTED, "committee": committee,
                "result_note": f"{turnout.describe()} " + _("Elected: %(names)s.") % {"names": names},
                "due_on": voted_on + datetime.timedelta(days=FILING_DAYS)}

    return ELECTION.run(election, ElectionAction.RECORD_RESULT, actor=actor, expected_status=expected_status,
                        changes=changes)


@transaction.atomic
def election_file(*, election: CommitteeElection, actor, filed_on, expected_status: str | None = None,
                  note: str = "") -> CommitteeElection:
    """备案: the subdistrict has filed the elected committee. It takes office; the committee it
    replaces (a re-election) leaves office."""
    _not_in_future(filed_on, "filed_on")

    def changes(locked):
        if filed_on < locked.voted_on:
            raise ValidationError({"filed_on": _("A committee is filed after its election.")})
        committee = locked.committee
        for old in OwnersCommittee.objects.filter(complex=locked.complex, status=CommitteeStatus.ACTIVE):
            old.status = CommitteeStatus.EXPIRED
            set_history_user(old, actor)
            old.save(update_fields=["status", "updated_at"])
        committee.status, committee.filed_on = CommitteeStatus.ACTIVE, filed_on
        set_history_user(committee, actor)
        committee.save(update_fields=["status", "filed_on", "updated_at"])
        return {"filed_on": filed_on, "due_on": None}

    return ELECTION.run(election, ElectionAction.FILE, actor=actor, expected_status=expected_status,
                        note=_text(note, "note", "", required=False), changes=changes)


@transaction.atomic
def election_cancel(*, election: CommitteeElection, actor, reason: str,
                    expected_status: str | None = None) -> CommitteeElection:
    """Stop an election (the group dissolved, the complex was merged, ...), with the reason. A
    committee elected but not filed is dissolved with it."""
    reason = _text(reason, "reason", _("Say why the election is cancelled."))

    def changes(locked):
        if locked.committee_id:
            committee = locked.committee
            committee.status = CommitteeStatus.DISSOLVED
            set_history_user(committee, actor)
            committee.save(update_fields=["status", "updated_at"])
        return {"cancel_reason": reason, "due_on": None}

    return ELECTION.run(election, ElectionAction.CANCEL, actor=actor, expected_status=expected_status, note=reason,
                        changes=changes)


@transaction.atomic
def elections_sweep(*, today: datetime.date | None = None) -> dict:
    """The daily sweep: flag elections past their step's deadline (notified once each), and
    take out of office committees whose term has ended (with history rows). Returns the counts."""
    today = today or timezone.localdate()
    overdue = ELECTION.sweep_overdue(today=today)
    ended = list(OwnersCommittee.objects.select_for_update(skip_locked=True)
                 .filter(status=CommitteeStatus.ACTIVE, term_end__lt=today))
    for committee in ended:
        committee.status = CommitteeStatus.EXPIRED
    if ended:
        bulk_update_with_history(ended, OwnersCommittee, ["status"], default_change_reason="term ended")
    return {"overdue": overdue, "expired": len(ended)}


@transaction.atomic
def complex_create(*, actor, community, name: str, complex_type: str = "commercial", management_mode: str = "firm",
                   households: int = 0, buildings: int = 0, floor_area=0, year_built: int | None = None,
                   address: str = "") -> ResidentialComplex:
    """Register a residential complex in `community`, with a history row naming `actor`.
    Raises ValidationError (field keys) and saves nothing when a field is invalid or the
    community already has a complex of that name."""
    complex_ = ResidentialComplex(
        community=community, name=name, complex_type=complex_type, management_mode=management_mode,
        households=households, buildings=buildings, floor_area=floor_area, year_built=year_built, address=address,
    )
    complex_.full_clean()
    complex_._history_user = actor
    complex_.save()
    return complex_


# ---------------------------------------------------------------------------
# Mediation of disputes (矛盾纠纷调解)
# ---------------------------------------------------------------------------
from .models import (  # noqa: E402
    MediationAction,
    MediationCase,
    MediationCaseEvent,
    MediationParty,
    MediationSession,
    MediationStatus,
    PartySide,
)

FIRST_SESSION_DAYS = 10  # the first session within ten days of taking the case in
AGREEMENT_DAYS = 30  # from each session, the next step within a month
FOLLOW_UP_DAYS = 30  # the default check that the agreement is honoured
PARTIES_MIN = 2

MEDIATION = Workflow(
    model=MediationCase,
    event_model=MediationCaseEvent,
    parent_field="case",
    actions_enum=MediationAction,
    status_enum=MediationStatus,
    moves={
        MediationAction.HOLD_SESSION: Move((MediationStatus.OPENED, MediationStatus.MEDIATING),
                                           MediationStatus.MEDIATING),
        MediationAction.RECORD_AGREEMENT: Move((MediationStatus.MEDIATING,), MediationStatus.AGREED),
        MediationAction.FOLLOW_UP: Move((MediationStatus.AGREED,), (MediationStatus.RESOLVED, MediationStatus.MEDIATING)),
        MediationAction.CLOSE_FAILED: Move((MediationStatus.MEDIATING,), MediationStatus.FAILED),
        MediationAction.WITHDRAW: Move((MediationStatus.OPENED, MediationStatus.MEDIATING), MediationStatus.WITHDRAWN),
    },
)


def _validate_parties(parties: list[dict]) -> list[MediationParty]:
    rows = [MediationParty(name=(p.get("name") or "").strip(), side=p.get("side") or "") for p in parties]
    rows = [r for r in rows if r.name]
    if len(rows) < PARTIES_MIN:
        raise ValidationError({"parties": _("A dispute has at least two parties: name each with their side.")})
    if len({r.name for r in rows}) != len(rows):
        raise ValidationError({"parties": _("This party is already named in the case: list each party once.")})
    for row in rows:
        if row.side not in PartySide.values:
            raise ValidationError({"parties": _("Choose the side of %(name)s.") % {"name": row.name}})
        row.full_clean(exclude=["case"], validate_constraints=False)
    return rows


@transaction.atomic
def mediation_open(*, actor, complex: ResidentialComplex, subject: str, description: str, opened_on,
                   mediator: str, parties: list[dict], mediator_post: str = "", complaints=(),
                   note: str = "") -> MediationCase:
    """Take a dispute in: the complex, what it is about, the parties (at least two), the mediator
    and the complaints it grew from (of the same complex). The first session is due within ten
    days. Raises ValidationError and saves nothing on bad input."""
    if complex is None:
        raise ValidationError({"complex": _("Choose the residential complex.")})
    _not_in_future(opened_on, "opened_on")
    subject = _text(subject, "subject", _("Say in a few words what the dispute is about."))
    description = _text(description, "description", _("Describe the dispute."))
    mediator = _text(mediator, "mediator", _("Name the mediator."))
    note = _text(note, "note", "", required=False)
    rows = _validate_parties(parties)
    complaints = list(complaints)
    if any(c.complex_id != complex.pk for c in complaints):
        raise ValidationError({"complaints": _("Link only complaints from this complex.")})
    case = MediationCase(complex=complex, subject=subject, description=description, opened_on=opened_on,
                         mediator=mediator, mediator_post=(mediator_post or "").strip(),
                         due_on=opened_on + datetime.timedelta(days=FIRST_SESSION_DAYS))
    case.full_clean()
    MEDIATION.start(case, action=MediationAction.OPEN, actor=actor, note=note)
    for row in rows:
        row.case = case
    MediationParty.objects.bulk_create(rows)
    if complaints:
        case.complaints.set(complaints)
    return case


@transaction.atomic
def mediation_hold_session(*, case: MediationCase, actor, held_on, summary: str,
                           expected_status: str | None = None) -> MediationCase:
    """Record a session: its day and what was said. The next step is due within a month."""
    _not_in_future(held_on, "held_on")
    summary = _text(summary, "summary", _("Write down what the session established."))

    def changes(locked):
        if held_on < locked.opened_on:
            raise ValidationError({"held_on": _("A session comes after the case was taken in (%(date)s).")
                                   % {"date": locked.opened_on}})
        MediationSession.objects.create(case=locked, held_on=held_on, summary=summary)
        return {"due_on": held_on + datetime.timedelta(days=AGREEMENT_DAYS)}

    return MEDIATION.run(case, MediationAction.HOLD_SESSION, actor=actor, expected_status=expected_status,
                         note=summary, changes=changes)


@transaction.atomic
def mediation_record_agreement(*, case: MediationCase, actor, agreed_on, agreement: str, follow_up_on=None,
                               expected_status: str | None = None) -> MediationCase:
    """The parties agreed (调解协议): its text and date, and the day the community checks that it
    is honoured (a month later unless given)."""
    _not_in_future(agreed_on, "agreed_on")
    agreement = _text(agreement, "agreement", _("Write down what the parties agreed."))
    follow_up_on = follow_up_on or agreed_on + datetime.timedelta(days=FOLLOW_UP_DAYS)
    if follow_up_on <= agreed_on:
        raise ValidationError({"follow_up_on": _("The follow-up comes after the agreement.")})

    def changes(locked):
        last = locked.sessions.order_by("-held_on").values_list("held_on", flat=True).first()
        if last and agreed_on < last:
            raise ValidationError({"agreed_on": _("The agreement comes after the last session (%(date)s).")
                                   % {"date": last}})
        return {"agreement": agreement, "agreed_on": agreed_on, "follow_up_on": follow_up_on, "due_on": follow_up_on}

    return MEDIATION.run(case, MediationAction.RECORD_AGREEMENT, actor=actor, expected_status=expected_status,
                         note=agreement, changes=changes)


@transaction.atomic
def mediation_follow_up(*, case: MediationCase, actor, checked_on, honoured: bool, note: str,
                        expected_status: str | None = None) -> MediationCase:
    """The follow-up (回访): the agreement was honoured (the case is resolved, its outcome shown on
    the complex's page), or not (back to mediation, a session due within a month)."""
    _not_in_future(checked_on, "checked_on")
    note = _text(note, "note", _("Write down what the follow-up found."))

    def changes(locked):
        if checked_on < locked.agreed_on:
            raise ValidationError({"checked_on": _("The follow-up comes after the agreement (%(date)s).")
                                   % {"date": locked.agreed_on}})
        if honoured:
            return {"status": MediationStatus.RESOLVED, "follow_up_note": note, "closed_on": checked_on,
                    "outcome": (_("Agreement honoured: %(agreement)s") % {"agreement": locked.agreement})[:2000],
                    "due_on": None}
        return {"status": MediationStatus.MEDIATING, "follow_up_note": note,
                "due_on": checked_on + datetime.timedelta(days=AGREEMENT_DAYS)}

    return MEDIATION.run(case, MediationAction.FOLLOW_UP, actor=actor, expected_status=expected_status, note=note,
                         changes=changes)


@transaction.atomic
def mediation_close_failed(*, case: MediationCase, actor, closed_on, outcome: str,
                           expected_status: str | None = None) -> MediationCase:
    """No agreement: the case closes with its outcome (the parties were told of other ways, such as
    the people's mediation committee, arbitration or the courts)."""
    _not_in_future(closed_on, "closed_on")
    outcome = _text(outcome, "outcome", _("Say how the case ends and what the parties were advised."))
    return MEDIATION.run(case, MediationAction.CLOSE_FAILED, actor=actor, expected_status=expected_status,
                         note=outcome, changes={"outcome": outcome, "closed_on": closed_on, "due_on": None})


@transaction.atomic
def mediation_withdraw(*, case: MediationCase, actor, closed_on, reason: str,
                       expected_status: str | None = None) -> MediationCase:
    """The party who brought the case withdrew it (settled between themselves, moved away, ...)."""
    _not_in_future(closed_on, "closed_on")
    reason = _text(reason, "reason", _("Say why the case is withdrawn."))
    return MEDIATION.run(case, MediationAction.WITHDRAW, actor=actor, expected_status=expected_status, note=reason,
                         changes={"outcome": reason, "closed_on": closed_on, "due_on": None})


@transaction.atomic
def mediations_sweep(*, today: datetime.date | None = None) -> dict:
    """The daily sweep: flag cases past their step's deadline (notified once each)."""
    return {"overdue": MEDIATION.sweep_overdue(today=today)}
