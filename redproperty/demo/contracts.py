"""Service contracts: one serving contract per firm-managed complex, and the handovers before
some of them (an ended or terminated contract with its exit reason and successor)."""
from __future__ import annotations

import datetime
from decimal import Decimal

from communities.models import ComplexType, ManagementMode
from properties.models import ContractStatus, ServiceContract

from .firms import JUHE

# Complexes 巨和物业 serves besides a few drawn at random (never in 和平路社区).
JUHE_COMPLEXES = ("幸福邻里", "曙光东苑")
JUHE_EXTRA = 6
HANDOVERS = 40

FEES = {
    ComplexType.COMMERCIAL: ("1.20", "1.50", "1.80", "2.00", "2.20", "2.50", "2.80", "3.20"),
    ComplexType.OLD: ("0.40", "0.50", "0.60", "0.80"),
    ComplexType.AFFORDABLE: ("0.60", "0.70", "0.80", "0.90"),
}
TERMINATION_REASONS = (
    "服务质量连续两个季度考评不合格，经联席会议议定退出，按程序交接。",
    "擅自降低服务标准，业主大会表决解聘，社区党组织监督交接。",
    "收费率长期低于六成，企业申请提前退出，街道指导选聘新物业。",
)
END_REASON = "合同期满，业主大会选聘新的物业服务企业。"
ABANDONED_REASON = "物业企业未履行退出程序擅自撤离（弃管），社区党组织牵头组织居民自治。"


def build(ctx):
    rng, today = ctx.rng, ctx.today
    juhe = ctx.firms[JUHE]
    others = [f for name, f in ctx.firms.items() if name != JUHE]
    served = [c for c in ctx.complexes if c.management_mode == ManagementMode.FIRM]
    juhe_served = set(JUHE_COMPLEXES)
    pool = [c for c in served if c.community.name != "和平路社区" and c.name not in juhe_served]
    juhe_served.update(c.name for c in rng.sample(pool, JUHE_EXTRA))
    # Firms work in a couple of subdistricts each, so a community sees a handful of them.
    local = {s.id: [] for s in ctx.subdistricts.values()}
    areas = list(local)
    for i, firm in enumerate(others):
        for area in dict.fromkeys((areas[i % len(areas)], rng.choice(areas))):
            local[area].append(firm)

    current = []
    for complex_ in served:
        start = datetime.date(rng.randint(2016, 2025), rng.randint(1, 9), 1)
        roll = rng.random()
        if roll < 0.3:
            end = None
        elif roll < 0.34:
            end = today + datetime.timedelta(days=rng.randint(20, 85))  # due for renewal soon
        else:
            end = ctx.day_between(today + datetime.timedelta(days=120), today + datetime.timedelta(days=1100))
        current.append(
            ServiceContract(
                firm=juhe if complex_.name in juhe_served else rng.choice(local[complex_.community.subdistrict_id]),
                complex=complex_,
                start_date=start,
                end_date=end,
                fee_standard=Decimal(rng.choice(FEES[complex_.complex_type])),
                status=ContractStatus.ACTIVE,
                filed_on=start + datetime.timedelta(days=rng.randint(5, 40)) if rng.random() < 0.9 else None,
            )
        )
    current = ServiceContract.objects.bulk_create(current)
    ctx.contracts = {c.complex_id: c for c in current}

    previous = []
    for successor in rng.sample(current, HANDOVERS):
        ended_on = successor.start_date - datetime.timedelta(days=1)
        terminated = rng.random() < 0.6
        previous.append(
            ServiceContract(
                firm=rng.choice([f for f in local[successor.complex.community.subdistrict_id] if f != successor.firm]),
                complex=successor.complex,
                start_date=datetime.date(ended_on.year - rng.randint(3, 6), ended_on.month, 1),
                end_date=ended_on,
                fee_standard=successor.fee_standard - Decimal("0.20") if successor.fee_standard > 1 else successor.fee_standard,
                status=ContractStatus.TERMINATED if terminated else ContractStatus.ENDED,
                exit_reason=rng.choice(TERMINATION_REASONS) if terminated else END_REASON,
                ended_on=ended_on,
                successor=successor,
            )
        )
    heleju = ctx.complex_by_name["和乐居"]
    previous.append(
        ServiceContract(
            firm=others[0],
            complex=heleju,
            start_date=datetime.date(2012, 1, 1),
            end_date=datetime.date(2017, 12, 31),
            fee_standard=Decimal("0.50"),
            status=ContractStatus.TERMINATED,
            exit_reason=ABANDONED_REASON,
            ended_on=datetime.date(2017, 6, 30),
        )
    )
    ServiceContract.objects.bulk_create(previous)
