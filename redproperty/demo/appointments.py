"""Cross-appointments (双向进入、交叉任职): exactly 806 complexes where the community party
organisation and the serving property firm each hold an active post on the other side (the
article's two-way entry), cross-appointments with owners' committees as a figure of their own,
plus the near misses a real register has (one direction only, or a post that has ended) and
some earlier holders replaced."""
from __future__ import annotations

import datetime

from partybranches.models import CrossAppointment, Direction

from . import naming

TWO_WAY_COMPLEXES = 806
COMMITTEE_CROSS_APPOINTED = 140
ONE_WAY_ONLY = 30
LAPSED = 20
REPLACED = 40
# Served by a firm, so they can have two-way entry: the article's firm-served complexes and
# the model communities' ones.
ALWAYS = ("曙光东苑", "和平家园", "金马新苑", "幸福邻里", "百大城市理想", "世纪城", "银海樱花语")
# The article's complexes run without a firm: cross-appointed with their owners' committee.
ALWAYS_WITH_COMMITTEE = ("曙光小区", "和乐居", "东华小区")

INTO_FIRM = (("社区党委委员", "物业项目党建指导员"), ("社区党委副书记", "物业服务质量监督员"), ("网格党支部书记", "物业项目红色管家"))
INTO_COMMITTEE = (("社区党委委员", "业委会党建指导员"), ("居民区党支部书记", "业委会委员（兼职）"))
FROM_FIRM = (("物业项目经理（党员）", "居民区党支部兼职委员"), ("物业客服主管（党员）", "社区党委兼职委员"))
FROM_COMMITTEE = (("业委会主任（党员）", "社区党委兼职委员"), ("业委会委员（党员）", "居民区党支部兼职委员"))


def build(ctx):
    rng = ctx.rng
    firm_served = [c for c in ctx.complexes if c.id in ctx.contracts]
    if len(firm_served) < TWO_WAY_COMPLEXES:
        raise RuntimeError(f"only {len(firm_served)} complexes have a serving firm; places.py must make more")
    forced = [ctx.complex_by_name[name] for name in ALWAYS]
    rest = [c for c in firm_served if c.name not in ALWAYS]
    rng.shuffle(rest)
    two_way = forced + rest[: TWO_WAY_COMPLEXES - len(forced)]
    leftover = rest[TWO_WAY_COMPLEXES - len(forced):]

    with_committee = [c for c in ctx.complexes if c.id in ctx.committees and c.name not in ALWAYS_WITH_COMMITTEE]
    committee_cross = [ctx.complex_by_name[name] for name in ALWAYS_WITH_COMMITTEE] + rng.sample(
        with_committee, COMMITTEE_CROSS_APPOINTED - len(ALWAYS_WITH_COMMITTEE))
    # Near misses: firm-served complexes beyond the 806, then committee ones not cross-appointed.
    chosen = {c.id for c in committee_cross}
    near_misses = leftover + [c for c in with_committee if c.id not in chosen and c.id not in ctx.contracts]

    def appointment(complex_, direction, *, with_firm=True, start, end=None):
        if with_firm:
            counterpart = {"firm": ctx.contracts[complex_.id].firm}
        else:
            counterpart = {"owners_committee": ctx.committees[complex_.id]}
        if direction == Direction.TO_COUNTERPART:
            organization = ctx.community_party[complex_.community_id]
            posts = INTO_FIRM if with_firm else INTO_COMMITTEE
        else:
            organization = ctx.branch_by_complex.get(complex_.id) or ctx.community_party[complex_.community_id]
            posts = FROM_FIRM if with_firm else FROM_COMMITTEE
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
    for complex_ in committee_cross:
        rows.append(appointment(complex_, Direction.TO_COUNTERPART, with_firm=False, start=since()))
        rows.append(appointment(complex_, Direction.TO_COMMUNITY, with_firm=False, start=since()))
    for complex_ in near_misses[:ONE_WAY_ONLY]:
        rows.append(appointment(complex_, rng.choice(list(Direction)), with_firm=complex_.id in ctx.contracts,
                                start=since()))
    for complex_ in near_misses[ONE_WAY_ONLY: ONE_WAY_ONLY + LAPSED]:
        with_firm = complex_.id in ctx.contracts
        rows.append(appointment(complex_, Direction.TO_COUNTERPART, with_firm=with_firm, start=since()))
        rows.append(appointment(complex_, Direction.TO_COMMUNITY, with_firm=with_firm, **ended()))
    CrossAppointment.objects.bulk_create(rows)
