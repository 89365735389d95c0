"""Demo step: the quarterly firm evaluations of the demo year, with their consequences.

Evidence is shaped for two contracts so the story is visible on the demo data: the
lowest-quality complex served by a firm other than 巨和物业 is inspected poorly in the two
latest complete quarters (so it fails twice, its contract goes under exit review and its
community's next joint meeting gets an agenda item), and the best complex gets a spotless
last quarter. Then every complete quarter is evaluated in order, as the schedule would have.
"""
from __future__ import annotations

from django.db.models import F

from properties.evaluation import Quarter, firms_evaluate
from properties.models import FeeCollection, Inspection, SatisfactionSurvey

JUHE = "巨和物业"


def build(ctx):
    last = Quarter.just_ended(ctx.today)
    contracts = sorted(ctx.contracts.values(), key=lambda c: (ctx.quality[c.complex_id], c.pk))
    failing = next(c for c in contracts if c.firm.name != JUHE)
    best = contracts[-1]
    for quarter in (last.previous, last):
        _poor_quarter(failing.complex_id, quarter)
    _spotless_quarter(best.complex_id, last)

    quarter = Quarter.containing(ctx.period_start)
    while quarter.start <= last.start:
        firms_evaluate(period=str(quarter), today=ctx.today)
        quarter = quarter.following


def _in(quarter, field):
    return {f"{field}__gte": quarter.start, f"{field}__lte": quarter.end}


def _poor_quarter(complex_id, quarter):
    Inspection.objects.filter(complex_id=complex_id, **_in(quarter, "inspected_on")).update(
        order_security=5, equipment=4, cleaning=6, greening=5, records=4, notes="楼道脏乱、消防通道堵塞、设备带病运行"
    )
    SatisfactionSurvey.objects.filter(complex_id=complex_id, period_start__lte=quarter.end,
                                      period_end__gte=quarter.start).update(satisfied=F("sample_size") * 3 / 10)
    FeeCollection.objects.filter(complex_id=complex_id, **_in(quarter, "period")).update(
        paid_amount=F("billed_amount") * 7 / 10, paid_households=F("billed_households") * 7 / 10, is_disclosed=False
    )


def _spotless_quarter(complex_id, quarter):
    Inspection.objects.filter(complex_id=complex_id, **_in(quarter, "inspected_on")).update(
        order_security=20, equipment=20, cleaning=19, greening=20, records=20
    )
    SatisfactionSurvey.objects.filter(complex_id=complex_id, period_start__lte=quarter.end,
                                      period_end__gte=quarter.start).update(satisfied=F("sample_size"))
