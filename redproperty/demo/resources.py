"""Funds (经费保障) and training (人才) for the dashboard's /dashboard/resources/.

The article's one figure: 世纪城 put 8,000,000 yuan into the complex's facilities (投入800万元用于
小区软硬件设施建设改造). The other funds and the trainings are invented, within this year and
the last, in communities of the demo. Drawn from a generator of its own, so that adding this
step changes no other step's data."""
from __future__ import annotations

import datetime
import random
from decimal import Decimal

from partybranches.models import Funding, FundPurpose, FundSource, RedPropertyProject, Training

from . import SEED

COURSES = [
    "“红色物业”政策与物业服务规范", "业主委员会依法履职", "红管家入户走访与特殊群体关爱",
    "物业矛盾纠纷调解实务", "消防安全与电梯安全管理", "物业费收支公开与财务规范",
]
DELIVERED = {
    FundPurpose.RENOVATION: "更换楼道灯、修缮屋面防水、加装休闲座椅。",
    FundPurpose.STATION: "党群服务站添置桌椅、血压计和图书。",
    FundPurpose.ACTIVITIES: "开展邻里节和志愿服务活动。",
    FundPurpose.TRAINING: "组织物业企业员工和红管家培训。",
}


def build(ctx):
    rng = random.Random(f"{SEED}-resources")
    today = ctx.today
    fundings = []
    century = ctx.complex_by_name.get("世纪城")
    if century is not None:
        fundings.append(Funding(
            community_id=century.community_id, complex=century, source=FundSource.DISTRICT,
            amount=Decimal("8000000"), purpose=FundPurpose.RENOVATION, granted_on=datetime.date(today.year - 1, 4, 15),
            delivered="小区软硬件设施建设改造：道路、绿化、照明、监控和党群服务站。"))
    for project in RedPropertyProject.objects.order_by("pk")[:12]:
        purpose = rng.choice([FundPurpose.RENOVATION, FundPurpose.STATION, FundPurpose.ACTIVITIES])
        fundings.append(Funding(
            community_id=project.community_id, project=project,
            source=rng.choice([FundSource.DISTRICT, FundSource.SUBDISTRICT, FundSource.PARTY_FEES, FundSource.FIRM]),
            amount=Decimal(rng.randrange(20, 300) * 1000), purpose=purpose,
            granted_on=today - datetime.timedelta(days=rng.randrange(10, 400)), delivered=DELIVERED[purpose]))
    Funding.objects.bulk_create(fundings)

    communities = sorted({c.community_id for c in ctx.complexes})
    rng.shuffle(communities)
    Training.objects.bulk_create(
        Training(community_id=community_id, course=COURSES[i % len(COURSES)],
                 held_on=today - datetime.timedelta(days=rng.randrange(5, 360)),
                 firm_staff=rng.randrange(5, 40), stewards=rng.randrange(0, 20), committee_members=rng.randrange(0, 10))
        for i, community_id in enumerate(communities[:10])
    )
