"""Every write of integrations/: integrators, their keys, and (webhooks.py) deliveries."""
from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from communities.models import StaffProfile, StaffRole
from redproperty.roles import INTEGRATOR_GROUPS
from redproperty.scoping import staff_profile_of

from .models import ApiKey, Integrator, Scope, key_digest, new_key

# How often at most a key's last use is written (one UPDATE a minute, not one per request).
LAST_USE_RESOLUTION = datetime.timedelta(minutes=1)


def scope_permissions(scope: str) -> list[str]:
    """The permissions ("app.codename") a scope gives."""
    perms = Permission.objects.filter(group__name=INTEGRATOR_GROUPS[scope]).select_related("content_type")
    return [f"{p.content_type.app_label}.{p.codename}" for p in perms]


def _within(profile, jurisdiction) -> bool:
    """Whether `jurisdiction` is the staff profile's own or lies inside it (not merely visible:
    subdistrict staff can see their district, but it is not theirs to hand out)."""
    kind = type(jurisdiction)._meta.model_name
    if profile.role == StaffRole.DISTRICT:
        district_id = {
            "district": lambda j: j.pk,
            "subdistrict": lambda j: j.district_id,
            "community": lambda j: j.subdistrict.district_id,
        }.get(kind)
        if kind == "propertyfirm":  # firms are district-wide registers
            return True
        return district_id is not None and district_id(jurisdiction) == profile.district_id
    if profile.role == StaffRole.SUBDISTRICT:
        return (kind == "subdistrict" and jurisdiction.pk == profile.subdistrict_id) or (
            kind == "community" and jurisdiction.subdistrict_id == profile.subdistrict_id)
    if profile.role == StaffRole.COMMUNITY:
        return kind == "community" and jurisdiction.pk == profile.community_id
    return kind == "propertyfirm" and jurisdiction.pk == profile.firm_id


def check_power(actor, *, scope: str, jurisdiction) -> None:
    """`actor` may hand out only what they hold themselves: every permission of the scope, and a
    jurisdiction within their own. Raises PermissionDenied otherwise."""
    if actor.is_superuser and actor.is_active:
        return
    if not actor.has_perms(scope_permissions(scope)):
        raise PermissionDenied(_("You cannot give an integrator more rights than you hold."))
    profile = staff_profile_of(actor)
    if profile is None or not _within(profile, jurisdiction):
        raise PermissionDenied(_("The jurisdiction must lie within your own."))


def _role_of(jurisdiction) -> str:
    return {"district": StaffRole.DISTRICT, "subdistrict": StaffRole.SUBDISTRICT, "community": StaffRole.COMMUNITY,
            "propertyfirm": StaffRole.FIRM}[type(jurisdiction)._meta.model_name]


@transaction.atomic
def integrator_create(*, actor, name: str, scope: str, jurisdiction, contact: str = "") -> Integrator:
    """Make an integrator account: a user that cannot log in (no password, not staff), with
    `jurisdiction` (a District, Subdistrict, Community or PropertyFirm) as its staff profile
    and the group of `scope`. Raises ValidationError on bad input, PermissionDenied when
    `actor` would hand out more than they hold. Make its keys with api_key_create."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the integrator a name.")})
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose a scope.")})
    if Integrator.objects.filter(name=name).exists():
        raise ValidationError({"name": _("An integrator with this name already exists.")})
    check_power(actor, scope=scope, jurisdiction=jurisdiction)
    username = f"integrator-{slugify(name, allow_unicode=False)[:40] or 'x'}-{secrets.token_hex(3)}"
    user = get_user_model().objects.create_user(username=username, password=None, is_staff=False)
    role = _role_of(jurisdiction)
    profile = StaffProfile(user=user, role=role, **{role.value: jurisdiction})
    profile.full_clean(exclude=["user"])
    profile.save()
    user.groups.add(Group.objects.get(name=INTEGRATOR_GROUPS[scope]))
    return Integrator.objects.create(name=name, contact=(contact or "").strip(), scope=scope, user=user,
                                     created_by=actor)


@transaction.atomic
def integrator_update(*, actor, integrator: Integrator, name: str, contact: str, scope: str,
                      is_active: bool) -> Integrator:
    """Rename, change the scope, or switch the integrator (all its keys) off and on."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the integrator a name.")})
    if Integrator.objects.filter(name=name).exclude(pk=integrator.pk).exists():
        raise ValidationError({"name": _("An integrator with this name already exists.")})
    if scope not in Scope.values:
        raise ValidationError({"scope": _("Choose a scope.")})
    check_power(actor, scope=scope, jurisdiction=integrator.user.staff_profile.jurisdiction)
    user = integrator.user
    user.groups.remove(*Group.objects.filter(name__in=INTEGRATOR_GROUPS.values()))
    user.groups.add(Group.objects.get(name=INTEGRATOR_GROUPS[scope]))
    if user.is_active != bool(is_active):
        user.is_active = bool(is_active)
        user.save(update_fields=["is_active"])
    integrator.name, integrator.contact, integrator.scope = name, (contact or "").strip(), scope
    integrator.save()
    return integrator


@transaction.atomic
def api_key_create(*, actor, user, name: str = "", expires_at: datetime.datetime | None = None) -> tuple[ApiKey, str]:
    """A new key for `user`. Returns (the stored row, the key itself): show the key once; only
    its digest is kept. `actor` makes keys for themselves, or for an integrator within their
    jurisdiction holding no more rights than they do (superusers: for anyone)."""
    if actor.pk != user.pk and not actor.is_superuser:
        integrator = Integrator.objects.visible_to(actor).filter(user=user).select_related("user__staff_profile").first()
        if integrator is None:
            raise PermissionDenied(_("You can make keys only for integrators within your jurisdiction."))
        check_power(actor, scope=integrator.scope, jurisdiction=integrator.user.staff_profile.jurisdiction)
    key = new_key()
    row = ApiKey.objects.create(user=user, name=(name or "").strip()[:100], prefix=key[:10], digest=key_digest(key),
                                created_by=actor, expires_at=expires_at)
    return row, key


@transaction.atomic
def api_key_issue_for_login(*, user) -> str:
    """The token endpoint: a new personal key valid for API_TOKEN_HOURS; the user's expired
    personal keys are deleted. Returns the key."""
    now = timezone.now()
    ApiKey.objects.filter(user=user, expires_at__lte=now).delete()
    _row, key = api_key_create(actor=user, user=user, name="auth/token",
                               expires_at=now + datetime.timedelta(hours=settings.API_TOKEN_HOURS))
    return key


@transaction.atomic
def api_key_revoke(*, actor, api_key: ApiKey) -> ApiKey:
    """Stop a key working, for good. The row stays, as a record of who made and revoked it."""
    if not ApiKey.objects.visible_to(actor).filter(pk=api_key.pk).exists():
        raise PermissionDenied(_("You cannot revoke this key."))
    if api_key.revoked_at is None:
        api_key.revoked_at, api_key.revoked_by = timezone.now(), actor
        api_key.save(update_fields=["revoked_at", "revoked_by"])
    return api_key


def api_key_authenticate(key: str) -> ApiKey | None:
    """The usable key `key` is (with its user), or None. Records the key's last use, at most
    once a minute. One query, two when it records."""
    if not key or len(key) > 200:
        return None
    now = timezone.now()
    row = ApiKey.objects.usable(now).select_related("user").filter(digest=key_digest(key)).first()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_RESOLUTION:
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
