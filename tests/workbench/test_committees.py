"""Owners' committees: the committee and its members in one form, the red status derived,
the end of a term and the start of the next in one step, clear messages for the rules."""
from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse

from communities.models import CommitteeStatus, MemberRole, OwnersCommittee, OwnersCommitteeMember
from tests import factories as f
from tests.conftest import in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]



def members_data(rows, total=None, initial=0):
    """rows: [(name, role, is_party_member)]; `initial`: how many rows the page showed filled in."""
    data = {"members-TOTAL_FORMS": str(total or len(rows)), "members-INITIAL_FORMS": str(initial),
            "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000"}
    for i, (name, role, party) in enumerate(rows):
        data.update({f"members-{i}-name": name, f"members-{i}-role": role, f"members-{i}-phone": ""})
        if party:
            data[f"members-{i}-is_party_member"] = "on"
    for i in range(len(rows), total or 0):  # empty rows, as the browser sends them
        data.update({f"members-{i}-name": "", f"members-{i}-role": "member", f"members-{i}-phone": ""})
    return data


FIVE = [("张主任", "director", True), ("李副主任", "deputy", True), ("王委员", "member", True),
        ("赵委员", "member", False), ("钱委员", "member", False)]


def committee_data(world, rows=FIVE, **changes):
    data = {"complex": world.shuguang_complex.pk, "term_start": "2026-03-01", "term_end": "2031-02-28",
            "filed_on": "2026-03-20", **members_data(rows)}
    data.update(changes)
    return data


def test_a_committee_and_its_members_in_one_form_with_the_red_status_derived(world, as_user, shuguang_worker):
    client = as_user(shuguang_worker)
    response = client.post("/workbench/committees/new/", committee_data(world))
    committee = OwnersCommittee.objects.get()
    assert response.status_code == 303
    assert committee.members.count() == 5 and committee.history.first().history_user == shuguang_worker
    page = client.get(response["Location"]).content.decode()
    assert 'id="red-status">红色' in page
    listing = client.get("/workbench/committees/").content.decode()
    assert '<span class="badge red">红色</span>' in listing


@pytest.mark.parametrize("rows, message", [
    (FIVE[:4], "An owners' committee has an odd number of members, from 5 to 11; this one has 4."),
    ([("甲", "director", True)] + FIVE[:4], "An owners' committee has exactly one director."),
    ([], "List the committee's members, one per row."),
])
def test_committee_rules_have_clear_messages_and_nothing_is_saved(rows, message, world, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/committees/new/",
                                                         committee_data(world, rows, **members_data(rows, total=7)))
    assert response.status_code == 400 and message in html.unescape(response.content.decode())
    assert not OwnersCommittee.objects.exists() and not OwnersCommitteeMember.objects.exists()


@pytest.mark.parametrize("changes, message", [
    ({"term_end": "2026-02-01"}, "The term must end after it starts."),
    ({"term_end": "2032-03-01"}, "A term lasts at most 5 years."),
    ({"term_start": ""}, "Give the date the term starts."),
    ({"complex": "999999"}, "Select a valid choice. That choice is not one of the available choices."),
])
def test_committee_term_errors(changes, message, world, as_user, shuguang_worker):
    response = in_english(as_user(shuguang_worker)).post("/workbench/committees/new/", committee_data(world, **changes))
    assert response.status_code == 400 and message in html.unescape(response.content.decode())
    assert not OwnersCommittee.objects.exists()


def test_a_second_committee_in_office_is_refused_with_what_to_do(world, as_user, shuguang_worker):
    f.CommitteeFactory(complex=world.shuguang_complex)
    response = in_english(as_user(shuguang_worker)).post("/workbench/committees/new/", committee_data(world))
    assert response.status_code == 400
    assert "already has an owners' committee in office. End its term first" in html.unescape(response.content.decode())
    assert OwnersCommittee.objects.count() == 1


def test_editing_replaces_the_members(world, as_user, shuguang_worker):
    committee = f.CommitteeFactory(complex=world.shuguang_complex)
    f.MemberFactory(committee=committee, role=MemberRole.DIRECTOR, name="旧主任")
    rows = [("新主任", "director", False)] + FIVE[1:]
    response = as_user(shuguang_worker).post(reverse("workbench:communities:committee_edit", args=[committee.pk]),
                                             {"term_start": "2024-03-01", "term_end": "2029-02-28", "filed_on": "",
                                              **members_data(rows, initial=1)})
    assert response.status_code == 303
    assert set(committee.members.values_list("name", flat=True)) == {name for name, _r, _p in rows}
    committee.refresh_from_db()
    assert not committee.is_red


def test_renewal_ends_the_term_and_starts_the_next_in_one_step(world, as_user, shuguang_worker):
    committee = f.CommitteeFactory(complex=world.shuguang_complex, term_start=datetime.date(2021, 12, 1),
                                   term_end=datetime.date(2026, 11, 30))
    for name, role, party in FIVE:
        f.MemberFactory(committee=committee, name=name, role=role, is_party_member=party)
    client = as_user(shuguang_worker)
    url = reverse("workbench:communities:committee_renew", args=[committee.pk])
    form = client.get(url).context["form"]
    assert form["term_start"].value() == datetime.date(2026, 12, 1)
    assert client.get(url).context["formset"].forms[0]["name"].value() in {n for n, _r, _p in FIVE}
    response = client.post(url, {"term_start": "2026-12-01", "term_end": "2031-11-30", "filed_on": "",
                                 **members_data(FIVE, initial=5)})
    assert response.status_code == 303, (response.context["form"].errors, response.context["formset"].errors)
    committee.refresh_from_db()
    successor = OwnersCommittee.objects.get(status=CommitteeStatus.ACTIVE)
    assert committee.status == CommitteeStatus.EXPIRED and successor.complex == committee.complex
    assert successor.members.count() == 5


def test_a_failed_renewal_keeps_the_committee_in_office(world, as_user, shuguang_worker):
    committee = f.CommitteeFactory(complex=world.shuguang_complex)
    response = in_english(as_user(shuguang_worker)).post(
        reverse("workbench:communities:committee_renew", args=[committee.pk]),
        {"term_start": "2029-03-01", "term_end": "2034-02-28", **members_data(FIVE[:3])})
    assert response.status_code == 400
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.ACTIVE and OwnersCommittee.objects.count() == 1


def test_ending_within_90_days_is_listed_and_counted_on_my_day(world, as_user, shuguang_worker):
    f.CommitteeFactory(complex=world.shuguang_complex, term_start=datetime.date(2022, 1, 1), term_end=datetime.date(2027, 1, 31))
    f.CommitteeFactory(complex=world.shuguang_east, term_end=datetime.date(2029, 2, 28))
    client = as_user(shuguang_worker)
    assert [c.complex for c in client.get("/workbench/committees/?ending=90").context["object_list"]] == [world.shuguang_complex]
    page = client.get("/workbench/").content.decode()
    assert '<span class="count">1</span> <span class="label">业主委员会任期</span>' in page


def test_adding_a_member_row_without_javascript_saves_nothing(world, as_user, shuguang_worker):
    response = as_user(shuguang_worker).post("/workbench/committees/new/", {**committee_data(world), "add_row": "1"})
    assert response.status_code == 200 and response.context["formset"].total_form_count() == 6
    assert not OwnersCommittee.objects.exists()
