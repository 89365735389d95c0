"""Writes for properties/: evaluation schemes, contracts under exit review, the notices of
evaluation consequences and deadline reminders. The quarterly evaluation itself lives in
properties/evaluation.py (it reads every app)."""
from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Q
from django.forms.models import model_to_dict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from communities.models import CommitteeStatus, OwnersCommittee, StaffRole

from .models import (
    ContractStatus,
    FirmStatus,
    PropertyFirm,
    DeadlineReminder,
    EvaluationConsequence,
    EvaluationScheme,
    FeeCollection,
    Inspection,
    ReminderKind,
    SatisfactionSurvey,
    ServiceContract,
)

log = logging.getLogger(__name__)

# The Civil Code's notice period before a service contract or a term ends.
NOTICE_DAYS = 90

_SCHEME_COPY_EXCLUDE = ("id", "version", "is_active", "created_at", "updated_at")


# ---------------------------------------------------------------------------
# Evaluation schemes
# ---------------------------------------------------------------------------
@transaction.atomic
def scheme_revise(*, actor, scheme: EvaluationScheme, **changes) -> EvaluationScheme:
    """Make a new version of `scheme` with `changes` (field name → value) and put it in use.
    The old version stays, unchanged, with the results it produced. Returns the new version.
    Raises ValidationError (field keys) when the revised scheme is invalid."""
    fields = {k: v for k, v in model_to_dict(scheme).items() if k not in _SCHEME_COPY_EXCLUDE}
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError(f"not scheme fields: {sorted(unknown)}")
    fields.update(changes)
    # Lock the versions so two revisions at once cannot take the same number.
    latest = EvaluationScheme.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    revised = EvaluationScheme(version=latest + 1, is_active=True, **fields)
    revised.full_clean(exclude=["is_active", "version"])
    EvaluationScheme.objects.filter(is_active=True).update(is_active=False)
    revised._history_user = actor
    revised.save()
    return revised


# ---------------------------------------------------------------------------
# Firms and contracts
# ---------------------------------------------------------------------------
@transaction.atomic
def firm_create(*, actor, name: str, credit_code: str, qualification: str = "", contact_person: str = "",
                contact_phone: str = "", address: str = "") -> PropertyFirm:
    """Register a property-service firm, with a history row naming `actor`. Raises
    ValidationError (field keys) and saves nothing on a bad or already registered credit code."""
    firm = PropertyFirm(name=name, credit_code=credit_code, qualification=qualification,
                        contact_person=contact_person, contact_phone=contact_phone, address=address)
    firm.full_clean()
    firm._history_user = actor
    firm.save()
    return firm


@transaction.atomic
def contract_create(*, actor, firm, complex, start_date, fee_standard, end_date=None, filed_on=None,
                    today=None) -> ServiceContract:
    """Record a service contract of `firm` at `complex`: active, or ended when its end date has
    passed (`today`, default today in Asia/Shanghai). Raises ValidationError and saves nothing
    when its period overlaps another contract of the complex or a field is invalid."""
    today = today or timezone.localdate()
    status = ContractStatus.ENDED if end_date and end_date < today else ContractStatus.ACTIVE
    contract = ServiceContract(firm=firm, complex=complex, start_date=start_date, end_date=end_date,
                               fee_standard=fee_standard, filed_on=filed_on, status=status,
                               ended_on=end_date if status == ContractStatus.ENDED else None)
    overlapping = (ServiceContract.objects.select_for_update().filter(complex=complex)
                   .overlapping(start_date, end_date or datetime.date.max).select_related("firm").first())
    if overlapping is not None:
        raise ValidationError({"start_date": _(
            "The period overlaps the complex's contract with %(firm)s from %(start)s to %(end)s.") % {
            "firm": overlapping.firm, "start": overlapping.start_date,
            "end": overlapping.end_date or _("open-ended")}})
    contract.full_clean()
    contract._history_user = actor
    contract.save()
    return contract


@transaction.atomic
def contract_put_under_exit_review(*, actor, contract: ServiceContract, reason: str) -> ServiceContract:
    """Put one serving contract under exit review (物业退出), recording the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"exit_reason": _("Give the reason for the exit review.")})
    contracts_put_under_exit_review(actor=actor, reasons={contract.pk: reason})
    contract.refresh_from_db()
    if contract.status != ContractStatus.EXIT_REVIEW:
        raise ValidationError({"status": _("Only an active contract can be put under exit review.")})
    return contract


@transaction.atomic
def contracts_put_under_exit_review(*, actor, reasons: dict[int, str]) -> int:
    """Put the active contracts among `reasons` (contract id → reason) under exit review, with
    history rows. Contracts already under review or ended are left alone. Returns how many
    changed. Three queries whatever the number of contracts."""
    contracts = list(
        ServiceContract.objects.select_for_update().filter(pk__in=list(reasons), status=ContractStatus.ACTIVE)
    )
    now = timezone.now()
    for contract in contracts:
        contract.status = ContractStatus.EXIT_REVIEW
        contract.exit_reason = reasons[contract.pk]
        contract.updated_at = now
    if contracts:
        bulk_update_with_history(
            contracts, ServiceContract, ["status", "exit_reason", "updated_at"], default_user=actor,
            default_change_reason="exit review",
        )
    return len(contracts)


# ---------------------------------------------------------------------------
# Notices by email to the staff of a firm and a community
# ---------------------------------------------------------------------------
def _staff_emails(*, firm_ids=(), community_ids=()) -> tuple[dict, dict]:
    """Active staff users' addresses per firm and per community. One query."""
    by_firm: dict[int, list[str]] = {}
    by_community: dict[int, list[str]] = {}
    users = (
        get_user_model().objects.filter(is_active=True).exclude(email="")
        .filter(
            Q(staff_profile__role=StaffRole.FIRM, staff_profile__firm_id__in=list(firm_ids))
            | Q(staff_profile__role=StaffRole.COMMUNITY, staff_profile__community_id__in=list(community_ids))
        )
        .values_list("email", "staff_profile__firm_id", "staff_profile__community_id")
        .order_by("email")
    )
    for email, firm_id, community_id in users:
        if firm_id:
            by_firm.setdefault(firm_id, []).append(email)
        if community_id:
            by_community.setdefault(community_id, []).append(email)
    return by_firm, by_community


def _send(subject: str, body: str, recipients: list[str]) -> list[str]:
    recipients = sorted(set(recipients))
    if recipients:
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients).send()
    return recipients


def consequences_notify(*, period: str | None = None) -> int:
    """Email each unnotified consequence (of `period`, or all) to the firm's and the community's
    staff, and mark it notified, in one transaction: a consequence is notified once. Returns how
    many were notified."""
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        pending = EvaluationConsequence.objects.unnotified().select_for_update(of=("self",))
        if period:
            pending = pending.filter(period=period)
        pending = list(pending.select_related("contract__firm", "contract__complex__community", "evaluation"))
        by_firm, by_community = _staff_emails(
            firm_ids={c.contract.firm_id for c in pending},
            community_ids={c.contract.complex.community_id for c in pending},
        )
        now = timezone.now()
        for c in pending:
            contract = c.contract
            subject = _("%(kind)s: %(firm)s at %(complex)s, %(period)s") % {
                "kind": c.get_kind_display(), "firm": contract.firm, "complex": contract.complex, "period": c.period,
            }
            lines = [subject, "", c.reason]
            if c.evaluation_id and c.evaluation.total is not None:
                lines.append(_("Total: %(total)s points, grade: %(grade)s.") % {
                    "total": c.evaluation.total, "grade": c.evaluation.get_grade_display()})
            lines.append(_("Each dimension is explained in the evaluation, in the admin."))
            c.notified_to = _send(
                subject, "\n".join(lines),
                by_firm.get(contract.firm_id, []) + by_community.get(contract.complex.community_id, []),
            )
            c.notified_at = now
        EvaluationConsequence.objects.bulk_update(pending, ["notified_at", "notified_to"])
    return len(pending)


def deadline_reminders_send(*, today: datetime.date | None = None) -> int:
    """Record a reminder for every serving contract and active owners' committee whose end
    falls within the next NOTICE_DAYS days (once per item and end date), then email the
    unnotified ones to the community's staff (and the firm's, for a contract). Returns how
    many reminders were sent."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=NOTICE_DAYS)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        contracts = ServiceContract.objects.active().filter(end_date__gte=today, end_date__lte=horizon)
        committees = OwnersCommittee.objects.filter(
            status=CommitteeStatus.ACTIVE, term_end__gte=today, term_end__lte=horizon
        )
        DeadlineReminder.objects.bulk_create(
            [DeadlineReminder(kind=ReminderKind.CONTRACT_ENDING, complex_id=complex_id, contract_id=pk, ends_on=end)
             for pk, complex_id, end in contracts.values_list("pk", "complex_id", "end_date")]
            + [DeadlineReminder(kind=ReminderKind.COMMITTEE_TERM_ENDING, complex_id=complex_id, committee_id=pk, ends_on=end)
               for pk, complex_id, end in committees.values_list("pk", "complex_id", "term_end")],
            ignore_conflicts=True,
        )
        pending = list(
            DeadlineReminder.objects.filter(notified_at__isnull=True).select_for_update(of=("self",))
            .select_related("complex", "contract__firm")
        )
        by_firm, by_community = _staff_emails(
            firm_ids={r.contract.firm_id for r in pending if r.contract_id},
            community_ids={r.complex.community_id for r in pending},
        )
        now = timezone.now()
        for r in pending:
            if r.kind == ReminderKind.CONTRACT_ENDING:
                subject = _("The service contract of %(firm)s at %(complex)s ends on %(date)s") % {
                    "firm": r.contract.firm, "complex": r.complex, "date": r.ends_on}
                recipients = by_firm.get(r.contract.firm_id, []) + by_community.get(r.complex.community_id, [])
            else:
                subject = _("The owners' committee term at %(complex)s ends on %(date)s") % {
                    "complex": r.complex, "date": r.ends_on}
                recipients = by_community.get(r.complex.community_id, [])
            if r.kind == ReminderKind.CONTRACT_ENDING:
                action = _("Prepare the renewal or hand-over within the %(days)s-day notice period.") % {"days": NOTICE_DAYS}
            else:
                action = _("Start the re-election: form the preparatory group, led by the community party "
                           "organisation, so that the new committee is elected and filed before the term ends.")
            body = "\n".join([subject, "", action])
            r.notified_to = _send(subject, body, recipients)
            r.notified_at = now
        DeadlineReminder.objects.bulk_update(pending, ["notified_at", "notified_to"])
    return len(pending)


# ---------------------------------------------------------------------------
# Evidence the community enters: inspections, fee collection figures, satisfaction surveys
# ---------------------------------------------------------------------------
def _saved(instance, actor):
    instance._history_user = actor if getattr(actor, "pk", None) else None
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def inspection_record(*, actor, complex, inspected_on: datetime.date, inspector: str = "", notes: str = "",
                      **scores) -> Inspection:
    """Record a scored checklist of a complex's service (5 items of 0–20 points). The firm
    inspected is the one of the complex's serving contract on that day; a complex without one
    is inspected all the same (community-hosted). Raises ValidationError and saves nothing."""
    unknown = set(scores) - set(Inspection.ITEMS)
    if unknown:
        raise ValueError(f"not inspection items: {sorted(unknown)}")
    errors = {}
    if inspected_on and inspected_on > timezone.localdate():
        errors["inspected_on"] = [_("An inspection is recorded after it took place: the date cannot be in the future.")]
    missing = [item for item in Inspection.ITEMS if scores.get(item) is None]
    for item in missing:
        errors[item] = [_("Give the points of this item (0 to 20).")]
    if errors:
        raise ValidationError(errors)
    return _saved(Inspection(complex=complex, inspected_on=inspected_on, inspector=(inspector or "").strip(),
                             notes=(notes or "").strip(), **scores), actor)


@transaction.atomic
def fee_collections_record(*, actor, period: datetime.date, rows: list[dict]) -> int:
    """Enter one month's fee collection figures for several complexes at once: each row is a
    dict of complex, billed_amount, paid_amount, billed_households, paid_households and
    is_disclosed; an existing month of a complex is updated. All rows or none: raises
    ValidationError({"rows": [...]}) naming each bad complex. Returns how many were saved."""
    if period is None or period.day != 1:
        raise ValidationError({"period": _("Use the first day of the month.")})
    if period > timezone.localdate():
        raise ValidationError({"period": _("Fee figures are entered for a month that has begun.")})
    existing = {f.complex_id: f for f in FeeCollection.objects.select_for_update()
                .filter(period=period, complex__in=[row["complex"] for row in rows])}
    records, errors = [], []
    for row in rows:
        record = existing.get(row["complex"].pk) or FeeCollection(complex=row["complex"], period=period)
        for field in ("billed_amount", "paid_amount", "billed_households", "paid_households", "is_disclosed"):
            setattr(record, field, row.get(field))
        try:
            record.full_clean(validate_constraints=False)
        except ValidationError as exc:
            errors.extend(f"{row['complex']}: {message}" for message in exc.messages)
        records.append(record)
    if errors:
        raise ValidationError({"rows": errors})
    for record in records:
        record._history_user = actor if getattr(actor, "pk", None) else None
        record.save()
    return len(records)


@transaction.atomic
def survey_record(*, actor, complex, period_start: datetime.date, period_end: datetime.date, sample_size: int,
                  satisfied: int) -> SatisfactionSurvey:
    """Record a satisfaction survey of a complex's residents. Raises ValidationError and saves nothing."""
    return _saved(SatisfactionSurvey(complex=complex, period_start=period_start, period_end=period_end,
                                     sample_size=sample_size, satisfied=satisfied), actor)


# ---------------------------------------------------------------------------
# Firm exit and replacement (物业退出、替换有规可循)
# ---------------------------------------------------------------------------
from communities.models import ComplexType, ManagementMode  # noqa: E402
from redproperty.workflow import Move, Workflow, set_history_user  # noqa: E402

from .models import (  # noqa: E402
    ContractExit,
    ContractExitEvent,
    ExitAction,
    ExitDecision,
    ExitStatus,
    HandoverItem,
    HandoverItemKind,
    HandoverSide,
    SuccessorKind,
)

DECISION_DAYS = 30  # the joint meeting takes up the exit review within a month
CHOICE_DAYS = 30  # the owners' vote or the interim arrangement
HANDOVER_DAYS = 30  # 《物业管理条例》: the outgoing firm hands over within the agreed time
CONTRACT_DAYS = 15  # the incoming firm's contract after the handover
INTERIM_DAYS = 180  # interim management is a bridge: the owners choose a firm within six months
EXIT_TEXT_MAX = 2000

EXIT = Workflow(
    model=ContractExit,
    event_model=ContractExitEvent,
    parent_field="exit",
    actions_enum=ExitAction,
    status_enum=ExitStatus,
    moves={
        ExitAction.DECIDE: Move((ExitStatus.REVIEW,), (ExitStatus.CHOOSING, ExitStatus.RETAINED)),
        ExitAction.CHOOSE_SUCCESSOR: Move((ExitStatus.CHOOSING,), ExitStatus.HANDOVER),
        ExitAction.CHECK_ITEMS: Move((ExitStatus.HANDOVER,), None),
        ExitAction.SIGN: Move((ExitStatus.HANDOVER,), (ExitStatus.HANDOVER, ExitStatus.CONTRACTING,
                                                       ExitStatus.INTERIM)),
        ExitAction.RECORD_CONTRACT: Move((ExitStatus.CONTRACTING, ExitStatus.INTERIM), ExitStatus.COMPLETED),
        ExitAction.CANCEL: Move((ExitStatus.REVIEW, ExitStatus.CHOOSING, ExitStatus.HANDOVER), ExitStatus.CANCELLED),
    },
)


def _exit_text(value, field: str, message="", *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > EXIT_TEXT_MAX:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": EXIT_TEXT_MAX}})
    return value


def _exit_day(day, field: str) -> datetime.date:
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future: enter the day it happened.")})
    return day


def _after(day, earlier, field: str) -> None:
    if earlier is not None and day < earlier:
        raise ValidationError({field: _("This date comes before the previous step (%(date)s): check it.")
                               % {"date": earlier}})


@transaction.atomic
def exit_open(*, actor, contract: ServiceContract, opened_on: datetime.date, note: str = "") -> ContractExit:
    """Open the exit procedure of a contract under exit review: the joint meeting decides within
    30 days. Raises ValidationError and saves nothing when the contract is not under exit review
    or already has an exit under way."""
    if contract is None:
        raise ValidationError({"contract": _("Choose the contract under exit review.")})
    _exit_day(opened_on, "opened_on")
    note = _exit_text(note, "note", required=False)
    contract = ServiceContract.objects.select_for_update().select_related("complex").get(pk=contract.pk)
    if contract.status != ContractStatus.EXIT_REVIEW:
        raise ValidationError({"contract": _(
            "Only a contract under exit review has an exit procedure: put it under exit review first.")})
    if contract.exits.open().exists():
        raise ValidationError({"contract": _(
            "This contract already has an exit under way: continue that one or cancel it first.")})
    _after(opened_on, contract.start_date, "opened_on")
    record = ContractExit(complex=contract.complex, contract=contract, opened_on=opened_on,
                          reason=contract.exit_reason or _("Exit review"),
                          due_on=opened_on + datetime.timedelta(days=DECISION_DAYS))
    record.full_clean()
    return EXIT.start(record, action=ExitAction.OPEN, actor=actor, note=note)


@transaction.atomic
def exit_decide(*, exit: ContractExit, actor, decided_on: datetime.date, decision: str, note: str,
                expected_status: str | None = None) -> ContractExit:
    """The joint meeting's decision (联席会议): the firm exits (the successor is chosen next) or
    stays after rectification (the contract is active again and the procedure ends)."""
    _exit_day(decided_on, "decided_on")
    if decision not in ExitDecision.values:
        raise ValidationError({"decision": _("Choose the joint meeting's decision.")})
    note = _exit_text(note, "note", _("Write down what the joint meeting decided and why."))

    def changes(locked):
        _after(decided_on, locked.opened_on, "decided_on")
        fields = {"decided_on": decided_on, "decision": decision, "decision_note": note}
        if decision == ExitDecision.RETAIN:
            contract = ServiceContract.objects.select_for_update().get(pk=locked.contract_id)
            contract.status = ContractStatus.ACTIVE
            set_history_user(contract, actor)
            contract.save(update_fields=["status", "updated_at"])
            return {**fields, "status": ExitStatus.RETAINED, "due_on": None}
        return {**fields, "status": ExitStatus.CHOOSING, "due_on": decided_on + datetime.timedelta(days=CHOICE_DAYS)}

    return EXIT.run(exit, ExitAction.DECIDE, actor=actor, expected_status=expected_status, note=note, changes=changes)


@transaction.atomic
def exit_choose_successor(*, exit: ContractExit, actor, chosen_on: datetime.date, successor_kind: str,
                          successor_firm: PropertyFirm | None = None, interim_manager: str = "", note: str = "",
                          expected_status: str | None = None) -> ContractExit:
    """Who takes over: a firm the owners chose by vote, the community's interim management (托管),
    or an emergency firm (应急物业, for old and abandoned complexes). The handover checklist
    starts with its six lines; the handover is due within 30 days."""
    _exit_day(chosen_on, "chosen_on")
    note = _exit_text(note, "note", required=False)
    interim_manager = (interim_manager or "").strip()
    if successor_kind not in SuccessorKind.values:
        raise ValidationError({"successor_kind": _("Choose who takes over the complex.")})
    if successor_kind == SuccessorKind.INTERIM:
        if not interim_manager:
            raise ValidationError({"interim_manager": _(
                "Name who manages the complex in the meantime (for example the residents' committee).")})
        if successor_firm is not None:
            raise ValidationError({"successor_firm": _("Under interim management no firm takes over: leave it empty.")})
    else:
        if successor_firm is None:
            raise ValidationError({"successor_firm": _("Choose the firm that takes over.")})
        if successor_firm.status == FirmStatus.WITHDRAWN:
            raise ValidationError({"successor_firm": _("This firm has withdrawn: choose another.")})
        interim_manager = ""
    if successor_kind == SuccessorKind.OWNERS_VOTE and not note:
        raise ValidationError({"note": _("Give the owners' vote: how many owners and how much floor area chose the firm.")})

    def changes(locked):
        _after(chosen_on, locked.decided_on, "chosen_on")
        if successor_firm is not None and successor_firm.pk == locked.contract.firm_id:
            raise ValidationError({"successor_firm": _("The outgoing firm cannot succeed itself: choose another.")})
        if successor_kind == SuccessorKind.EMERGENCY and locked.complex.complex_type != ComplexType.OLD:
            raise ValidationError({"successor_kind": _(
                "An emergency firm is for old and abandoned complexes; here the owners choose a firm or the "
                "community manages the complex in the meantime.")})
        HandoverItem.objects.bulk_create(HandoverItem(exit=locked, kind=kind) for kind in HandoverItemKind.values)
        return {"chosen_on": chosen_on, "successor_kind": successor_kind, "successor_firm": successor_firm,
                "interim_manager": interim_manager, "choice_note": note,
                "due_on": chosen_on + datetime.timedelta(days=HANDOVER_DAYS)}

    return EXIT.run(exit, ExitAction.CHOOSE_SUCCESSOR, actor=actor, expected_status=expected_status, note=note,
                    changes=changes)


@transaction.atomic
def exit_check_items(*, exit: ContractExit, actor, items: dict, expected_status: str | None = None) -> ContractExit:
    """Record the handover checklist: `items` maps a line's kind to {"is_done", "detail",
    "amount"} (lines not named are left as they are). Fee arrears need their amount once handed
    over. Changes nothing and raises ValidationError on a bad line."""
    unknown = set(items) - set(HandoverItemKind.values)
    if unknown or not items:
        raise ValidationError({"items": _("Name the checklist lines by their kind: %(kinds)s.")
                               % {"kinds": ", ".join(HandoverItemKind.values)}})

    def changes(locked):
        lines = {line.kind: line for line in locked.items.all()}
        done = []
        for kind, values in items.items():
            line = lines[kind]
            line.is_done = bool(values.get("is_done"))
            line.detail = _exit_text(values.get("detail"), "items", required=False)[:200]
            line.amount = values.get("amount")
            if kind == HandoverItemKind.FEE_ARREARS and line.is_done and line.amount is None:
                raise ValidationError({"items": _(
                    "Enter the fee arrears handed over, in yuan (0 when there are none).")})
            line.full_clean(exclude=["exit"])
            if line.is_done:
                done.append(line.get_kind_display())
        HandoverItem.objects.bulk_update(list(lines[k] for k in items), ["is_done", "detail", "amount"])
        # A changed checklist needs everyone's signature again.
        return {"outgoing_signed_on": None, "incoming_signed_on": None, "community_signed_on": None}

    return EXIT.run(exit, ExitAction.CHECK_ITEMS, actor=actor, expected_status=expected_status, changes=changes)


def _sign_field(side: str) -> str:
    return f"{side}_signed_on"


@transaction.atomic
def exit_sign(*, exit: ContractExit, actor, side: str, signed_on: datetime.date, note: str = "",
              expected_status: str | None = None) -> ContractExit:
    """One side signs the handover (the outgoing firm, the incoming firm or interim manager, the
    community). Every checklist line must be handed over first. When the three have signed, the
    outgoing contract ends that day; a firm successor's contract is then to be recorded (within
    15 days), an interim manager runs the complex until the owners choose a firm."""
    if side not in HandoverSide.values:
        raise ValidationError({"side": _("Choose who signs.")})
    _exit_day(signed_on, "signed_on")
    note = _exit_text(note, "note", required=False)

    def changes(locked):
        _after(signed_on, locked.chosen_on, "signed_on")
        missing = [line.get_kind_display() for line in locked.items.all() if not line.is_done]
        if missing:
            raise ValidationError({"side": _("Not handed over yet: %(items)s. Complete the checklist before signing.")
                                   % {"items": "、".join(str(m) for m in missing)}})
        if getattr(locked, _sign_field(side)) is not None:
            raise ValidationError({"side": _("This side has already signed.")})
        fields = {_sign_field(side): signed_on}
        signed = {s: fields.get(_sign_field(s), getattr(locked, _sign_field(s))) for s in HandoverSide.values}
        if not all(signed.values()):
            return {**fields, "status": ExitStatus.HANDOVER}
        handed_over = max(signed.values())
        contract = ServiceContract.objects.select_for_update().get(pk=locked.contract_id)
        contract.status = ContractStatus.TERMINATED
        contract.ended_on = handed_over
        if contract.end_date is None or contract.end_date > handed_over:
            contract.end_date = max(handed_over, contract.start_date + datetime.timedelta(days=1))
        set_history_user(contract, actor)
        contract.save(update_fields=["status", "ended_on", "end_date", "updated_at"])
        if locked.successor_kind == SuccessorKind.INTERIM:
            complex_ = locked.complex
            complex_.management_mode = ManagementMode.COMMUNITY_HOSTED
            set_history_user(complex_, actor)
            complex_.save(update_fields=["management_mode", "updated_at"])
            return {**fields, "status": ExitStatus.INTERIM,
                    "due_on": handed_over + datetime.timedelta(days=INTERIM_DAYS)}
        return {**fields, "status": ExitStatus.CONTRACTING,
                "due_on": handed_over + datetime.timedelta(days=CONTRACT_DAYS)}

    return EXIT.run(exit, ExitAction.SIGN, actor=actor, expected_status=expected_status, changes=changes,
                    note=note or HandoverSide(side).label)


@transaction.atomic
def exit_record_contract(*, exit: ContractExit, actor, start_date: datetime.date, fee_standard,
                         end_date: datetime.date | None = None, firm: PropertyFirm | None = None,
                         filed_on: datetime.date | None = None, expected_status: str | None = None) -> ContractExit:
    """The new service contract: the incoming firm's (or, after interim management, the firm the
    owners then chose: `firm`). It succeeds the outgoing contract; the procedure is complete."""
    if start_date is None:
        raise ValidationError({"start_date": _("Enter the date the new contract starts.")})
    if fee_standard is None:
        raise ValidationError({"fee_standard": _("Enter the fee standard in yuan per m² per month.")})

    def changes(locked):
        chosen = firm or locked.successor_firm
        if chosen is None:
            raise ValidationError({"firm": _("Choose the firm the owners chose.")})
        if chosen.pk == locked.contract.firm_id:
            raise ValidationError({"firm": _("The outgoing firm cannot succeed itself: choose another.")})
        if locked.contract.ended_on and start_date <= locked.contract.ended_on:
            raise ValidationError({"start_date": _("The new contract starts after the handover (%(date)s).")
                                   % {"date": locked.contract.ended_on}})
        new = contract_create(actor=actor, firm=chosen, complex=locked.complex, start_date=start_date,
                              end_date=end_date, fee_standard=fee_standard, filed_on=filed_on)
        old = ServiceContract.objects.select_for_update().get(pk=locked.contract_id)
        old.successor = new
        set_history_user(old, actor)
        old.save(update_fields=["successor", "updated_at"])
        complex_ = locked.complex
        if complex_.management_mode != ManagementMode.FIRM:
            complex_.management_mode = ManagementMode.FIRM
            set_history_user(complex_, actor)
            complex_.save(update_fields=["management_mode", "updated_at"])
        fields = {"new_contract": new, "due_on": None}
        if firm is not None and locked.successor_kind == SuccessorKind.INTERIM:
            fields["successor_firm"] = firm
        return fields

    return EXIT.run(exit, ExitAction.RECORD_CONTRACT, actor=actor, expected_status=expected_status, changes=changes)


@transaction.atomic
def exit_cancel(*, exit: ContractExit, actor, reason: str, expected_status: str | None = None) -> ContractExit:
    """Stop the procedure before the handover is signed, with the reason (the review was
    withdrawn, the contract ran out and another procedure took over, ...). The contract stays
    as it is."""
    reason = _exit_text(reason, "reason", _("Say why the exit is cancelled."))

    return EXIT.run(exit, ExitAction.CANCEL, actor=actor, expected_status=expected_status, note=reason,
                    changes={"cancel_reason": reason, "due_on": None})


@transaction.atomic
def exits_sweep(*, today: datetime.date | None = None) -> dict:
    """The daily sweep: flag exits past their step's deadline (notified once each)."""
    return {"overdue": EXIT.sweep_overdue(today=today)}
