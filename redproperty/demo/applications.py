"""Red-project applications in every state: applied and awaiting review (one overdue), reviewed
(one under the pass mark), designated, recommended to the city, not designated and withdrawn,
each with its scores and timeline as the services would have written them. A designated
application's project is a new district-level project of this year, so the article's 13 + 6
projects (the projects step) are left as they are.

Drawn from a generator of its own, so that adding this step changes no other step's data."""
from __future__ import annotations

import datetime
import random

from partybranches.models import (
    REVIEW_CRITERIA, ApplicationAction, ApplicationStatus, ProjectApplication, ProjectApplicationEvent, ProjectLevel,
    RedPropertyProject,
)
from partybranches.services import DESIGNATION_DAYS, REVIEW_DAYS

from . import SEED

# (status, days since the application, total score wanted or None); the designated and
# recommended ones are the applications behind projects the projects step designated.
PLANS = [
    (ApplicationStatus.SUBMITTED, 20, None), (ApplicationStatus.SUBMITTED, 75, None),  # review overdue
    (ApplicationStatus.REVIEWED, 40, 86), (ApplicationStatus.REVIEWED, 45, 72),
    (ApplicationStatus.REJECTED, 90, 65), (ApplicationStatus.WITHDRAWN, 30, None),
]


def _scores(rng, total):
    scores = {code: maximum for code, _label, maximum in REVIEW_CRITERIA}
    codes = [code for code, _label, _max in REVIEW_CRITERIA]
    while sum(scores.values()) > total:
        code = rng.choice(codes)
        if scores[code] > 0:
            scores[code] -= 1
    return scores


def build(ctx):
    rng = random.Random(f"{SEED}-applications")
    today = ctx.today
    complexes = sorted(ctx.complexes, key=lambda c: c.pk)
    rng.shuffle(complexes)
    applications, timelines = [], []
    for i, (status, age, total) in enumerate(PLANS):
        complex_ = complexes[i]
        submitted_on = today - datetime.timedelta(days=age)
        a = ProjectApplication(community_id=complex_.community_id, complex=complex_, status=status,
                               name=f"{complex_.name}“红色物业”示范项目申报", submitted_on=submitted_on,
                               summary="社区党组织牵头，物业企业、业委会交叉任职，建立联席会议和红管家队伍，居民满意度明显提升。",
                               materials="工作总结报告\n联席会议纪要\n居民满意度调查结果\n现场照片",
                               due_on=submitted_on + datetime.timedelta(days=REVIEW_DAYS))
        timeline = [(ApplicationAction.APPLY, "", ApplicationStatus.SUBMITTED, submitted_on, "")]
        if total is not None:
            a.scores = _scores(rng, total)
            a.total_score = sum(a.scores.values())
            a.reviewed_on = submitted_on + datetime.timedelta(days=20)
            a.review_note = "材料齐全，成效明显。" if total >= 80 else "成效有待进一步显现。"
            a.due_on = a.reviewed_on + datetime.timedelta(days=DESIGNATION_DAYS)
            timeline.append((ApplicationAction.REVIEW, ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED,
                             a.reviewed_on, a.review_note))
        if status == ApplicationStatus.REJECTED:
            a.closing_reason, a.due_on = "评审得分未达80分。", None
            timeline.append((ApplicationAction.REJECT, ApplicationStatus.REVIEWED, status,
                             a.reviewed_on + datetime.timedelta(days=5), a.closing_reason))
        if status == ApplicationStatus.WITHDRAWN:
            a.closing_reason, a.due_on = "申报材料需补充完善，下一批次再报。", None
            timeline.append((ApplicationAction.WITHDRAW, ApplicationStatus.SUBMITTED, status,
                             submitted_on + datetime.timedelta(days=5), a.closing_reason))
        if a.due_on and a.due_on < today:
            a.overdue_since = a.due_on + datetime.timedelta(days=1)
            timeline.append((ApplicationAction.OVERDUE, status, status, a.overdue_since, ""))
        applications.append(a)
        timelines.append(timeline)
    applications += _designated(rng, today, timelines)
    ProjectApplication.objects.bulk_create(applications)
    ProjectApplicationEvent.objects.bulk_create(
        ProjectApplicationEvent(application=a, action=action, from_status=src, to_status=dst, note=note,
                                created_at=min(_at(day), ctx.now))
        for a, timeline in zip(applications, timelines) for action, src, dst, day, note in timeline)


def _designated(rng, today, timelines):
    """The applications behind two of the district-level projects already designated: one
    designated, one designated and then recommended to the city."""
    made = []
    projects = (RedPropertyProject.objects.filter(level=ProjectLevel.DISTRICT, complex__isnull=False,
                                                  year_designated__lt=today.year)
                .select_related("complex").order_by("pk")[:2])
    for project, status in zip(projects, (ApplicationStatus.DESIGNATED, ApplicationStatus.RECOMMENDED)):
        year = project.year_designated
        submitted_on, reviewed_on, designated_on = (datetime.date(year, 3, 1), datetime.date(year, 4, 10),
                                                    datetime.date(year, 5, 20))
        scores = _scores(rng, 90)
        a = ProjectApplication(community_id=project.community_id, complex=project.complex, firm=None, status=status,
                               name=project.name, submitted_on=submitted_on, summary=project.description or project.name,
                               materials="工作总结报告\n现场照片", scores=scores, total_score=sum(scores.values()),
                               reviewed_on=reviewed_on, review_note="成效突出，予以命名。", project=project,
                               designated_on=designated_on)
        timeline = [(ApplicationAction.APPLY, "", ApplicationStatus.SUBMITTED, submitted_on, ""),
                    (ApplicationAction.REVIEW, ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED, reviewed_on, ""),
                    (ApplicationAction.DESIGNATE, ApplicationStatus.REVIEWED, ApplicationStatus.DESIGNATED,
                     designated_on, "")]
        if status == ApplicationStatus.RECOMMENDED:
            a.recommended_on = datetime.date(year, 6, 30)
            timeline.append((ApplicationAction.RECOMMEND, ApplicationStatus.DESIGNATED, status, a.recommended_on, ""))
        made.append(a)
        timelines.append(timeline)
    return made


def _at(day):
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
