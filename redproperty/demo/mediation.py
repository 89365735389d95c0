"""Mediation cases (矛盾纠纷调解) in every state, in the model communities first: disputes between
residents, with the owners' committee and with the firm; their parties, sessions, agreements,
follow-ups and outcomes, and the complaints some grew from, as the services would have written
them.

Drawn from a generator of its own, so that adding this step changes no other step's data."""
from __future__ import annotations

import datetime
import random

from communities.models import (
    MediationAction,
    MediationCase,
    MediationCaseEvent,
    MediationParty,
    MediationSession,
    MediationStatus,
    PartySide,
)
from communities.services import AGREEMENT_DAYS, FIRST_SESSION_DAYS, FOLLOW_UP_DAYS

from . import SEED, naming

S = MediationStatus
DISPUTES = [
    ("楼上漏水殃及楼下", "卫生间防水层老化，楼下天花板渗水，双方就维修费用分担争执不下。", PartySide.RESIDENT),
    ("停车位划分纠纷", "业委会新划车位占用消防通道旁空地，部分业主反对。", PartySide.OWNERS_COMMITTEE),
    ("物业费与服务质量争议", "业主以保洁不到位为由拒缴物业费，物业企业催缴。", PartySide.FIRM),
    ("饲养宠物噪音扰邻", "夜间犬吠影响休息，邻里多次争吵。", PartySide.RESIDENT),
    ("电梯加装意见分歧", "低层业主反对加装电梯，担心采光和噪音。", PartySide.RESIDENT),
    ("公共收益使用争议", "业主质疑广告位收益去向，要求业委会和物业公开账目。", PartySide.OWNERS_COMMITTEE),
]
# (status, days since the case was taken in)
PLANS = [(S.OPENED, 4), (S.OPENED, 20), (S.MEDIATING, 15), (S.MEDIATING, 60), (S.AGREED, 30), (S.AGREED, 70),
         (S.RESOLVED, 90), (S.RESOLVED, 150), (S.RESOLVED, 200), (S.FAILED, 120), (S.WITHDRAWN, 45)]
MODEL_COMPLEXES = ("曙光东苑", "和乐居")


def _at(day):
    return datetime.datetime.combine(day, datetime.time(15, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def build(ctx):
    rng = random.Random(f"{SEED}-mediation")
    today = ctx.today
    named = [ctx.complex_by_name[n] for n in MODEL_COMPLEXES if n in ctx.complex_by_name]
    others = sorted((c for c in ctx.complexes if c.name not in MODEL_COMPLEXES), key=lambda c: c.pk)
    complexes = named + rng.sample(others, len(PLANS) - len(named))
    built = []
    for (status, age), complex_ in zip(PLANS, complexes):
        subject, description, side = DISPUTES[rng.randrange(len(DISPUTES))]
        built.append(_case(rng, today, complex_, status, today - datetime.timedelta(days=age), subject, description,
                           side))
    cases = MediationCase.objects.bulk_create([b[0] for b in built])
    MediationParty.objects.bulk_create(
        MediationParty(case=case, name=name, side=side) for case, b in zip(cases, built) for name, side in b[1])
    MediationSession.objects.bulk_create(
        MediationSession(case=case, held_on=day, summary=text) for case, b in zip(cases, built) for day, text in b[2])
    MediationCaseEvent.objects.bulk_create(
        MediationCaseEvent(case=case, action=action, from_status=src, to_status=dst, note=note,
                           created_at=min(_at(day), ctx.now))
        for case, b in zip(cases, built) for action, src, dst, day, note in b[3])


def _case(rng, today, complex_, status, opened_on, subject, description, side):
    case = MediationCase(complex=complex_, status=status, subject=subject, description=description,
                         opened_on=opened_on, mediator=naming.person_name(rng), mediator_post="社区和事佬调解室调解员",
                         due_on=opened_on + datetime.timedelta(days=FIRST_SESSION_DAYS))
    parties = [(f"{naming.person_name(rng)}（业主）", PartySide.RESIDENT)]
    parties.append({PartySide.RESIDENT: (f"{naming.person_name(rng)}（业主）", PartySide.RESIDENT),
                    PartySide.OWNERS_COMMITTEE: (f"{complex_.name}业主委员会", PartySide.OWNERS_COMMITTEE),
                    PartySide.FIRM: ("物业服务中心", PartySide.FIRM)}[side])
    events = [(MediationAction.OPEN, "", S.OPENED, opened_on, "")]
    sessions = []
    if status != S.OPENED and status != S.WITHDRAWN:
        held = min(opened_on + datetime.timedelta(days=rng.randint(3, 9)), today)
        sessions.append((held, "双方陈述诉求，调解员释法说理，约定现场查看。"))
        events.append((MediationAction.HOLD_SESSION, S.OPENED, S.MEDIATING, held, sessions[-1][1]))
        case.due_on = held + datetime.timedelta(days=AGREEMENT_DAYS)
    if status in (S.AGREED, S.RESOLVED):
        case.agreed_on = min(sessions[-1][0] + datetime.timedelta(days=rng.randint(5, 15)), today)
        case.agreement = "双方自愿达成调解协议：责任方限期整改，费用按约分担。"
        case.follow_up_on = case.agreed_on + datetime.timedelta(days=FOLLOW_UP_DAYS)
        case.due_on = case.follow_up_on
        events.append((MediationAction.RECORD_AGREEMENT, S.MEDIATING, S.AGREED, case.agreed_on, case.agreement))
    if status == S.RESOLVED:
        case.closed_on = min(case.follow_up_on, today)
        case.follow_up_note = "回访：协议已履行，双方满意。"
        case.outcome = "协议已履行：" + case.agreement
        case.due_on = None
        events.append((MediationAction.FOLLOW_UP, S.AGREED, S.RESOLVED, case.closed_on, case.follow_up_note))
    if status == S.FAILED:
        case.closed_on = min(sessions[-1][0] + datetime.timedelta(days=30), today)
        case.outcome = "调解不成，已告知双方可申请人民调解委员会调解、仲裁或诉讼。"
        case.due_on = None
        events.append((MediationAction.CLOSE_FAILED, S.MEDIATING, S.FAILED, case.closed_on, case.outcome))
    if status == S.WITHDRAWN:
        case.closed_on = opened_on + datetime.timedelta(days=5)
        case.outcome = "双方已自行协商解决，申请人撤回调解申请。"
        case.due_on = None
        events.append((MediationAction.WITHDRAW, S.OPENED, S.WITHDRAWN, case.closed_on, case.outcome))
    if case.due_on and case.due_on < today and status in MediationCase.OPEN_STATUSES:
        case.overdue_since = case.due_on + datetime.timedelta(days=1)
        events.append((MediationAction.OVERDUE, status, status, case.overdue_since, ""))
    return case, parties, sessions, events
