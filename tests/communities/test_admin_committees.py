"""Owners' committees in the admin: the member list and the term are checked, bad input saves nothing."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from communities.models import MemberRole, OwnersCommittee, OwnersCommitteeMember
from tests import factories as f
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:communities_ownerscommittee_add")


def member(name, role=MemberRole.MEMBER, party=False):
    return {"name": name, "role": role, "is_party_member": party}


def members(count, directors=1):
    return [member(f"委员{i}", MemberRole.DIRECTOR if i < directors else MemberRole.MEMBER, party=True)
            for i in range(count)]


def committee_form(complex, member_list, term_start="2026-01-01", term_end="2030-12-31", initial=()):
    """The POST of the committee page: the committee's fields and its member rows."""
    data = {
        "complex": complex.pk, "term_start": term_start, "term_end": term_end, "filed_on": "", "status": "active",
        "members-TOTAL_FORMS": len(member_list), "members-INITIAL_FORMS": len(initial),
        "members-MIN_NUM_FORMS": 0, "members-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(member_list):
        for key, value in row.items():
            if key == "is_party_member":
                if value:
                    data[f"members-{i}-{key}"] = "on"
            else:
                data[f"members-{i}-{key}"] = value
        if i < len(initial):
            data[f"members-{i}-id"] = initial[i].pk
    return data


def post(client, data, url=ADD_URL):
    return in_english(client).post(url, data)


def inline_errors(response):
    """The member list's errors as English text (the page was asked for in English)."""
    with translation.override("en"):
        return [str(e) for formset in response.context["inline_admin_formsets"] for e in formset.formset.non_form_errors()]


@pytest.mark.parametrize("count", [4, 6, 12])
def test_a_committee_of_the_wrong_size_is_refused(count, world, district_officer, as_user):
    response = post(as_user(district_officer), committee_form(world.shuguang_complex, members(count)))
    assert response.status_code == 200
    assert inline_errors(response) == [
        f"An owners' committee has an odd number of members, from 5 to 11; this one has {count}."
    ]
    assert not OwnersCommittee.objects.exists()
    assert not OwnersCommitteeMember.objects.exists()


def test_deleted_rows_do_not_count_as_members(world, district_officer, as_user):
    data = committee_form(world.shuguang_complex, members(6))
    data["members-5-DELETE"] = "on"
    # Five members remain: but the deleted row of a new committee is simply not saved.
    response = post(as_user(district_officer), data)
    assert response.status_code == 302
    assert OwnersCommittee.objects.get().members.count() == 5


def test_two_directors_are_refused(world, district_officer, as_user):
    response = post(as_user(district_officer), committee_form(world.shuguang_complex, members(5, directors=2)))
    assert response.status_code == 200
    assert inline_errors(response) == ["An owners' committee has exactly one director."]
    assert not OwnersCommittee.objects.exists()


def test_no_director_is_refused(world, district_officer, as_user):
    response = post(as_user(district_officer), committee_form(world.shuguang_complex, members(5, directors=0)))
    assert response.status_code == 200
    assert inline_errors(response) == ["An owners' committee has exactly one director."]


def test_a_six_year_term_is_refused(world, district_officer, as_user):
    data = committee_form(world.shuguang_complex, members(5), term_start="2026-01-01", term_end="2032-01-01")
    response = post(as_user(district_officer), data)
    assert response.status_code == 200
    with translation.override("en"):
        assert response.context["adminform"].form.errors["term_end"] == ["A term lasts at most 5 years."]
    assert not OwnersCommittee.objects.exists()
    assert not OwnersCommitteeMember.objects.exists()


def test_a_valid_committee_is_saved_with_its_members_and_shows_red(world, shuguang_worker, as_user):
    client = as_user(shuguang_worker)
    response = post(client, committee_form(world.shuguang_complex, members(7)))
    assert response.status_code == 302
    committee = OwnersCommittee.objects.get()
    assert committee.members.count() == 7
    assert committee.history.count() == 1
    listed = client.get(reverse("admin:communities_ownerscommittee_changelist"), {"red": "yes"})
    assert list(listed.context["cl"].result_list) == [committee]
    assert list(client.get(reverse("admin:communities_ownerscommittee_changelist"), {"red": "no"})
                .context["cl"].result_list) == []


def test_a_second_active_committee_for_a_complex_is_refused(world, district_officer, as_user):
    f.CommitteeFactory(complex=world.shuguang_complex)
    response = post(as_user(district_officer), committee_form(world.shuguang_complex, members(5)))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert OwnersCommittee.objects.count() == 1


def test_the_director_can_be_handed_over_in_one_save(world, district_officer, as_user):
    committee = f.CommitteeFactory(complex=world.shuguang_complex)
    director = f.MemberFactory(committee=committee, name="甲", role=MemberRole.DIRECTOR)
    deputy = f.MemberFactory(committee=committee, name="乙", role=MemberRole.DEPUTY)
    others = [f.MemberFactory(committee=committee, name=n) for n in ("丙", "丁", "戊")]
    # The page lists the deputy first (roles sort by name); the deputy becomes director.
    rows = [deputy, director, *others]
    new_roles = {deputy.pk: MemberRole.DIRECTOR, director.pk: MemberRole.DEPUTY}
    data = committee_form(
        world.shuguang_complex,
        [member(m.name, new_roles.get(m.pk, m.role)) for m in rows],
        term_start="2024-03-01", term_end="2029-02-28", initial=rows,
    )
    response = post(as_user(district_officer), data, reverse("admin:communities_ownerscommittee_change",
                                                             args=[committee.pk]))
    assert response.status_code == 302, inline_errors(response)
    deputy.refresh_from_db()
    director.refresh_from_db()
    assert (deputy.role, director.role) == (MemberRole.DIRECTOR, MemberRole.DEPUTY)


def test_members_are_not_added_or_removed_one_by_one(world, district_officer, as_user):
    client = as_user(district_officer)
    member_row = f.MemberFactory(committee=f.CommitteeFactory(complex=world.shuguang_complex))
    assert client.get(reverse("admin:communities_ownerscommitteemember_add")).status_code == 403
    delete = reverse("admin:communities_ownerscommitteemember_delete", args=[member_row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert OwnersCommitteeMember.objects.count() == 1


def test_the_committee_page_costs_the_same_for_5_and_11_members(world, district_officer, as_user):
    client = as_user(district_officer)
    counts = []
    for size in (5, 11):
        committee = f.CommitteeFactory(complex=f.ComplexFactory(community=world.shuguang))
        f.MemberFactory(committee=committee, role=MemberRole.DIRECTOR)
        f.MemberFactory.create_batch(size - 1, committee=committee)
        url = reverse("admin:communities_ownerscommittee_change", args=[committee.pk])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["inline_admin_formsets"][0].formset.initial_forms) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_second_active_committee_says_what_to_do_in_chinese(world, district_officer, as_user):
    f.CommitteeFactory(complex=world.shuguang_complex)
    response = as_user(district_officer).post(ADD_URL, committee_form(world.shuguang_complex, members(5)))
    page = response.content.decode()
    assert response.status_code == 200
    assert "该小区已有在任业主委员会，请先结束现任委员会的任期。" in page
    assert "committee_one_active_per_complex" not in page
    assert OwnersCommittee.objects.count() == 1
