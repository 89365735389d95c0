"""A year of residents' complaints across the district, with their timelines.

About 3,600 complaints from the start of the demo year to today, spread over the complexes by
households (the model communities 曙光社区 and 和平路社区 get more), each walked through the
lifecycle the services enforce: routed to the serving firm or the community, answered in or
out of time, worked on, resolved, sometimes reopened, rated or closed automatically; some
rejected, some duplicates, the late ones marked overdue and escalated. How well a complex is
served (`ctx.quality`) drives how fast and how well its complaints are handled, so the three
rates and the firm evaluation see a spread. Complaints and events go in with bulk_create.
"""
from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from complaints.models import (
    TRACKING_ALPHABET,
    TRACKING_CHARS,
    Action,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    HandlerLevel,
    Status,
)

from . import naming

TOTAL = 3600
BATCH = 2000
FAVOURED_COMMUNITIES = ("曙光社区", "和平路社区")
SHANGHAI = ZoneInfo("Asia/Shanghai")
H = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

CATEGORY_WEIGHTS = {
    "shared-facilities": 20, "elevators": 8, "water-power": 8, "sanitation": 15, "greening": 6, "security": 8,
    "parking": 12, "noise": 7, "fees-contracts": 6, "service-attitude": 5, "other": 5,
}
DESCRIPTIONS = {
    "shared-facilities": ("{b}栋{u}单元楼道灯坏了一周，晚上上下楼看不见", "{b}栋单元门门禁失灵，外来人员随意进出",
                          "{b}栋楼顶雨水管破裂，下雨时外墙渗水"),
    "elevators": ("{b}栋电梯困人，按了警铃半小时没人来", "{b}栋电梯运行时异响，老人不敢坐", "{b}栋电梯停运三天无人维修"),
    "water-power": ("{b}栋停水两天没有通知", "{b}栋二次供水水压太低，{f}楼以上没水", "地下车库照明线路漏电，有安全隐患"),
    "sanitation": ("{b}栋垃圾桶满了三天没人清运", "楼道堆满杂物，保洁不到位", "化粪池外溢，气味很大"),
    "greening": ("{b}栋前的树枝挡住窗户，多次反映未修剪", "绿地被改成菜地，要求恢复", "草坪长期无人养护"),
    "security": ("消防通道被车辆堵塞", "夜间门岗无人值守", "{b}栋有高空抛物，请加装监控"),
    "parking": ("小区内乱停车，{b}栋门口出不去", "外来车辆占用业主车位", "电动车充电桩不够，楼道飞线充电"),
    "noise": ("{b}栋{f}楼装修晚上十点后还在施工", "小区门口商铺音响扰民", "水泵房夜间噪音大"),
    "fees-contracts": ("物业费上涨未经业主大会同意", "停车收益和广告收益一直没有公示", "物业合同到期，交接不清"),
    "service-attitude": ("物业客服电话长期无人接听", "保安对老人态度恶劣", "报修后维修人员不按约定时间上门"),
    "other": ("希望小区增设老年活动场地", "快递柜设置不合理", "建议增设无障碍坡道"),
}
RESOLUTIONS = ("已安排维修人员处理完毕，并回访居民", "已更换损坏部件，恢复正常使用", "已联系相关单位协调解决",
               "已完成清理并加强日常巡查", "已在小区公告栏公示相关信息", "已约谈责任人员并整改")
REJECT_REASONS = ("属于业主专有部分维修，不属于物业服务范围，已告知居民自行联系维修",
                  "属于市政管理范围，已告知居民拨打12345热线", "反映内容无法核实，已电话联系居民补充信息未果")
REOPEN_NOTES = ("问题没有解决，又坏了", "只是临时处理，过两天又出现", "没有人上门，问题依旧")
RATING_COMMENTS = {5: ("处理很及时，非常满意", "师傅态度好"), 4: ("基本解决了", "比较满意"),
                   3: ("处理有点慢", ""), 2: ("拖了很久才处理", ""), 1: ("根本没解决", "态度差")}


def build(ctx):
    rng = ctx.rng
    now = ctx.now
    start = datetime.datetime.combine(ctx.period_start, datetime.time(0, 0), tzinfo=SHANGHAI)
    categories = {c.code: c for c in Category.objects.active()}
    weights = [CATEGORY_WEIGHTS.get(code, 5) for code in categories]
    complexes = ctx.complexes
    complex_weights = [
        max(50, c.households) * (4 if _community_name(ctx, c) in FAVOURED_COMMUNITIES else 1) for c in complexes
    ]
    codes: set[str] = set()
    plans = []
    span = (now - start).total_seconds()
    for _ in range(TOTAL):
        complex_ = rng.choices(complexes, complex_weights)[0]
        category = rng.choices(list(categories.values()), weights)[0]
        submitted_at = start + datetime.timedelta(seconds=rng.random() * span)
        plans.append(_plan(ctx, rng, complex_, category, submitted_at, now, codes))

    plans.sort(key=lambda p: p["complaint"].submitted_at)
    Complaint.objects.bulk_create([p["complaint"] for p in plans], batch_size=BATCH)
    copies = _duplicates(rng, plans, now, codes)  # after the originals have their ids
    Complaint.objects.bulk_create([p["complaint"] for p in copies], batch_size=BATCH)
    events = []
    for plan in plans + copies:
        complaint = plan["complaint"]
        for action, from_status, to_status, at, note, is_public in plan["events"]:
            events.append(ComplaintEvent(
                complaint=complaint, action=action, from_status=from_status, to_status=to_status, created_at=at,
                note=note, is_public=is_public, actor_label=plan["label"] if action not in _RESIDENT else "",
            ))
    ComplaintEvent.objects.bulk_create(events, batch_size=BATCH)


_RESIDENT = {Action.SUBMIT, Action.REOPEN, Action.RATE, Action.OVERDUE, Action.AUTO_CLOSE}


def _community_name(ctx, complex_):
    community = getattr(complex_, "community", None)
    return community.name if community is not None else ""


def _tracking_code(rng, codes) -> str:
    while True:
        raw = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CHARS))
        code = f"{raw[:4]}-{raw[4:]}"
        if code not in codes:
            codes.add(code)
            return code


def _reporter(rng) -> dict:
    name = rng.choice(naming.SURNAMES) + rng.choice(("先生", "女士", "阿姨", "大爷", "")) if rng.random() < 0.7 else ""
    phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}" if rng.random() < 0.75 else ""
    email = f"resident{rng.randrange(10**6)}@example.org" if rng.random() < 0.12 else ""
    return {"reporter_name": name, "reporter_phone": phone, "reporter_email": email,
            "is_anonymous": bool(name) and rng.random() < 0.15}


def _plan(ctx, rng, complex_, category, submitted_at, now, codes) -> dict:
    """One complaint and its events, walked through the lifecycle up to `now`."""
    quality = ctx.quality.get(complex_.id, 0.8)
    contract = ctx.contracts.get(complex_.id)
    firm = contract.firm if contract else None
    label = firm.name if firm else _community_name(ctx, complex_)
    due_response = submitted_at + category.response_hours * H
    due_resolve = max(submitted_at + category.resolve_days * DAY, due_response)
    text = rng.choice(DESCRIPTIONS.get(category.code, DESCRIPTIONS["other"])).format(
        b=rng.randint(1, 24), u=rng.randint(1, 4), f=rng.randint(2, 18))
    c = Complaint(
        tracking_code=_tracking_code(rng, codes), complex=complex_, category=category, description=text,
        channel=rng.choices([Channel.PORTAL, Channel.PHONE, Channel.HOTLINE, Channel.WECHAT, Channel.WALK_IN],
                            [45, 20, 20, 10, 5])[0],
        status=Status.SUBMITTED, submitted_at=submitted_at, due_response_at=due_response, due_resolve_at=due_resolve,
        handler_level=HandlerLevel.FIRM if firm else HandlerLevel.COMMUNITY, assigned_firm=firm,
        assigned_community_id=complex_.community_id, **_reporter(rng),
    )
    events = [(Action.SUBMIT, "", Status.SUBMITTED, submitted_at, "", True)]

    def move(action, to_status, at, note="", is_public=True):
        events.append((action, c.status, to_status, at, note, is_public))
        c.status = to_status

    in_time = rng.random() < quality + 0.08
    answered = submitted_at + category.response_hours * H * (rng.uniform(0.05, 0.9) if in_time else rng.uniform(1.1, 3))
    if answered <= now and rng.random() < 0.04:
        c.rejected_at, c.reject_reason = answered, rng.choice(REJECT_REASONS)
        move(Action.REJECT, Status.REJECTED, answered, c.reject_reason)
        return {"complaint": c, "events": events, "label": label}
    if answered <= now:
        c.accepted_at = answered
        move(Action.ACCEPT, Status.ACCEPTED, answered)
        started = answered + rng.uniform(0.5, 20) * H
        if started <= now:
            c.started_at = started
            move(Action.START, Status.IN_PROGRESS, started)
            _work(c, rng, quality, category, now, move)
    _overdue(c, rng, now, move)
    return {"complaint": c, "events": events, "label": label}


def _work(c, rng, quality, category, now, move):
    """From in progress: resolve (perhaps reopen and resolve again), then rating or auto-close."""
    if rng.random() < (1 - quality) * 0.3 + 0.02:
        return  # stuck: still in progress, soon overdue and escalated
    limit = category.resolve_days * DAY
    resolved = c.started_at + limit * (rng.uniform(0.1, 0.85) if rng.random() < quality + 0.05 else rng.uniform(1.05, 2.2))
    if resolved > now:
        return
    c.resolved_at = resolved
    move(Action.RESOLVE, Status.RESOLVED, resolved, rng.choice(RESOLUTIONS))
    if rng.random() < (1 - quality) * 0.35:
        reopened = resolved + rng.uniform(0.5, 4) * DAY
        if reopened > now:
            return
        c.reopened_count, c.resolved_at = 1, None
        move(Action.REOPEN, Status.REOPENED, reopened, rng.choice(REOPEN_NOTES))
        if rng.random() < 0.25:
            return  # nobody came back to it
        restarted = reopened + rng.uniform(1, 12) * H
        if restarted > now:
            return
        move(Action.START, Status.IN_PROGRESS, restarted)
        resolved = restarted + rng.uniform(1, 6) * DAY
        if resolved > now:
            return
        c.resolved_at = resolved
        move(Action.RESOLVE, Status.RESOLVED, resolved, rng.choice(RESOLUTIONS))
    rated = c.resolved_at + rng.uniform(0.2, 5) * DAY
    if rng.random() < 0.62 and rated <= now:
        draw = rng.random()
        rating = 5 if draw < quality * 0.62 else 4 if draw < quality + 0.02 else 3 if draw < quality + 0.1 else rng.choice((1, 2))
        c.rating, c.rating_comment, c.rated_at, c.closed_at = rating, rng.choice(RATING_COMMENTS[rating]), rated, rated
        move(Action.RATE, Status.CLOSED, rated, c.rating_comment)
    elif c.resolved_at + 7 * DAY <= now:
        c.closed_at = c.resolved_at + 7 * DAY
        move(Action.AUTO_CLOSE, Status.CLOSED, c.closed_at)


def _overdue(c, rng, now, move):
    """Open complaints past a deadline: marked by the sweep, escalated firm → community → subdistrict."""
    if c.status not in (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED):
        return
    deadline = c.due_response_at if c.status == Status.SUBMITTED and c.due_response_at < now else c.due_resolve_at
    if deadline >= now:
        return
    marked = deadline + datetime.timedelta(minutes=rng.randint(1, 15))  # by the next sweep
    if marked > now:
        return
    c.overdue_at = marked
    move(Action.OVERDUE, c.status, c.overdue_at, is_public=False)
    at = c.overdue_at
    if c.handler_level == HandlerLevel.FIRM:
        c.handler_level, c.escalated_at, c.escalation_count = HandlerLevel.COMMUNITY, at, 1
        move(Action.ESCALATE, c.status, at, str(HandlerLevel.COMMUNITY.label))
    if at + DAY <= now:
        at = at + DAY
        c.handler_level, c.escalated_at, c.escalation_count = HandlerLevel.SUBDISTRICT, at, c.escalation_count + 1
        c.escalated_to_id = c.complex.community.subdistrict_id
        move(Action.ESCALATE, c.status, at, str(HandlerLevel.SUBDISTRICT.label))


def _duplicates(rng, plans, now, codes) -> list[dict]:
    """About 3% of complaints are reported again by a neighbour and marked as duplicates."""
    result = []
    for plan in plans:
        original = plan["complaint"]
        again = original.submitted_at + rng.uniform(1, 72) * H
        if rng.random() >= 0.03 or again + 2 * H > now:
            continue
        marked = again + rng.uniform(0.2, 2) * H
        copy = Complaint(
            tracking_code=_tracking_code(rng, codes), complex=original.complex, category=original.category,
            description=original.description, channel=Channel.PHONE, submitted_at=again,
            due_response_at=original.due_response_at - original.submitted_at + again,
            due_resolve_at=original.due_resolve_at - original.submitted_at + again,
            handler_level=HandlerLevel.FIRM if original.assigned_firm else HandlerLevel.COMMUNITY,
            assigned_firm=original.assigned_firm, assigned_community_id=original.assigned_community_id,
            status=Status.DUPLICATE, duplicate_of=original, closed_at=marked, **_reporter(rng),
        )
        result.append({"complaint": copy, "label": plan["label"], "events": [
            (Action.SUBMIT, "", Status.SUBMITTED, again, "", True),
            (Action.MARK_DUPLICATE, Status.SUBMITTED, Status.DUPLICATE, marked, original.tracking_code, True),
        ]})
    return result
