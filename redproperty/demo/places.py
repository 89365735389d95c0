"""官渡区 (530111), its ten subdistricts, 99 communities and about 900 residential complexes.

Codes follow the statistics bureau's shape (9-digit subdistrict, 12-digit community, each
starting with its parent's). 曙光社区 is 530111002001 and 和平路社区 530111004002, as in the
test world of tests/conftest.py."""
from __future__ import annotations

from decimal import Decimal

from communities.models import Community, ComplexType, District, ManagementMode, ResidentialComplex, Subdistrict

from . import naming

# Enough firm-served complexes for the article's 806 with two-way entry, and a margin without.
TOTAL_COMPLEXES = 980

# (code, name, number of communities): 99 communities in all.
SUBDISTRICTS = [
    ("530111001", "关上街道", 14),
    ("530111002", "太和街道", 12),
    ("530111003", "吴井街道", 12),
    ("530111004", "金马街道", 12),
    ("530111005", "小板桥街道", 11),
    ("530111006", "官渡街道", 10),
    ("530111007", "矣六街道", 8),
    ("530111008", "六甲街道", 8),
    ("530111009", "大板桥街道", 7),
    ("530111010", "阿拉街道", 5),
]

# Communities the article names, with their subdistrict and place in its code list.
NAMED_COMMUNITIES = [
    ("曙光社区", "太和街道", 1),
    ("东华路社区", "太和街道", 3),
    ("和平路社区", "金马街道", 2),
    ("关上中心区社区", "关上街道", 1),
    ("银海社区", "吴井街道", 4),
    ("幸福邻里社区", "小板桥街道", 6),
    ("世纪城社区", "官渡街道", 2),
]

C, O, A = ComplexType.COMMERCIAL, ComplexType.OLD, ComplexType.AFFORDABLE
FIRM, HOSTED, SELF, NONE = (
    ManagementMode.FIRM, ManagementMode.COMMUNITY_HOSTED, ManagementMode.SELF_GOVERNED, ManagementMode.NONE,
)

# Complexes the article names, and their neighbours in the two model communities.
# (community, name, type, management mode, households, year built)
NAMED_COMPLEXES = [
    ("曙光社区", "曙光小区", O, HOSTED, 420, 1988),
    ("曙光社区", "曙光东苑", C, FIRM, 180, 2006),
    ("曙光社区", "曙光花园", C, FIRM, 560, 2009),
    ("曙光社区", "昆明电机厂宿舍", O, SELF, 96, 1984),
    ("曙光社区", "太和巷老院", O, NONE, 48, 1979),
    ("和平路社区", "和乐居", O, SELF, 260, 1990),
    ("和平路社区", "和平路42号院", O, HOSTED, 72, 1986),
    ("和平路社区", "金马新苑", C, FIRM, 640, 2011),
    ("和平路社区", "和平家园", C, FIRM, 380, 2004),
    ("东华路社区", "东华小区", O, HOSTED, 1200, 1995),
    ("幸福邻里社区", "幸福邻里", A, FIRM, 2600, 2014),
    ("关上中心区社区", "百大城市理想", C, FIRM, 1800, 2008),
    ("世纪城社区", "世纪城", C, FIRM, 12000, 2004),
    ("银海社区", "银海樱花语", C, FIRM, 2200, 2012),
]

# Guandu's rough centre, for plausible map coordinates.
LATITUDE, LONGITUDE = 25.0161, 102.7436


def build(ctx):
    rng = ctx.rng
    ctx.district = District.objects.create(code="530111", name="官渡区")
    subdistricts = Subdistrict.objects.bulk_create(
        Subdistrict(district=ctx.district, code=code, name=name) for code, name, _n in SUBDISTRICTS
    )
    ctx.subdistricts = {s.name: s for s in subdistricts}

    named = {(sub, position): name for name, sub, position in NAMED_COMMUNITIES}
    invented = naming.community_names()
    rng.shuffle(invented)
    communities = []
    for subdistrict, (_code, name, count) in zip(subdistricts, SUBDISTRICTS):
        for position in range(1, count + 1):
            community_name = named.get((name, position)) or invented.pop()
            communities.append(
                Community(
                    subdistrict=subdistrict,
                    code=f"{subdistrict.code}{position:03d}",
                    name=community_name,
                    address=f"昆明市官渡区{subdistrict.name}{community_name}居委会",
                    phone=f"0871-6{rng.randint(0, 9_999_999):07d}",
                )
            )
    ctx.communities = {c.name: c for c in Community.objects.bulk_create(communities)}
    assert len(ctx.communities) == 99, "community names must be unique"

    ctx.complexes = ResidentialComplex.objects.bulk_create(_complexes(ctx))
    ctx.complex_by_name = {c.name: c for c in ctx.complexes}


def _complexes(ctx):
    rng = ctx.rng
    communities = list(ctx.communities.values())
    # Spread the total over communities: 9 or so each, a little uneven.
    counts = {c.name: TOTAL_COMPLEXES // len(communities) for c in communities}
    for _ in range(TOTAL_COMPLEXES % len(communities)):
        counts[rng.choice(communities).name] += 1
    for _ in range(60):
        give, take = rng.sample(communities, 2)
        if counts[give.name] > 5:
            counts[give.name] -= 1
            counts[take.name] += 1

    used_names = set()
    for community_name, name, kind, mode, households, year in NAMED_COMPLEXES:
        used_names.add(name)
        counts[community_name] -= 1
        yield _complex(ctx, ctx.communities[community_name], name, kind, mode, households, year)
    for community in communities:
        for _ in range(counts[community.name]):
            kind = rng.choices((C, O, A), weights=(68, 24, 8))[0]
            name = _complex_name(rng, kind, used_names)
            used_names.add(name)
            if kind == O:
                mode = rng.choices((FIRM, HOSTED, SELF, NONE), weights=(50, 27, 14, 9))[0]
                households, year = rng.randint(40, 420), rng.randint(1978, 1999)
            elif kind == A:
                mode, households, year = FIRM, rng.randint(500, 3000), rng.randint(2009, 2021)
            else:
                mode = rng.choices((FIRM, SELF), weights=(98, 2))[0]
                households, year = rng.randint(200, 3200), rng.randint(1998, 2022)
            yield _complex(ctx, community, name, kind, mode, households, year)


def _complex(ctx, community, name, kind, mode, households, year):
    rng = ctx.rng
    return ResidentialComplex(
        community=community,
        name=name,
        complex_type=kind,
        management_mode=mode,
        households=households,
        buildings=max(1, households // rng.randint(40, 120)),
        floor_area=Decimal(households * rng.randint(65, 115)),
        year_built=year,
        address=f"昆明市官渡区{community.subdistrict.name}{name}",
        latitude=Decimal(f"{LATITUDE + rng.uniform(-0.06, 0.06):.6f}"),
        longitude=Decimal(f"{LONGITUDE + rng.uniform(-0.08, 0.08):.6f}"),
    )


def _complex_name(rng, kind, used_names) -> str:
    while True:
        if kind == O:
            name = rng.choice(naming.OLD_STEMS) + rng.choice(naming.OLD_SUFFIXES)
        elif kind == A:
            name = rng.choice(naming.COMPLEX_STEMS) + rng.choice(naming.AFFORDABLE_SUFFIXES)
        else:
            name = rng.choice(naming.COMPLEX_STEMS) + rng.choice(naming.COMMERCIAL_SUFFIXES)
        if name in used_names:
            # Old factories had several dormitory compounds: number the next one.
            name = f"{name}{rng.choice('一二三四五六七八九')}区"
        if name not in used_names:
            return name
