"""communities/services.py: owners' committees and staff accounts are written whole or not at all."""
from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import override

from communities.models import MemberRole, OwnersCommittee, OwnersCommitteeMember, StaffProfile
from communities.services import owners_committee_create, staff_profile_set, staff_user_create
from redproperty.roles import ROLE_GROUPS
from tests.communities.test_models import members

pytestmark = pytest.mark.django_db


TERM = {"term_start": datetime.date(2025, 5, 1), "term_end": datetime.date(2030, 4, 30)}


def nothing_saved():
    return not OwnersCommittee.objects.exists() and not OwnersCommitteeMember.objects.exists()


def test_committee_is_created_with_its_members(world):
    committee = owners_committee_create(complex=world.shuguang_complex, members=members(5, party=3), **TERM)
    assert committee.members.count() == 5
    assert committee.members.get(role=MemberRole.DIRECTOR).is_party_member
    assert committee.is_red
    assert OwnersCommittee.objects.red().get() == committee


def test_committee_of_eleven_without_a_party_majority_is_not_red(world):
    committee = owners_committee_create(complex=world.shuguang_complex, members=members(11, party=5), **TERM)
    assert committee.members.count() == 11
    assert not committee.is_red


@pytest.mark.parametrize(
    "rows, message",
    [
        (members(4), "An owners' committee has an odd number of members, from 5 to 11; this one has 4."),
        (members(13), "An owners' committee has an odd number of members, from 5 to 11; this one has 13."),
        (members(7, directors=2), "An owners' committee has exactly one director."),
        (members(7, directors=0), "An owners' committee has exactly one director."),
    ],
    ids=["four", "thirteen", "two directors", "no director"],
)
def test_committee_with_unlawful_members_is_refused_whole(world, rows, message):
    with override("en"):
        with pytest.raises(ValidationError) as exc_info:
            owners_committee_create(complex=world.shuguang_complex, members=rows, **TERM)
        assert exc_info.value.messages == [message]
    assert nothing_saved()


def test_committee_with_a_term_over_five_years_is_refused_whole(world):
    with override("en"), pytest.raises(ValidationError) as exc_info:
        owners_committee_create(
            complex=world.shuguang_complex, members=members(5),
            term_start=datetime.date(2025, 5, 1), term_end=datetime.date(2030, 5, 2),
        )
    assert exc_info.value.message_dict == {"term_end": ["A term lasts at most 5 years."]}
    assert nothing_saved()


def test_second_committee_in_office_is_refused(world):
    first = owners_committee_create(complex=world.shuguang_complex, members=members(5), **TERM)
    with pytest.raises(ValidationError):
        owners_committee_create(complex=world.shuguang_complex, members=members(7), **TERM)
    assert list(OwnersCommittee.objects.all()) == [first]
    assert OwnersCommitteeMember.objects.count() == 5


@pytest.mark.parametrize(
    "bad, field",
    [({"role": "chairman"}, "role"), ({"name": ""}, "name")],
    ids=["unknown role", "no name"],
)
def test_member_rows_are_validated_before_anything_is_saved(world, bad, field):
    rows = members(5)
    rows[3] |= bad
    with pytest.raises(ValidationError) as exc_info:
        owners_committee_create(complex=world.shuguang_complex, members=rows, **TERM)
    assert field in exc_info.value.message_dict
    assert nothing_saved()


def test_staff_user_gets_profile_and_role_group(world):
    user = staff_user_create(username="xiaoban", password="pw-2026-x", role="community", jurisdiction=world.hepinglu)
    assert user.is_staff
    assert user.staff_profile.community == world.hepinglu
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUPS["community"]]


def test_changing_a_role_replaces_profile_and_group(world):
    user = staff_user_create(username="xiaoban", password="pw-2026-x", role="community", jurisdiction=world.hepinglu)
    staff_profile_set(user=user, role="subdistrict", jurisdiction=world.jinma)
    profile = StaffProfile.objects.get(user=user)
    assert (profile.role, profile.subdistrict, profile.community) == ("subdistrict", world.jinma, None)
    assert list(user.groups.values_list("name", flat=True)) == [ROLE_GROUPS["subdistrict"]]


def test_staff_user_with_the_wrong_kind_of_jurisdiction_is_not_created(world):
    with pytest.raises((ValueError, ValidationError)):
        staff_user_create(username="xiaoban", password="pw-2026-x", role="community", jurisdiction=world.jinma)
    assert not get_user_model().objects.filter(username="xiaoban").exists()


def test_unknown_role_is_refused(world):
    with pytest.raises(ValueError):
        staff_user_create(username="xiaoban", password="pw-2026-x", role="mayor", jurisdiction=world.guandu)
    assert not get_user_model().objects.filter(username="xiaoban").exists()


def test_renewal_ends_the_term_and_starts_the_next_or_changes_nothing(world, district_officer):
    from communities.services import owners_committee_renew

    current = owners_committee_create(complex=world.shuguang_complex, members=members(5), **TERM)
    with pytest.raises(ValidationError):
        owners_committee_renew(actor=district_officer, committee=current, members=members(4),
                               term_start=datetime.date(2030, 5, 1), term_end=datetime.date(2035, 4, 30))
    current.refresh_from_db()
    assert current.status == "active" and OwnersCommittee.objects.count() == 1
    successor = owners_committee_renew(actor=district_officer, committee=current, members=members(7),
                                       term_start=datetime.date(2030, 5, 1), term_end=datetime.date(2035, 4, 30))
    current.refresh_from_db()
    assert (current.status, successor.status, successor.members.count()) == ("expired", "active", 7)
    assert successor.history.first().history_user == district_officer


def test_a_second_committee_in_office_gets_a_message_that_says_what_to_do(world):
    owners_committee_create(complex=world.shuguang_complex, members=members(5), **TERM)
    with override("en"), pytest.raises(ValidationError) as exc_info:
        owners_committee_create(complex=world.shuguang_complex, members=members(5), **TERM)
    assert "End its term first" in exc_info.value.message_dict["complex"][0]
