"""The year of evidence the firm evaluation reads: monthly fee collection, quarterly (monthly in
the model communities) inspections, quarterly satisfaction surveys and credit events.

Each served complex gets a hidden service quality (`ctx.quality`, 0..1) that its inspection
scores, fee collection and satisfaction follow, so the evaluation finds a spread of grades."""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from communities.models import ManagementMode
from properties.models import CreditEvent, CreditEventKind, FeeCollection, Inspection, SatisfactionSurvey

from . import naming
from .firms import JUHE

BATCH = 2000
MONTHLY_INSPECTIONS_IN = ("曙光社区", "和平路社区")
STRONG = ("曙光小区", "曙光东苑", "幸福邻里", "百大城市理想", "世纪城", "银海樱花语")

AWARDS = ("获评区级红色物业示范小区", "防汛抢险表现突出，街道通报表扬", "获评市级物业服务示范项目", "党建联建工作获社区党委表彰")
VIOLATIONS = (
    ("消防通道堵塞，限期整改逾期未改", 3), ("电梯维保记录缺失", 2), ("公共收益未按期公示", 2),
    ("垃圾清运不及时被多次投诉", 1), ("擅自提高停车收费标准", 4), ("二次供水水箱未按期清洗", 2),
)
VETOES = ("未履行退出程序擅自撤离小区（弃管）", "违规收费，被主管部门责令退还")
FIRM_AWARDS = ("获评年度诚信物业服务企业", "物业行业党委年度先进党组织")


def build(ctx):
    rng = ctx.rng
    inspected = [
        c for c in ctx.complexes if c.id in ctx.contracts or c.management_mode == ManagementMode.COMMUNITY_HOSTED
    ]
    for complex_ in inspected:
        mean = 0.93 if complex_.name in STRONG else 0.82
        ctx.quality[complex_.id] = min(0.99, max(0.45, rng.gauss(mean, 0.09)))

    FeeCollection.objects.bulk_create(_fees(ctx), batch_size=BATCH)
    Inspection.objects.bulk_create(_inspections(ctx, inspected), batch_size=BATCH)
    SatisfactionSurvey.objects.bulk_create(_surveys(ctx), batch_size=BATCH)
    CreditEvent.objects.bulk_create(_credit_events(ctx))


def _clamp(value, low=0.0, high=1.0):
    return min(high, max(low, value))


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _fees(ctx):
    rng = ctx.rng
    for complex_id, contract in ctx.contracts.items():
        complex_, q = contract.complex, ctx.quality[complex_id]
        billed_households = max(1, round(complex_.households * rng.uniform(0.9, 1.0)))
        billed_amount = _money(complex_.floor_area * contract.fee_standard * billed_households / complex_.households)
        discloses = rng.random() < 0.45 + q / 2
        for month in ctx.months:
            if month < contract.start_date.replace(day=1):
                continue
            rate = _clamp(q + rng.gauss(0.08, 0.04), 0.3)
            if month.year == ctx.today.year and month.month == ctx.today.month:
                rate *= 0.8  # the current month is still being collected
            paid_households = round(billed_households * rate)
            yield FeeCollection(
                complex=complex_,
                period=month,
                billed_amount=billed_amount,
                paid_amount=_money(billed_amount * paid_households / billed_households),
                billed_households=billed_households,
                paid_households=paid_households,
                is_disclosed=discloses,
            )


def _inspections(ctx, inspected):
    rng, today = ctx.rng, ctx.today
    for complex_ in inspected:
        q = ctx.quality[complex_.id]
        monthly = complex_.community.name in MONTHLY_INSPECTIONS_IN
        periods = (
            [(m, _month_end(m)) for m in ctx.months] if monthly else ctx.quarters
        )
        for start, end in periods:
            scores = {item: round(_clamp(q + rng.gauss(0, 0.07)) * 20) for item in Inspection.ITEMS}
            yield Inspection(
                complex=complex_,
                inspected_on=ctx.day_between(start, min(end, today)),
                inspector=naming.person_name(rng),
                notes="" if min(scores.values()) >= 14 else "发现问题已当场反馈物业，限期整改。",
                **scores,
            )


def _month_end(month: datetime.date) -> datetime.date:
    following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _surveys(ctx):
    rng = ctx.rng
    complete = [(start, end) for start, end in ctx.quarters if end < ctx.today]
    for complex_id, contract in ctx.contracts.items():
        complex_, q = contract.complex, ctx.quality[complex_id]
        for start, end in complete:
            sample = min(complex_.households, rng.randint(30, 100))
            yield SatisfactionSurvey(
                complex=complex_,
                period_start=start,
                period_end=end,
                sample_size=sample,
                satisfied=round(sample * _clamp(q + rng.gauss(0, 0.06))),
            )


def _credit_events(ctx):
    rng = ctx.rng
    contracts = list(ctx.contracts.values())
    start, end = ctx.period_start, ctx.today

    def event(contract, kind, description, points, complex_=True):
        return CreditEvent(
            firm=contract.firm,
            complex=contract.complex if complex_ else None,
            kind=kind,
            occurred_on=ctx.day_between(start, end),
            points=Decimal(points),
            description=description,
        )

    good = [c for c in contracts if ctx.quality[c.complex_id] >= 0.85]
    poor = [c for c in contracts if ctx.quality[c.complex_id] < 0.75 and c.firm.name != JUHE]
    juhe = [c for c in contracts if c.firm.name == JUHE]
    for contract in rng.sample(good, 28) + juhe[:2]:
        yield event(contract, CreditEventKind.AWARD, rng.choice(AWARDS), rng.randint(1, 3))
    for contract in rng.sample(good, 5):
        yield event(contract, CreditEventKind.AWARD, rng.choice(FIRM_AWARDS), 2, complex_=False)
    for contract in rng.sample(poor, min(35, len(poor))):
        description, points = rng.choice(VIOLATIONS)
        yield event(contract, CreditEventKind.VIOLATION, description, points)
    for contract, description in zip(rng.sample(poor, 2), VETOES):
        yield event(contract, CreditEventKind.VETO, description, 0)
