"""Writes for communities/: staff accounts and owners' committees."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from redproperty.roles import ROLE_GROUPS

from .models import OwnersCommittee, OwnersCommitteeMember, StaffProfile, StaffRole


@transaction.atomic
def staff_user_create(*, username: str, password: str, role: str, jurisdiction, **user_fields):
    """Create a staff user with its profile and role group. Returns the user.

    `jurisdiction` is the District, Subdistrict, Community or PropertyFirm the role covers."""
    user = get_user_model().objects.create_user(username=username, password=password, is_staff=True, **user_fields)
    staff_profile_set(user=user, role=role, jurisdiction=jurisdiction)
    return user


@transaction.atomic
def staff_profile_set(*, user, role: str, jurisdiction) -> StaffProfile:
    """Give `user` the role over `jurisdiction`, replacing any earlier profile and role group."""
    role = StaffRole(role)
    profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
    profile.role = role
    profile.district = profile.subdistrict = profile.community = profile.firm = None
    setattr(profile, role.value, jurisdiction)
    profile.full_clean(exclude=["user"])
    profile.save()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role.value]))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return profile


@transaction.atomic
def owners_committee_create(*, complex, term_start, term_end, members: list[dict], filed_on=None, status="active"):
    """Create an owners' committee with its members after checking size, parity, director and term.

    `members` are dicts of name, role, is_party_member (and optional phone). Raises
    ValidationError and saves nothing when the list, a member or the committee is invalid."""
    OwnersCommittee.validate_members(members)
    committee = OwnersCommittee(complex=complex, term_start=term_start, term_end=term_end, filed_on=filed_on, status=status)
    committee.full_clean()
    rows = [OwnersCommitteeMember(committee=committee, **m) for m in members]
    for row in rows:
        # bulk_create skips validation; the committee is not saved yet, hence the exclusions.
        row.full_clean(exclude=["committee"], validate_constraints=False)
    committee.save()
    OwnersCommitteeMember.objects.bulk_create(rows)
    return committee
