"""Owners' committees with their members: about 60% "red" (at least half party members,
director a party member), some terms ending soon, a few earlier terms expired."""
from __future__ import annotations

import datetime

from communities.models import (
    CommitteeStatus,
    ComplexType,
    ManagementMode,
    MemberRole,
    OwnersCommittee,
    OwnersCommitteeMember,
)

from . import naming

# Share of complexes with a committee, by (type, management mode); the rest have none.
COVERAGE = {
    (ComplexType.COMMERCIAL, ManagementMode.FIRM): 0.65,
    (ComplexType.COMMERCIAL, ManagementMode.SELF_GOVERNED): 1.0,
    (ComplexType.OLD, ManagementMode.SELF_GOVERNED): 1.0,
    (ComplexType.OLD, ManagementMode.COMMUNITY_HOSTED): 0.7,
    (ComplexType.OLD, ManagementMode.FIRM): 0.4,
    (ComplexType.AFFORDABLE, ManagementMode.FIRM): 0.15,
}
ALWAYS = ("曙光小区", "曙光东苑", "曙光花园", "和乐居", "和平家园", "金马新苑", "东华小区", "百大城市理想", "世纪城", "银海樱花语")
NEVER = ("幸福邻里",)  # rented public housing: tenants have a party group, not an owners' committee
RED_SHARE = 0.6
TERM_YEARS = 5
EARLIER_TERMS = 25


def build(ctx):
    rng = ctx.rng
    chosen = [
        c for c in ctx.complexes
        if c.name not in NEVER
        and (c.name in ALWAYS or rng.random() < COVERAGE.get((c.complex_type, c.management_mode), 0))
    ]
    committees, member_lists = [], []
    for complex_ in chosen:
        start = ctx.day_between(datetime.date(2021, 12, 1), datetime.date(2025, 10, 31))
        committees.append(
            OwnersCommittee(
                complex=complex_,
                term_start=start,
                term_end=datetime.date(start.year + TERM_YEARS, start.month, 1) - datetime.timedelta(days=1),
                filed_on=start + datetime.timedelta(days=rng.randint(7, 45)) if rng.random() < 0.85 else None,
                status=CommitteeStatus.ACTIVE,
            )
        )
        member_lists.append(_members(rng, red=complex_.name in ALWAYS[:2] or rng.random() < RED_SHARE))
    for complex_ in rng.sample(chosen, EARLIER_TERMS):
        start = datetime.date(2016, rng.randint(1, 12), 1)
        committees.append(
            OwnersCommittee(
                complex=complex_,
                term_start=start,
                term_end=datetime.date(start.year + TERM_YEARS, start.month, 1) - datetime.timedelta(days=1),
                filed_on=start + datetime.timedelta(days=30),
                status=CommitteeStatus.EXPIRED,
            )
        )
        member_lists.append(_members(rng, red=rng.random() < 0.3))

    committees = OwnersCommittee.objects.bulk_create(committees)
    ctx.committees = {c.complex_id: c for c in committees if c.status == CommitteeStatus.ACTIVE}
    OwnersCommitteeMember.objects.bulk_create(
        OwnersCommitteeMember(committee=committee, **member)
        for committee, members in zip(committees, member_lists)
        for member in members
    )


def _members(rng, *, red: bool) -> list[dict]:
    """A valid member list (odd size 5..11, one director), red or not as asked."""
    size = rng.choices((5, 7, 9, 11), weights=(5, 4, 2, 1))[0]
    half = (size + 1) // 2
    if red:
        director_party, party = True, rng.randint(half, size)
    elif rng.random() < 0.5:
        director_party, party = False, rng.randint(0, size - 1)
    else:
        director_party, party = True, rng.randint(1, half - 1)
    # The director first; then the party members among the rest, then the others.
    flags = [director_party] + [True] * (party - director_party) + [False] * (size - party - (not director_party))
    roles = [MemberRole.DIRECTOR] + [MemberRole.DEPUTY] * (2 if size >= 9 else 1)
    roles += [MemberRole.MEMBER] * (size - len(roles))
    names = []
    while len(names) < size:
        name = naming.person_name(rng)
        if name not in names:
            names.append(name)
    return [{"name": n, "role": r, "is_party_member": p} for n, r, p in zip(names, roles, flags)]
