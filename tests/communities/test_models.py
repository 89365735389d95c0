"""communities/ models: division codes, owners' committees, derived facts, staff profiles,
and the jurisdiction rule on every community-side model.

`assert_scoped` and the `personas` fixture are shared with the other apps' test_models."""
from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from communities.models import (
    Community,
    District,
    MemberRole,
    OwnersCommittee,
    OwnersCommitteeMember,
    ResidentialComplex,
    StaffProfile,
    Subdistrict,
)
from partybranches.models import Direction
from properties.models import ContractStatus, ServiceContract
from tests import factories as f
from tests.instants import BOUNDARIES, NOW, pinned

pytestmark = [pytest.mark.django_db, pinned]  # what is in force today, at a fixed instant


def field_errors(exc_info) -> dict:
    with override("en"):  # the messages are lazy: they are translated when read
        return exc_info.value.message_dict


def refused(instance, field=NON_FIELD_ERRORS) -> list[str]:
    """full_clean() must fail on `field`; returns that field's messages, in English."""
    with override("en"):
        with pytest.raises(ValidationError) as exc_info:
            instance.full_clean()
        errors = exc_info.value.message_dict
    assert field in errors, errors
    return errors[field]


def refused_by_database(instance):
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


# ---------------------------------------------------------------------------
# The jurisdiction rule, per model (shared by tests/properties and tests/partybranches)
# ---------------------------------------------------------------------------
# Three places: 曙光东苑 (曙光社区, 太和街道, served by 巨和物业), 曙光小区 (曙光社区, no firm)
# and 和乐居 (和平路社区, 金马街道, served by 和平物业; 巨和物业 served it until 2023).
PLACES = ("east", "plain", "heleju")
EXPECTED_PLACES = {
    "shuguang_worker": {"east", "plain"},
    "hepinglu_worker": {"heleju"},
    "taihe_officer": {"east", "plain"},
    "district_officer": {"east", "plain", "heleju"},
    "juhe_firm_staff": {"east"},
    "outsider": set(),
    "superuser": {"east", "plain", "heleju"},
}


def place_complex(world, place):
    return {"east": world.shuguang_east, "plain": world.shuguang_complex, "heleju": world.heleju}[place]


@pytest.fixture
def personas(request, world, settings):
    """Every persona, plus a contract 巨和物业 once held at 和乐居 and no longer does: a firm
    sees what it serves now, not what it used to serve."""
    f.ContractFactory(
        firm=world.juhe, complex=world.heleju, start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2023, 12, 31), status=ContractStatus.ENDED,
    )
    return {name: request.getfixturevalue(name) for name in EXPECTED_PLACES}


def assert_scoped(model, build, world, personas, firm_sees=True):
    """Build one record per place with `build(world, place)` and check what each persona sees.
    `firm_sees=False` for models that firm staff never see."""
    records = {place: build(world, place) for place in PLACES}
    names = {record.pk: place for place, record in records.items()}
    for persona, user in personas.items():
        seen = model.objects.visible_to(user).filter(pk__in=names).values_list("pk", flat=True)
        expected = EXPECTED_PLACES[persona] if firm_sees or persona != "juhe_firm_staff" else set()
        assert sorted(names[pk] for pk in seen) == sorted(expected), persona


def _committee(world, place):
    return f.CommitteeFactory(complex=place_complex(world, place))


SCOPED_MODELS = [
    pytest.param(ResidentialComplex, place_complex, id="ResidentialComplex"),
    pytest.param(OwnersCommittee, _committee, id="OwnersCommittee"),
    pytest.param(
        OwnersCommitteeMember,
        lambda world, place: f.MemberFactory(committee=_committee(world, place)),
        id="OwnersCommitteeMember",
    ),
]


@pytest.mark.parametrize("model, build", SCOPED_MODELS)
def test_each_persona_sees_only_records_in_their_jurisdiction(model, build, world, personas):
    assert_scoped(model, build, world, personas)


def test_division_scoping_follows_the_hierarchy(world, personas):
    def seen(model, persona):
        return sorted(str(o) for o in model.objects.visible_to(personas[persona]))

    assert seen(Community, "shuguang_worker") == ["曙光社区"]
    assert seen(Community, "hepinglu_worker") == ["和平路社区"]
    assert seen(Community, "taihe_officer") == ["曙光社区"]
    assert seen(Community, "district_officer") == ["和平路社区", "曙光社区"]
    assert seen(Community, "juhe_firm_staff") == ["曙光社区"]
    assert seen(Community, "outsider") == []
    assert seen(Subdistrict, "hepinglu_worker") == ["金马街道"]
    assert seen(Subdistrict, "taihe_officer") == ["太和街道"]
    assert seen(Subdistrict, "juhe_firm_staff") == ["太和街道"]
    assert seen(District, "taihe_officer") == ["官渡区"]
    assert seen(District, "outsider") == []


def test_staff_profiles_are_seen_within_the_jurisdiction(world, personas):
    def seen(persona):
        return sorted(p.user.username for p in StaffProfile.objects.visible_to(personas[persona]))

    assert seen("shuguang_worker") == ["li"]
    assert seen("hepinglu_worker") == ["wangmin"]
    assert seen("taihe_officer") == ["li", "taihe"]
    assert seen("district_officer") == ["juhe_desk", "li", "taihe", "wangmin", "zhang"]
    assert seen("juhe_firm_staff") == ["juhe_desk"]
    assert seen("outsider") == []


# ---------------------------------------------------------------------------
# Division codes
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["530111", "110101"])
def test_district_code_of_six_digits_is_valid(code):
    District(code=code, name="区").full_clean()


@pytest.mark.parametrize(
    "code",
    ["53011", "5301111", "53011a", "５３０１１１", "530 11"],
    ids=["short", "long", "letter", "full-width digits", "space"],
)
def test_district_code_of_bad_shape_is_refused(code):
    with pytest.raises(ValidationError) as exc_info:
        District(code=code, name="区").full_clean()
    assert "code" in field_errors(exc_info)


def test_subdistrict_code_is_nine_digits_under_the_districts_code(world):
    Subdistrict(district=world.guandu, code="530111009", name="小板桥街道").full_clean()


@pytest.mark.parametrize(
    "code",
    ["53011100", "5301110090", "53011100x", "５３０１１１００９", "530112009"],
    ids=["short", "long", "letter", "full-width digits", "other district"],
)
def test_subdistrict_code_of_bad_shape_or_prefix_is_refused(world, code):
    with pytest.raises(ValidationError) as exc_info:
        Subdistrict(district=world.guandu, code=code, name="街道").full_clean()
    assert "code" in field_errors(exc_info)


def test_subdistrict_prefix_error_names_the_parent_code(world):
    with override("en"), pytest.raises(ValidationError) as exc_info:
        Subdistrict(district=world.guandu, code="530112009", name="街道").full_clean()
    assert field_errors(exc_info)["code"] == ["The code must start with the parent's code 530111."]


def test_community_code_is_twelve_digits_under_the_subdistricts_code(world):
    Community(subdistrict=world.taihe, code="530111002009", name="新社区").full_clean()


@pytest.mark.parametrize(
    "code",
    ["53011100200", "5301110020011", "53011100200a", "530111004009"],
    ids=["short", "long", "letter", "other subdistrict"],
)
def test_community_code_of_bad_shape_or_prefix_is_refused(world, code):
    with pytest.raises(ValidationError) as exc_info:
        Community(subdistrict=world.taihe, code=code, name="新社区").full_clean()
    assert "code" in field_errors(exc_info)


@pytest.mark.parametrize(
    "build",
    [
        lambda w: District(code="５３０１１２", name="区"),
        lambda w: Subdistrict(district=w.guandu, code="53011100x", name="街道"),
        lambda w: Community(subdistrict=w.taihe, code="5301110020 1", name="社区"),
    ],
    ids=["district", "subdistrict", "community"],
)
def test_database_refuses_division_codes_that_are_not_ascii_digits(world, build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build(world).save()


@pytest.mark.parametrize(
    "model, build",
    [
        (District, lambda w: District(code="530111", name="重复")),
        (Subdistrict, lambda w: Subdistrict(district=w.guandu, code="530111002", name="重复")),
        (Community, lambda w: Community(subdistrict=w.taihe, code="530111002001", name="重复")),
    ],
    ids=["district", "subdistrict", "community"],
)
def test_division_codes_are_unique(world, model, build):
    duplicate = build(world)
    with pytest.raises(ValidationError) as exc_info:
        duplicate.full_clean()
    assert "code" in field_errors(exc_info)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


# ---------------------------------------------------------------------------
# Residential complexes
# ---------------------------------------------------------------------------
def test_complex_names_are_unique_within_a_community_only(world):
    ResidentialComplex(community=world.hepinglu, name="曙光小区").full_clean()
    with pytest.raises(ValidationError):
        ResidentialComplex(community=world.shuguang, name="曙光小区").full_clean()


@pytest.mark.parametrize("year, ok", [(1900, True), (2005, True), (1899, False), (2101, False)])
def test_complex_year_built_must_be_plausible(world, year, ok):
    complex_ = ResidentialComplex(community=world.shuguang, name="新苑", year_built=year)
    if ok:
        complex_.save()
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            complex_.save()


def test_current_firm_is_the_active_contracts_firm(world):
    assert world.shuguang_east.current_firm == world.juhe
    assert world.shuguang_complex.current_firm is None


def test_a_contract_under_exit_review_still_serves(world):
    ServiceContract.objects.filter(pk=world.juhe_contract.pk).update(status=ContractStatus.EXIT_REVIEW)
    assert ResidentialComplex.objects.get(pk=world.shuguang_east.pk).current_firm == world.juhe


def test_ended_contracts_leave_no_current_firm(world):
    ServiceContract.objects.filter(pk=world.juhe_contract.pk).update(status=ContractStatus.ENDED)
    f.ContractFactory(complex=world.shuguang_east, status=ContractStatus.TERMINATED, exit_reason="弃管")
    assert ResidentialComplex.objects.get(pk=world.shuguang_east.pk).current_firm is None


def test_current_firm_from_a_prefetch_costs_no_query(world, django_assert_num_queries):
    complexes = list(
        ResidentialComplex.objects.filter(community=world.shuguang).prefetch_related(
            Prefetch("contracts", ServiceContract.objects.active().select_related("firm"), to_attr="active_contracts")
        )
    )
    with django_assert_num_queries(0):
        firms = {c.name: c.current_firm for c in complexes}
    assert firms == {"曙光东苑": world.juhe, "曙光小区": None}


# ---------------------------------------------------------------------------
# Two-way entry: an active cross-appointment in each direction
# ---------------------------------------------------------------------------
def _appoint(complex_, direction, start_days=-30, end_days=None, today=NOW.date(), **kwargs):
    return f.CrossAppointmentFactory(
        complex=complex_,
        direction=direction,
        start_date=today + datetime.timedelta(days=start_days),
        end_date=None if end_days is None else today + datetime.timedelta(days=end_days),
        **kwargs,
    )


def has_two_way_entry(complex_) -> bool:
    annotated = ResidentialComplex.objects.with_two_way_entry().get(pk=complex_.pk).has_two_way_entry
    filtered = ResidentialComplex.objects.two_way_entry().filter(pk=complex_.pk).exists()
    assert annotated == filtered
    return annotated


@pytest.mark.parametrize("instant", BOUNDARIES)
def test_active_appointments_both_ways_give_two_way_entry(world, time_machine, instant):
    time_machine.move_to(instant, tick=False)
    _appoint(world.shuguang_east, Direction.TO_COUNTERPART, today=instant.date(), firm=world.juhe)
    assert not has_two_way_entry(world.shuguang_east)
    _appoint(world.shuguang_east, Direction.TO_COMMUNITY, end_days=0, today=instant.date(), firm=world.juhe)  # ends today
    assert has_two_way_entry(world.shuguang_east)
    assert not has_two_way_entry(world.shuguang_complex)


def test_two_appointments_in_one_direction_are_not_two_way_entry(world):
    _appoint(world.shuguang_east, Direction.TO_COUNTERPART, firm=world.juhe)
    _appoint(world.shuguang_east, Direction.TO_COUNTERPART, firm=world.juhe)
    assert not has_two_way_entry(world.shuguang_east)


@pytest.mark.parametrize(
    "start_days, end_days", [(-400, -1), (1, None)], ids=["ended yesterday", "starts tomorrow"]
)
@pytest.mark.parametrize("instant", BOUNDARIES)
def test_inactive_appointments_do_not_count(world, start_days, end_days, time_machine, instant):
    time_machine.move_to(instant, tick=False)
    _appoint(world.shuguang_east, Direction.TO_COUNTERPART, today=instant.date(), firm=world.juhe)
    _appoint(world.shuguang_east, Direction.TO_COMMUNITY, start_days=start_days, end_days=end_days,
             today=instant.date(), firm=world.juhe)
    assert not has_two_way_entry(world.shuguang_east)


def test_cross_appointments_with_the_owners_committee_are_not_two_way_entry_but_a_figure_of_their_own(world):
    """The article's two-way entry is between the community party organisation and the property
    firm; appointments with the owners' committee are counted apart."""
    committee = f.CommitteeFactory(complex=world.shuguang_complex)
    _appoint(world.shuguang_complex, Direction.TO_COUNTERPART, firm=None, owners_committee=committee)
    _appoint(world.shuguang_complex, Direction.TO_COMMUNITY, firm=None, owners_committee=committee)
    assert not has_two_way_entry(world.shuguang_complex)
    assert list(ResidentialComplex.objects.two_way_entry()) == []
    annotated = ResidentialComplex.objects.with_two_way_entry().get(pk=world.shuguang_complex.pk)
    assert annotated.has_committee_cross_appointment


def test_one_way_with_the_firm_and_the_other_with_the_committee_is_not_two_way_entry(world):
    committee = f.CommitteeFactory(complex=world.shuguang_east)
    _appoint(world.shuguang_east, Direction.TO_COUNTERPART, firm=world.juhe)
    _appoint(world.shuguang_east, Direction.TO_COMMUNITY, firm=None, owners_committee=committee)
    assert not has_two_way_entry(world.shuguang_east)


# ---------------------------------------------------------------------------
# Owners' committees: size, director, term, and "red"
# ---------------------------------------------------------------------------
def members(size, party=0, director_party=True, directors=1):
    """A member list: `directors` directors first, then members; `party` of them party members,
    the director counted first when `director_party`."""
    rows = []
    party_left = party
    for i in range(size):
        role = MemberRole.DIRECTOR if i < directors else MemberRole.MEMBER
        is_party = party_left > 0 and (role != MemberRole.DIRECTOR or director_party)
        party_left -= is_party
        rows.append({"name": f"委员{i}", "role": role, "is_party_member": is_party})
    assert party_left == 0, "cannot place that many party members"
    return rows


@pytest.mark.parametrize("size", [5, 7, 9, 11])
def test_committee_of_odd_size_from_5_to_11_with_one_director_is_valid(size):
    OwnersCommittee.validate_members(members(size))


@pytest.mark.parametrize("size", [0, 3, 4, 6, 10, 12, 13])
def test_committee_of_wrong_size_is_refused(size):
    with override("en"), pytest.raises(ValidationError) as exc_info:
        OwnersCommittee.validate_members(members(size, directors=min(size, 1)))
    assert f"this one has {size}" in exc_info.value.messages[0]


@pytest.mark.parametrize("directors", [0, 2])
def test_committee_needs_exactly_one_director(directors):
    with override("en"):
        with pytest.raises(ValidationError) as exc_info:
            OwnersCommittee.validate_members(members(7, directors=directors))
        assert exc_info.value.messages == ["An owners' committee has exactly one director."]


member_lists = st.lists(
    st.fixed_dictionaries({"role": st.sampled_from(MemberRole.values), "is_party_member": st.booleans()}),
    max_size=14,
)


@given(member_lists)
def test_validate_members_accepts_exactly_the_lawful_committees(rows):
    size_ok = 5 <= len(rows) <= 11 and len(rows) % 2 == 1
    one_director = sum(r["role"] == MemberRole.DIRECTOR for r in rows) == 1
    if size_ok and one_director:
        OwnersCommittee.validate_members(rows)
    else:
        with pytest.raises(ValidationError):
            OwnersCommittee.validate_members(rows)


def test_committee_term_of_five_years_is_valid(world):
    committee = OwnersCommittee(
        complex=world.shuguang_complex, term_start=datetime.date(2024, 3, 1), term_end=datetime.date(2029, 3, 1)
    )
    committee.full_clean()


def test_committee_term_from_29_february_may_last_to_28_february(world):
    OwnersCommittee(
        complex=world.shuguang_complex, term_start=datetime.date(2024, 2, 29), term_end=datetime.date(2029, 2, 28)
    ).full_clean()


@pytest.mark.parametrize(
    "start, end, message",
    [
        (datetime.date(2024, 3, 1), datetime.date(2029, 3, 2), "A term lasts at most 5 years."),
        (datetime.date(2024, 3, 1), datetime.date(2024, 3, 1), "The term must end after it starts."),
        (datetime.date(2024, 3, 1), datetime.date(2023, 3, 1), "The term must end after it starts."),
    ],
    ids=["longer than five years", "ends the day it starts", "ends before it starts"],
)
def test_committee_term_out_of_bounds_is_refused(world, start, end, message):
    with override("en"), pytest.raises(ValidationError) as exc_info:
        OwnersCommittee(complex=world.shuguang_complex, term_start=start, term_end=end).full_clean()
    assert field_errors(exc_info)["term_end"] == [message]


def test_database_refuses_a_term_that_ends_before_it_starts(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        OwnersCommittee.objects.create(
            complex=world.shuguang_complex, term_start=datetime.date(2024, 3, 1), term_end=datetime.date(2024, 3, 1)
        )


def test_a_complex_has_one_committee_in_office(world):
    f.CommitteeFactory(complex=world.shuguang_complex)
    f.CommitteeFactory(
        complex=world.shuguang_complex, status="expired",
        term_start=datetime.date(2019, 3, 1), term_end=datetime.date(2024, 2, 28),
    )
    second = OwnersCommittee(
        complex=world.shuguang_complex, term_start=datetime.date(2024, 6, 1), term_end=datetime.date(2029, 5, 31)
    )
    with pytest.raises(ValidationError) as exc_info:
        second.full_clean()
    assert NON_FIELD_ERRORS in field_errors(exc_info)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_database_refuses_a_second_director(world):
    committee = f.CommitteeFactory(complex=world.shuguang_complex)
    f.MemberFactory(committee=committee, role=MemberRole.DIRECTOR)
    f.MemberFactory(committee=committee, role=MemberRole.DEPUTY)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MemberFactory(committee=committee, role=MemberRole.DIRECTOR)


def is_red(committee) -> bool:
    """The annotation, the filter and the property must agree."""
    annotated = OwnersCommittee.objects.with_red().get(pk=committee.pk).is_red
    filtered = OwnersCommittee.objects.red().filter(pk=committee.pk).exists()
    plain = OwnersCommittee.objects.get(pk=committee.pk).is_red
    prefetched = OwnersCommittee.objects.prefetch_related("members").get(pk=committee.pk).is_red
    assert annotated == filtered == plain == prefetched
    return annotated


@pytest.mark.parametrize(
    "size, party, director_party, red",
    [
        (5, 3, True, True),
        (5, 2, True, False),
        (5, 5, True, True),
        (5, 4, False, False),
        (7, 4, True, True),
        (7, 3, True, False),
        (11, 6, True, True),
        (11, 5, True, False),
        (11, 10, False, False),
        (5, 0, False, False),
    ],
)
def test_committee_is_red_when_half_are_party_members_and_the_director_is_one(size, party, director_party, red):
    assert is_red(committee_with(members(size, party, director_party))) is red


def test_committee_without_members_is_not_red():
    assert is_red(f.CommitteeFactory()) is False


def test_red_annotation_is_not_skewed_by_an_earlier_filter_on_members():
    committee = committee_with(members(5, party=2))
    filtered = OwnersCommittee.objects.filter(members__is_party_member=True).distinct().with_red()
    assert [c.is_red for c in filtered] == [False]
    assert not is_red(committee)


def committee_with(rows, **kwargs):
    committee = f.CommitteeFactory(**kwargs)
    for row in rows:
        f.MemberFactory(committee=committee, **row)
    return committee


def test_red_annotation_keeps_the_default_ordering(world):
    for name in ("Bamboo Court", "Apricot Court"):
        committee_with(members(5, party=3), complex=f.ComplexFactory(community=world.shuguang, name=name))
    names = [c.complex.name for c in OwnersCommittee.objects.with_red()]
    assert names == ["Apricot Court", "Bamboo Court"]


def test_red_annotation_costs_one_query_for_many_committees(django_assert_num_queries):
    for party in (3, 2, 5):
        committee_with(members(5, party))
    with django_assert_num_queries(1):
        flags = sorted(c.is_red for c in OwnersCommittee.objects.with_red())
    assert flags == [False, True, True]


# ---------------------------------------------------------------------------
# Staff profiles cover exactly their role's object
# ---------------------------------------------------------------------------
def test_staff_profile_covering_its_role_is_valid(world, django_user_model):
    user = django_user_model.objects.create_user(username="newbie")
    StaffProfile(user=user, role="community", community=world.hepinglu).full_clean()


def test_staff_profile_with_the_wrong_object_is_refused(world, django_user_model):
    user = django_user_model.objects.create_user(username="newbie")
    profile = StaffProfile(user=user, role="community", subdistrict=world.taihe)
    with pytest.raises(ValidationError) as exc_info:
        profile.full_clean()
    assert {"community", "subdistrict"} <= set(field_errors(exc_info))
    with pytest.raises(IntegrityError), transaction.atomic():
        profile.save()


def test_staff_profile_with_two_objects_is_refused_by_the_database(world, django_user_model):
    user = django_user_model.objects.create_user(username="newbie")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfile.objects.create(user=user, role="firm", firm=world.juhe, community=world.shuguang)
