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
