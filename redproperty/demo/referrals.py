"""Referrals to departments (监管联动) and 12345 work orders: the district's five departments
with their contacts, and complaints referred to them in every state (awaiting, received,
overdue, extended, replied in time and late, withdrawn), with their timelines; some hotline
complaints carry their 12345 work order numbers.

Drawn from a generator of its own, so that adding this step changes no other step's data."""
from __future__ import annotations

import datetime
import random

from django.utils import timezone
from complaints.models import (
    OPEN_STATUSES,
    Action,
    Channel,
    Complaint,
    ComplaintEvent,
    Department,
    DepartmentKind,
    HotlineWorkOrder,
    Referral,
    ReferralAction,
    ReferralEvent,
    ReferralMatter,
    ReferralStatus,
)

from . import SEED

DEPARTMENTS = [
    ("官渡区住房和城乡建设局", DepartmentKind.HOUSING, "李科长", "0871-67171001", 15),
    ("官渡区城市管理局", DepartmentKind.URBAN_MANAGEMENT, "王队长", "0871-67171002", 10),
    ("官渡区消防救援大队", DepartmentKind.FIRE, "张参谋", "0871-67171003", 7),
    ("官渡区市场监督管理局", DepartmentKind.MARKET, "赵科长", "0871-67171004", 15),
    ("昆明市公安局官渡分局", DepartmentKind.POLICE, "刘警官", "0871-67171005", 7),
]
MATTERS = {
    DepartmentKind.HOUSING: (ReferralMatter.OTHER, "小区外墙空鼓脱落，涉及房屋安全，请住建部门鉴定处置。"),
    DepartmentKind.URBAN_MANAGEMENT: (ReferralMatter.ILLEGAL_BUILDING, "顶楼住户私搭违建阳光房，物业劝阻无效。"),
    DepartmentKind.FIRE: (ReferralMatter.FIRE_SAFETY, "楼道堆放杂物、电动车入户充电，消防通道被占。"),
    DepartmentKind.MARKET: (ReferralMatter.PRICING, "物业公司未公示即上调停车费，业主反映收费不合理。"),
    DepartmentKind.POLICE: (ReferralMatter.PUBLIC_SECURITY, "小区夜间多次发生电动车电瓶被盗。"),
}
# (status, days since referral, extra): the states the demo shows.
PLANS = [
    (ReferralStatus.REFERRED, 3, ""), (ReferralStatus.REFERRED, 20, "overdue"),
    (ReferralStatus.ACKNOWLEDGED, 5, ""), (ReferralStatus.ACKNOWLEDGED, 25, "extended"),
    (ReferralStatus.ACKNOWLEDGED, 30, "overdue"),
    (ReferralStatus.REPLIED, 40, "in_time"), (ReferralStatus.REPLIED, 60, "in_time"),
    (ReferralStatus.REPLIED, 80, "late"), (ReferralStatus.REPLIED, 120, "in_time"),
    (ReferralStatus.WITHDRAWN, 15, ""),
]
HOTLINE_ORDERS = 12


def build(ctx):
    rng = random.Random(f"{SEED}-referrals")
    ctx.departments = []
    today = ctx.today
    departments = Department.objects.bulk_create(
        Department(name=name, kind=kind, contact_person=person, contact_phone=phone, reply_days=days)
        for name, kind, person, phone, days in DEPARTMENTS)
    # The oldest open complaints take the oldest referrals: nothing is referred before it came in.
    plans = sorted(PLANS * 2, key=lambda plan: -plan[1])
    candidates = list(Complaint.objects.filter(status__in=OPEN_STATUSES, submitted_at__lt=ctx.now)
                      .order_by("submitted_at", "pk")[: len(plans)])
    referrals, events, complaint_events = [], [], []
    for i, ((status, age, extra), complaint) in enumerate(zip(plans, candidates)):
        department = departments[i % len(departments)]
        matter, summary = MATTERS[department.kind]
        submitted_on = timezone.localdate(complaint.submitted_at)
        referred_on = min(max(today - datetime.timedelta(days=age), submitted_on), today)
        due_on = referred_on + datetime.timedelta(days=department.reply_days)
        referral = Referral(complaint=complaint, department=department, matter=matter, summary=summary,
                            referred_on=referred_on, due_on=due_on, status=status)
        timeline = [(ReferralAction.REFER, "", ReferralStatus.REFERRED, referred_on, "")]
        if status in (ReferralStatus.ACKNOWLEDGED, ReferralStatus.REPLIED):
            referral.acknowledged_on = min(referred_on + datetime.timedelta(days=1), today)
            referral.department_reference = f"GD{referred_on:%Y%m%d}{i:03d}"
            timeline.append((ReferralAction.ACKNOWLEDGE, ReferralStatus.REFERRED, ReferralStatus.ACKNOWLEDGED,
                             referral.acknowledged_on, ""))
        if extra == "extended":
            referral.due_on = due_on + datetime.timedelta(days=15)
            timeline.append((ReferralAction.EXTEND, status, status, referred_on + datetime.timedelta(days=5),
                             "需现场测量，部门申请延期。"))
        if status == ReferralStatus.REPLIED:
            late = extra == "late"
            referral.replied_on = min(referral.due_on + datetime.timedelta(days=rng.randint(2, 6)) if late
                                      else referred_on + datetime.timedelta(days=rng.randint(2, department.reply_days)),
                                      today)
            referral.reply = "已到现场核查，责令当事人限期整改，整改情况将跟踪复查。"
            timeline.append((ReferralAction.REPLY, ReferralStatus.ACKNOWLEDGED, ReferralStatus.REPLIED,
                             referral.replied_on, ""))
        if status == ReferralStatus.WITHDRAWN:
            referral.withdraw_reason = "经核实属物业服务范围，由物业公司处理。"
            timeline.append((ReferralAction.WITHDRAW, ReferralStatus.REFERRED, ReferralStatus.WITHDRAWN,
                             referred_on + datetime.timedelta(days=2), referral.withdraw_reason))
        if extra == "overdue" and referral.due_on < today:
            referral.overdue_since = referral.due_on + datetime.timedelta(days=1)
            timeline.append((ReferralAction.OVERDUE, status, status, referral.overdue_since, ""))
        referrals.append(referral)
        events.append(timeline)
        complaint_events.append(ComplaintEvent(
            complaint=complaint, action=Action.REFER, note=f"已转交{department.name}处理，答复期限{due_on}。",
            created_at=min(_at(referred_on), ctx.now)))
        if referral.reply:
            complaint_events.append(ComplaintEvent(
                complaint=complaint, action=Action.DEPARTMENT_REPLY, note=f"{department.name}: {referral.reply}",
                created_at=min(_at(referral.replied_on), ctx.now)))
    Referral.objects.bulk_create(referrals)
    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=referral, action=action, from_status=src, to_status=dst, note=note,
                      created_at=min(_at(day), ctx.now))
        for referral, timeline in zip(referrals, events) for action, src, dst, day, note in timeline)
    ComplaintEvent.objects.bulk_create(complaint_events)

    hotline = list(Complaint.objects.filter(channel=Channel.HOTLINE).order_by("submitted_at", "pk")[:HOTLINE_ORDERS])
    HotlineWorkOrder.objects.bulk_create(
        HotlineWorkOrder(external_id=f"12345-{c.submitted_at:%Y%m%d}-{c.pk:06d}", complaint=c, received_at=c.submitted_at)
        for c in hotline)
    ctx.departments = departments  # for later steps


def _at(day):
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
