"""Party organisations: the district committee, the property-industry party committee
(物业行业党委, founded 2019), ten subdistrict working committees, a party committee in each
of the 99 communities, 240 residential-area branches covering the complexes, and the party
branches of about 40% of the firms."""
from __future__ import annotations

import datetime

from partybranches.models import OrgKind, PartyOrganization

from . import naming
from .firms import JUHE

RESIDENTIAL_BRANCHES = 240
ORDINALS = "一二三四五六七八九十"


def build(ctx):
    rng, district = ctx.rng, ctx.district

    def org(name, kind, parent=None, *, members, established, **where):
        return PartyOrganization(
            name=name,
            kind=kind,
            parent=parent,
            district=district,
            secretary=naming.person_name(rng),
            member_count=members,
            established_on=established,
            **where,
        )

    committee = org("中共昆明市官渡区委员会", OrgKind.DISTRICT_COMMITTEE, members=0, established=datetime.date(1956, 1, 1))
    committee.save()
    industry = org(
        "中共昆明市官渡区物业服务行业委员会", OrgKind.INDUSTRY_COMMITTEE, committee,
        members=rng.randint(300, 500), established=datetime.date(2019, 6, 28),
    )
    industry.save()
    working = PartyOrganization.objects.bulk_create(
        org(
            f"中共昆明市官渡区{s.name}工作委员会", OrgKind.SUBDISTRICT_WORKING_COMMITTEE, committee,
            members=rng.randint(40, 90), established=datetime.date(2005, 1, 1),
        )
        for s in ctx.subdistricts.values()
    )
    working_by_subdistrict = dict(zip([s.id for s in ctx.subdistricts.values()], working))
    communities = list(ctx.communities.values())
    community_committees = PartyOrganization.objects.bulk_create(
        org(
            f"中共{c.name}委员会", OrgKind.COMMUNITY_COMMITTEE, working_by_subdistrict[c.subdistrict_id],
            members=rng.randint(60, 260), established=datetime.date(rng.randint(2000, 2015), 7, 1), community=c,
        )
        for c in communities
    )
    ctx.community_party = {c.community_id: c for c in community_committees}

    # Two branches per community, three in 42 of them: 240 in all.
    extra = {c.name for c in rng.sample(communities, RESIDENTIAL_BRANCHES - 2 * len(communities))}
    branches, covered = [], []
    complexes_by_community = {}
    for complex_ in ctx.complexes:
        complexes_by_community.setdefault(complex_.community_id, []).append(complex_)
    for community in communities:
        count = 3 if community.name in extra else 2
        complexes = list(complexes_by_community.get(community.id, []))
        rng.shuffle(complexes)
        for i in range(count):
            name = f"{community.name}第{ORDINALS[i]}居民区党支部"
            if community.name == "和平路社区" and i == 0:
                name = "和平路社区红邻党支部"
            branches.append(
                org(
                    name, OrgKind.RESIDENTIAL_BRANCH, ctx.community_party[community.id],
                    members=rng.randint(15, 70), established=datetime.date(rng.randint(2016, 2023), 7, 1),
                    community=community,
                )
            )
            covered.append(complexes[i::count])
    branches = PartyOrganization.objects.bulk_create(branches)
    through = PartyOrganization.complexes.through
    through.objects.bulk_create(
        through(partyorganization_id=branch.id, residentialcomplex_id=c.id)
        for branch, complexes in zip(branches, covered)
        for c in complexes
    )
    ctx.branch_by_complex = {c.id: branch for branch, complexes in zip(branches, covered) for c in complexes}

    firms = [f for name, f in ctx.firms.items() if name == JUHE or rng.random() < 0.4]
    firm_branches = PartyOrganization.objects.bulk_create(
        org(
            f"{f.name}党支部", OrgKind.FIRM_BRANCH, industry,
            members=rng.randint(5, 40), established=datetime.date(rng.randint(2018, 2024), 7, 1), firm=f,
        )
        for f in firms
    )
    ctx.firm_branches = {b.firm_id: b for b in firm_branches}
