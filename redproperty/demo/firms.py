"""巨和物业 and 35 synthetic property-service firms with valid unified social credit codes."""
from __future__ import annotations

from stdnum.cn import uscc

from properties.models import FirmStatus, PropertyFirm

from . import naming

JUHE = "巨和物业"

# Registration authorities: Guandu, Kunming city, and neighbouring districts.
ADMIN_CODES = ("530111", "530111", "530111", "530100", "530102", "530103", "530112")


def credit_code(rng) -> str:
    """A unified social credit code (GB 32100-2015) for an enterprise (91…): an administrative
    code, an organisation code (GB 11714, with its own check character) and the check digit."""
    digits = f"{rng.randint(0, 99_999_999):08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    org_code = digits + {10: "X", 11: "0"}.get(check, str(check))
    body = "91" + rng.choice(ADMIN_CODES) + org_code
    return body + uscc.calc_check_digit(body)


def build(ctx):
    rng = ctx.rng
    firms = [
        PropertyFirm(
            name=JUHE,
            credit_code=credit_code(rng),
            qualification="一级",
            contact_person=naming.person_name(rng),
            contact_phone=f"0871-6{rng.randint(0, 9_999_999):07d}",
            address="昆明市官渡区小板桥街道幸福邻里社区",
        )
    ]
    for stem in naming.FIRM_STEMS:
        kind = rng.choice(("物业服务有限公司", "物业管理有限公司", "物业服务集团有限公司"))
        firms.append(
            PropertyFirm(
                name=f"{rng.choice(('昆明', '云南'))}{stem}{kind}",
                credit_code=credit_code(rng),
                qualification=rng.choices(("一级", "二级", "三级", ""), weights=(3, 4, 2, 1))[0],
                contact_person=naming.person_name(rng),
                contact_phone=f"0871-6{rng.randint(0, 9_999_999):07d}",
                address=f"昆明市官渡区{stem}路{rng.randint(1, 400)}号",
                status=rng.choices((FirmStatus.ACTIVE, FirmStatus.WARNED), weights=(9, 1))[0],
            )
        )
    ctx.firms = {f.name: f for f in PropertyFirm.objects.bulk_create(firms)}
