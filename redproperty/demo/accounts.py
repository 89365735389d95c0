"""The demo accounts, one per kind of staff user. `manage.py demo_logins` prints them."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from communities.services import staff_user_create

from .firms import JUHE

PASSWORD = "demo-pass-2026"
EMAIL_DOMAIN = "demo.guandu.example.org"

# (username, role, jurisdiction's name, last name, first name, what they are for)
ACCOUNTS = [
    ("admin", None, None, "管理员", "系统", _("Superuser: everything")),
    ("district", "district", "官渡区", "张", "伟", _("District staff: the whole district")),
    ("taihe", "subdistrict", "太和街道", "李", "红梅", _("Subdistrict staff of 太和街道")),
    ("shuguang", "community", "曙光社区", "王", "敏", _("Community worker of 曙光社区")),
    ("hepinglu", "community", "和平路社区", "赵", "丽萍", _("Community worker of 和平路社区")),
    ("juhe", "firm", JUHE, "周", "建华", _("Staff of the firm 巨和物业")),
]
USERNAMES = [account[0] for account in ACCOUNTS]


def build(ctx):
    places = {
        "district": {ctx.district.name: ctx.district},
        "subdistrict": ctx.subdistricts,
        "community": ctx.communities,
        "firm": ctx.firms,
    }
    # Hashing is deliberately slow (~0.25 s); the demo shares one hash of its one public password.
    password = make_password(PASSWORD)
    for username, role, where, last_name, first_name, _purpose in ACCOUNTS:
        names = {"email": f"{username}@{EMAIL_DOMAIN}", "last_name": last_name, "first_name": first_name}
        if role is None:
            user = get_user_model().objects.create_superuser(username=username, password=None, **names)
        else:
            user = staff_user_create(username=username, password=None, role=role, jurisdiction=places[role][where], **names)
        user.password = password
        ctx.users[username] = user
    get_user_model().objects.filter(username__in=USERNAMES).update(password=password)
