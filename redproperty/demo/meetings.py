"""Joint meetings (联席会议) over the demo year: two to five per community, convened by the
community party committee, with the firms of the complexes concerned attending and one to
three resolutions each (done, in progress, pending, some overdue)."""
from __future__ import annotations

import datetime

from partybranches.models import JointMeeting, MeetingResolution, ResolutionStatus, ResponsibleSide

TOPICS = (
    ("楼道照明与电动车充电安全", "一月内完成楼道灯更换，增设电动车集中充电桩", ResponsibleSide.FIRM),
    ("物业费收缴与收支公示", "每季度在公示栏公开物业费收支明细", ResponsibleSide.FIRM),
    ("二次供水水箱清洗", "联系具备资质单位完成水箱清洗并公布水质报告", ResponsibleSide.FIRM),
    ("垃圾分类与清运", "调整垃圾清运时间，设置分类督导岗", ResponsibleSide.RESIDENTS_COMMITTEE),
    ("老旧小区微改造", "征求居民意见，形成微改造方案报街道", ResponsibleSide.PARTY),
    ("停车秩序", "划定临时停车位，清理僵尸车", ResponsibleSide.OWNERS_COMMITTEE),
    ("电梯维保", "督促维保单位按月检修并张贴维保记录", ResponsibleSide.FIRM),
    ("绿化补植与公共区域保洁", "补植绿化带，增加保洁频次", ResponsibleSide.FIRM),
    ("业委会换届筹备", "成立换届小组，推荐党员业主参选", ResponsibleSide.PARTY),
    ("公共收益使用", "公共收益用于加装楼道扶手，业主大会表决", ResponsibleSide.OWNERS_COMMITTEE),
)
MODEL_COMMUNITIES = ("曙光社区", "和平路社区")


def build(ctx):
    rng, today = ctx.rng, ctx.today
    complexes_by_community = {}
    for complex_ in ctx.complexes:
        complexes_by_community.setdefault(complex_.community_id, []).append(complex_)

    meetings, concerned, resolutions = [], [], []
    for community in ctx.communities.values():
        count = 4 if community.name in MODEL_COMMUNITIES else rng.randint(2, 5)
        for _ in range(count):
            held_on = ctx.day_between(ctx.period_start, today - datetime.timedelta(days=3))
            complexes = rng.sample(complexes_by_community[community.id], min(rng.randint(1, 3), len(complexes_by_community[community.id])))
            firms = list({ctx.contracts[c.id].firm.id: ctx.contracts[c.id].firm for c in complexes if c.id in ctx.contracts}.values())
            topics = rng.sample(TOPICS, rng.randint(1, 3))
            title = "“三三”联席会议" if community.name == "和平路社区" else "物业管理联席会议"
            meetings.append(
                JointMeeting(
                    convened_by=ctx.community_party[community.id],
                    community=community,
                    held_on=held_on,
                    title=f"{held_on:%Y年%m月}{title}",
                    topics="；".join(t[0] for t in topics),
                    minutes="与会各方通报情况，逐项议定：" + "；".join(t[1] for t in topics) + "。",
                    attendees_party=rng.randint(1, 4),
                    attendees_residents_committee=rng.randint(1, 3),
                    attendees_owners_committee=rng.randint(0, 3) if any(c.id in ctx.committees for c in complexes) else 0,
                    attendees_firm=rng.randint(1, 3) if firms else 0,
                    attendees_residents=rng.randint(0, 12),
                )
            )
            concerned.append((complexes, firms))
            resolutions.append([_resolution(ctx, held_on, topic) for topic in topics])

    meetings = JointMeeting.objects.bulk_create(meetings)
    complex_link, firm_link = JointMeeting.complexes.through, JointMeeting.attending_firms.through
    complex_link.objects.bulk_create(
        complex_link(jointmeeting_id=m.id, residentialcomplex_id=c.id)
        for m, (complexes, _firms) in zip(meetings, concerned)
        for c in complexes
    )
    firm_link.objects.bulk_create(
        firm_link(jointmeeting_id=m.id, propertyfirm_id=f.id) for m, (_complexes, firms) in zip(meetings, concerned) for f in firms
    )
    for meeting, rows in zip(meetings, resolutions):
        for row in rows:
            row.meeting = meeting
    MeetingResolution.objects.bulk_create(r for rows in resolutions for r in rows)


def _resolution(ctx, held_on, topic):
    rng, today = ctx.rng, ctx.today
    _title, text, side = topic
    due_on = held_on + datetime.timedelta(days=rng.randint(14, 60))
    completed_on, follow_up = None, ""
    if due_on < today:
        status = rng.choices((ResolutionStatus.DONE, ResolutionStatus.IN_PROGRESS, ResolutionStatus.PENDING, ResolutionStatus.DROPPED), weights=(84, 7, 4, 5))[0]
    else:
        status = rng.choices((ResolutionStatus.DONE, ResolutionStatus.IN_PROGRESS, ResolutionStatus.PENDING), weights=(20, 45, 35))[0]
    if status == ResolutionStatus.DONE:
        completed_on = min(today, ctx.day_between(held_on + datetime.timedelta(days=3), due_on + datetime.timedelta(days=10)))
        follow_up = "已落实，社区回访居民满意。"
    elif status == ResolutionStatus.IN_PROGRESS:
        follow_up = "正在推进，下次联席会议通报进展。"
    elif status == ResolutionStatus.DROPPED:
        follow_up = "经业主大会表决不予实施。"
    return MeetingResolution(text=text, responsible_side=side, due_on=due_on, status=status, follow_up=follow_up, completed_on=completed_on)
