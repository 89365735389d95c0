"""Cross-appointments (双向进入、交叉任职): exactly 806 complexes with an active appointment in
each direction, plus the near misses a real register has (one direction only, or a post that
has ended) and some earlier holders replaced."""
from __future__ import annotations

import datetime

from partybranches.models import CrossAppointment, Direction

from . import naming

TWO_WAY_COMPLEXES = 806
ONE_WAY_ONLY = 30
LAPSED = 20
REPLACED = 40
ALWAYS = ("曙光小区", "曙光东苑", "和乐居", "和平家园", "金马新苑", "东华小区", "幸福邻里", "百大城市理想", "世纪城", "银海樱花语")

INTO_FIRM = (("社区党委委员", "物业项目党建指导员"), ("社区党委副书记", "物业服务质量监督员"), ("网格党支部书记", "物业项目红色管家"))
INTO_COMMITTEE = (("社区党委委员", "业委会党建指导员"), ("居民区党支部书记", "业委会委员（兼职）"))
FROM_FIRM = (("物业项目经理（党员）", "居民区党支部兼职委员"), ("物业客服主管（党员）", "社区党委兼职委员"))
FROM_COMMITTEE = (("业委会主任（党员）", "社区党委兼职委员"), ("业委会委员（党员）", "居民区党支部兼职委员"))


def build(ctx):
    rng = ctx.rng
    candidates = [c for c in ctx.complexes if c.id in ctx.contracts or c.id in ctx.committees]
    forced = [ctx.complex_by_name[name] for name in ALWAYS]
    rest = [c for c in candidates if c.name not in ALWAYS]
    rng.shuffle(rest)
    two_way = forced + rest[: TWO_WAY_COMPLEXES - len(forced)]
    leftover = rest[TWO_WAY_COMPLEXES - len(forced):]

    def appointment(complex_, direction, *, start, end=None):
        contract = ctx.contracts.get(complex_.id)
        counterpart = {"firm": contract.firm} if contract else {"owners_committee": ctx.committees[complex_.id]}
        if direction == Direction.TO_COUNTERPART:
            organization = ctx.community_party[complex_.community_id]
            posts = INTO_FIRM if contract else INTO_COMMITTEE
        else:
            organization = ctx.branch_by_complex.get(complex_.id) or ctx.community_party[complex_.community_id]
            posts = FROM_FIRM if contract else FROM_COMMITTEE
        home_post, appointed_post = rng.choice(posts)
        return CrossAppointment(
            person_name=naming.person_name(rng),
            is_party_member=True,
            direction=direction,
            party_organization=organization,
            complex=complex_,
            home_post=home_post,
            appointed_post=appointed_post,
            start_date=start,
            end_date=end,
            **counterpart,
        )

    def since():
        return ctx.day_between(datetime.date(2019, 1, 1), datetime.date(2024, 12, 31))

    def ended():
        start = ctx.day_between(datetime.date(2018, 1, 1), datetime.date(2020, 12, 31))
        return {"start": start, "end": ctx.day_between(datetime.date(2021, 6, 1), datetime.date(2024, 6, 30))}

    rows = []
    for complex_ in two_way:
        rows.append(appointment(complex_, Direction.TO_COUNTERPART, start=since()))
        rows.append(appointment(complex_, Direction.TO_COMMUNITY, start=since()))
    for complex_ in rng.sample(two_way, REPLACED):
        rows.append(appointment(complex_, Direction.TO_COUNTERPART, **ended()))
    for complex_ in leftover[:ONE_WAY_ONLY]:
        rows.append(appointment(complex_, rng.choice(list(Direction)), start=since()))
    for complex_ in leftover[ONE_WAY_ONLY: ONE_WAY_ONLY + LAPSED]:
        rows.append(appointment(complex_, Direction.TO_COUNTERPART, start=since()))
        rows.append(appointment(complex_, Direction.TO_COMMUNITY, **ended()))
    CrossAppointment.objects.bulk_create(rows)
