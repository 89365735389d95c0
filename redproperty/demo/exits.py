"""Firm exits and replacements in every state: contracts under exit review awaiting the joint
meeting, successors being chosen, handovers with their checklist part done, a firm replaced
after the owners' vote, an emergency firm and interim management in old complexes, a firm
retained after rectification and a cancelled procedure; each with its events as the services
would have written them.

Drawn from a generator of its own, so that adding this step changes no other step's data."""
from __future__ import annotations

import datetime
import random
from decimal import Decimal

from communities.models import ComplexType, ManagementMode, ResidentialComplex
from properties.models import (
    ContractExit,
    ContractExitEvent,
    ContractStatus,
    ExitAction,
    ExitDecision,
    ExitStatus,
    HandoverItem,
    HandoverItemKind,
    ServiceContract,
    SuccessorKind,
)
from properties.services import CHOICE_DAYS, CONTRACT_DAYS, DECISION_DAYS, HANDOVER_DAYS, INTERIM_DAYS

from . import SEED
from .contracts import JUHE_COMPLEXES

REASON = "服务质量连续两个季度考评不合格，合同列入退出审查。"
# (status, successor kind, days since the procedure opened, complex type wanted)
PLANS = [
    (ExitStatus.REVIEW, "", 12, None),
    (ExitStatus.REVIEW, "", 45, None),  # the joint meeting is late: overdue
    (ExitStatus.CHOOSING, "", 40, None),
    (ExitStatus.CHOOSING, "", 80, None),  # overdue
    (ExitStatus.HANDOVER, SuccessorKind.OWNERS_VOTE, 70, None),
    (ExitStatus.HANDOVER, SuccessorKind.EMERGENCY, 60, ComplexType.OLD),
    (ExitStatus.CONTRACTING, SuccessorKind.OWNERS_VOTE, 100, None),
    (ExitStatus.INTERIM, SuccessorKind.INTERIM, 150, ComplexType.OLD),
    (ExitStatus.COMPLETED, SuccessorKind.OWNERS_VOTE, 200, None),
    (ExitStatus.COMPLETED, SuccessorKind.EMERGENCY, 260, ComplexType.OLD),
    (ExitStatus.RETAINED, "", 120, None),
    (ExitStatus.CANCELLED, "", 90, None),
]


def _at(day):
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def build(ctx):
    rng = random.Random(f"{SEED}-exits")
    today = ctx.today
    contracts = sorted(
        (c for c in ctx.contracts.values()
         if c.status == ContractStatus.ACTIVE and c.complex.name not in JUHE_COMPLEXES
         and c.start_date < today - datetime.timedelta(days=400) and c.end_date is None),
        key=lambda c: c.pk)
    rng.shuffle(contracts)
    firms = list(ctx.firms.values())
    used, records, items, events, new_contracts = set(), [], [], [], []
    for status, kind, age, wanted in PLANS:
        contract = next(c for c in contracts if c.pk not in used and (wanted is None or c.complex.complex_type == wanted))
        used.add(contract.pk)
        opened_on = today - datetime.timedelta(days=age)
        record, lines, steps, new = _exit(rng, today, contract, status, kind, opened_on, firms)
        records.append(record)
        items.append(lines)
        events.append(steps)
        new_contracts.append(new)
    made = ServiceContract.objects.bulk_create([n for n in new_contracts if n is not None])
    made_iter = iter(made)
    for record, new in zip(records, new_contracts):
        if new is not None:
            record.new_contract = next(made_iter)
    records = ContractExit.objects.bulk_create(records)
    for record, new in zip(records, new_contracts):
        if new is not None:
            ServiceContract.objects.filter(pk=record.contract_id).update(successor=record.new_contract)
    # Later steps read the serving contract of each complex and its management mode.
    for record in records:
        fresh = ServiceContract.objects.get(pk=record.contract_id)
        record.contract.status, record.contract.ended_on, record.contract.end_date = (
            fresh.status, fresh.ended_on, fresh.end_date)
        if record.new_contract is not None:
            ctx.contracts[record.complex_id] = record.new_contract
        elif fresh.status == ContractStatus.TERMINATED:
            ctx.contracts.pop(record.complex_id, None)
        if record.status == ExitStatus.INTERIM:
            record.complex.management_mode = ManagementMode.COMMUNITY_HOSTED
    HandoverItem.objects.bulk_create(
        HandoverItem(exit=record, **line) for record, lines in zip(records, items) for line in lines)
    ContractExitEvent.objects.bulk_create(
        ContractExitEvent(exit=record, action=action, from_status=src, to_status=dst, note=note,
                          created_at=min(_at(day), ctx.now))
        for record, steps in zip(records, events) for action, src, dst, day, note in steps)


def _exit(rng, today, contract, status, kind, opened_on, firms):
    """The exit record (unsaved) with its checklist lines, events and new contract (unsaved);
    the outgoing contract and the complex updated as the moves would have left them."""
    S = ExitStatus
    record = ContractExit(complex=contract.complex, contract=contract, opened_on=opened_on, reason=REASON,
                          status=status, due_on=opened_on + datetime.timedelta(days=DECISION_DAYS))
    steps = [(ExitAction.OPEN, "", S.REVIEW, opened_on, "")]
    lines, new = [], None
    contract_status = ContractStatus.EXIT_REVIEW
    if status not in (S.REVIEW, S.CANCELLED):
        record.decided_on = opened_on + datetime.timedelta(days=rng.randint(10, 25))
        if status == S.RETAINED:
            record.decision, record.decision_note = ExitDecision.RETAIN, "企业限期整改到位，联席会议议定继续履约。"
            record.due_on = None
            contract_status = ContractStatus.ACTIVE
            steps.append((ExitAction.DECIDE, S.REVIEW, S.RETAINED, record.decided_on, record.decision_note))
        else:
            record.decision, record.decision_note = ExitDecision.EXIT, "联席会议议定企业退出，启动选聘与交接。"
            record.due_on = record.decided_on + datetime.timedelta(days=CHOICE_DAYS)
            steps.append((ExitAction.DECIDE, S.REVIEW, S.CHOOSING, record.decided_on, record.decision_note))
    if status in (S.HANDOVER, S.CONTRACTING, S.INTERIM, S.COMPLETED):
        record.chosen_on = record.decided_on + datetime.timedelta(days=rng.randint(7, 20))
        record.successor_kind = kind
        if kind == SuccessorKind.INTERIM:
            record.interim_manager = f"{contract.complex.community.name}居委会"
        else:
            record.successor_firm = rng.choice([f for f in firms if f.pk != contract.firm_id])
            record.choice_note = "业主大会表决选聘，双过半通过。" if kind == SuccessorKind.OWNERS_VOTE else \
                "老旧弃管小区，街道指定应急物业临时服务。"
        record.due_on = record.chosen_on + datetime.timedelta(days=HANDOVER_DAYS)
        steps.append((ExitAction.CHOOSE_SUCCESSOR, S.CHOOSING, S.HANDOVER, record.chosen_on, record.choice_note))
        handed_over = status != S.HANDOVER
        done = len(HandoverItemKind.values) if handed_over else rng.randint(2, 4)
        for i, item_kind in enumerate(HandoverItemKind.values):
            lines.append({"kind": item_kind, "is_done": i < done,
                          "detail": "已清点移交" if i < done else "待补齐",
                          "amount": Decimal(rng.randint(0, 80) * 500) if item_kind == "fee_arrears" and i < done
                          else None})
        steps.append((ExitAction.CHECK_ITEMS, S.HANDOVER, S.HANDOVER, record.chosen_on + datetime.timedelta(days=5), ""))
    if status in (S.CONTRACTING, S.INTERIM, S.COMPLETED):
        signed = record.chosen_on + datetime.timedelta(days=rng.randint(10, 25))
        record.outgoing_signed_on = record.incoming_signed_on = record.community_signed_on = signed
        target = S.INTERIM if kind == SuccessorKind.INTERIM else S.CONTRACTING
        steps += [(ExitAction.SIGN, S.HANDOVER, S.HANDOVER, signed, "原物业企业"),
                  (ExitAction.SIGN, S.HANDOVER, S.HANDOVER, signed, "新物业企业或托管方"),
                  (ExitAction.SIGN, S.HANDOVER, target, signed, "社区")]
        record.due_on = signed + datetime.timedelta(days=INTERIM_DAYS if target == S.INTERIM else CONTRACT_DAYS)
        contract_status = ContractStatus.TERMINATED
        ServiceContract.objects.filter(pk=contract.pk).update(ended_on=signed, end_date=signed)
        if target == S.INTERIM:
            ResidentialComplex.objects.filter(pk=contract.complex_id).update(
                management_mode=ManagementMode.COMMUNITY_HOSTED)
        if status == S.COMPLETED:
            start = signed + datetime.timedelta(days=1)
            new = ServiceContract(firm=record.successor_firm, complex=contract.complex, start_date=start,
                                  fee_standard=contract.fee_standard, status=ContractStatus.ACTIVE,
                                  filed_on=start + datetime.timedelta(days=10))
            record.due_on = None
            steps.append((ExitAction.RECORD_CONTRACT, S.CONTRACTING, S.COMPLETED, start, ""))
    if status == S.CANCELLED:
        record.cancel_reason, record.due_on = "合同期满前企业与业委会协商续约整改，退出审查撤回。", None
        contract_status = ContractStatus.ACTIVE
        steps.append((ExitAction.CANCEL, S.REVIEW, S.CANCELLED, opened_on + datetime.timedelta(days=20),
                      record.cancel_reason))
    reason = "" if contract_status == ContractStatus.ACTIVE else REASON
    ServiceContract.objects.filter(pk=contract.pk).update(status=contract_status, exit_reason=reason)
    if record.due_on and record.due_on < today and status in ContractExit.OPEN_STATUSES:
        record.overdue_since = record.due_on + datetime.timedelta(days=1)
        steps.append((ExitAction.OVERDUE, status, status, record.overdue_since, ""))
    return record, lines, steps, new
