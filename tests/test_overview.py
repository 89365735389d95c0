"""The headline figures are counted from the records and scoped to who is asking (at a fixed
instant, tests/instants.py: appointments and committees in force today)."""
from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from communities.models import CommitteeStatus, MemberRole
from partybranches.models import Direction, OrgKind, ProjectLevel, StationKind
from redproperty.overview import FIGURES, overview_figures
from tests import factories as f
from tests.instants import NOW, pinned

pytestmark = pinned


def committee(complex_, *, party_members: int, status=CommitteeStatus.ACTIVE, size=5):
    """A committee whose director is a party member, with `party_members` party members in all."""
    c = f.CommitteeFactory(complex=complex_, status=status)
    for i in range(size):
        f.MemberFactory(
            committee=c, role=MemberRole.DIRECTOR if i == 0 else MemberRole.MEMBER, is_party_member=i < party_members
        )
    return c


def two_way(complex_, firm, *, directions=(Direction.TO_COUNTERPART, Direction.TO_COMMUNITY)):
    org = f.PartyOrgFactory(community=complex_.community)
    return [
        f.CrossAppointmentFactory(complex=complex_, firm=firm, party_organization=org, direction=d) for d in directions
    ]


@pytest.fixture
def register(world):
    """Two communities' worth of register: 曙光社区 (太和街道) and 和平路社区 (金马街道)."""
    w = world
    for community, count in ((w.shuguang, 2), (w.hepinglu, 1)):
        for _ in range(count):
            f.PartyOrgFactory(kind=OrgKind.RESIDENTIAL_BRANCH, community=community)
    w.east_appointments = two_way(w.shuguang_east, w.juhe)
    two_way(w.heleju, w.other_firm)
    two_way(w.shuguang_complex, w.juhe, directions=[Direction.TO_COUNTERPART])  # one direction only
    f.RedProjectFactory(level=ProjectLevel.DISTRICT, community=w.shuguang, complex=w.shuguang_east)
    f.RedProjectFactory(level=ProjectLevel.CITY, community=w.hepinglu, complex=w.heleju)
    f.StationFactory(kind=StationKind.DISTRICT_CENTRE, complex=None, district=w.guandu)
    f.StationFactory(complex=w.shuguang_complex)
    f.StationFactory(complex=w.heleju)
    committee(w.shuguang_complex, party_members=3)  # red
    committee(w.shuguang_complex, party_members=5, status=CommitteeStatus.EXPIRED)  # not in office
    committee(w.heleju, party_members=1)  # director is a party member, but too few others
    return w


DISTRICT = {
    "communities": 2, "residential_party_branches": 3, "complexes": 3, "complexes_with_two_way_entry": 2,
    "complexes_with_committee_cross_appointment": 0,
    "red_projects_district": 1, "red_projects_city": 1, "service_centres_district": 1, "service_centres_complex": 2,
    "firms": 2, "owners_committees": 2, "red_owners_committees": 1,
}
SHUGUANG = {
    "communities": 1, "residential_party_branches": 2, "complexes": 2, "complexes_with_two_way_entry": 1,
    "complexes_with_committee_cross_appointment": 0,
    "red_projects_district": 1, "red_projects_city": 0, "service_centres_district": 0, "service_centres_complex": 1,
    "firms": 1, "owners_committees": 1, "red_owners_committees": 1,
}
HEPINGLU = {
    "communities": 1, "residential_party_branches": 1, "complexes": 1, "complexes_with_two_way_entry": 1,
    "complexes_with_committee_cross_appointment": 0,
    "red_projects_district": 0, "red_projects_city": 1, "service_centres_district": 0, "service_centres_complex": 1,
    "firms": 1, "owners_committees": 1, "red_owners_committees": 0,
}
JUHE = {  # what 巨和物业 serves: 曙光东苑 only
    "communities": 1, "residential_party_branches": 0, "complexes": 1, "complexes_with_two_way_entry": 1,
    "complexes_with_committee_cross_appointment": 0,
    "red_projects_district": 1, "red_projects_city": 0, "service_centres_district": 0, "service_centres_complex": 0,
    "firms": 1, "owners_committees": 0, "red_owners_committees": 0,
}


def test_whole_register_without_a_user(register):
    assert overview_figures() == DISTRICT


def test_district_officer_and_superuser_see_the_district(register, district_officer, superuser):
    assert overview_figures(district_officer) == DISTRICT
    assert overview_figures(superuser) == DISTRICT


def test_shuguang_worker_sees_only_shuguang(register, shuguang_worker):
    assert overview_figures(shuguang_worker) == SHUGUANG


def test_hepinglu_worker_sees_only_hepinglu(register, hepinglu_worker):
    assert overview_figures(hepinglu_worker) == HEPINGLU


def test_taihe_officer_sees_taihe_which_holds_shuguang_not_hepinglu(register, taihe_officer):
    assert overview_figures(taihe_officer) == SHUGUANG


def test_firm_staff_see_what_their_firm_serves(register, juhe_firm_staff):
    assert overview_figures(juhe_firm_staff) == JUHE


def test_a_user_without_a_profile_sees_zeros(register, outsider):
    assert overview_figures(outsider) == dict.fromkeys(FIGURES, 0)


def test_figures_follow_the_records(register, district_officer):
    yesterday = NOW.date() - datetime.timedelta(days=1)
    into_community = next(a for a in register.east_appointments if a.direction == Direction.TO_COMMUNITY)
    into_community.start_date, into_community.end_date = yesterday - datetime.timedelta(days=30), yesterday
    into_community.save()

    assert overview_figures(district_officer)["complexes_with_two_way_entry"] == 1


def test_query_count_is_fixed_whatever_the_size(register, district_officer, django_assert_num_queries):
    officer = get_user_model().objects.get(pk=district_officer.pk)  # no cached profile
    # One COUNT per model (communities, branches, firms), one conditional aggregate each for
    # complexes, projects and stations, two for committees, and one for the staff profile.
    with django_assert_num_queries(9):
        overview_figures(officer)

    for _ in range(25):
        complex_ = f.ComplexFactory(community=register.hepinglu)
        two_way(complex_, register.other_firm)
        committee(complex_, party_members=4)
        f.RedProjectFactory(community=register.hepinglu, complex=complex_)
        f.StationFactory(complex=complex_)
    officer = get_user_model().objects.get(pk=district_officer.pk)
    with django_assert_num_queries(9):
        figures = overview_figures(officer)

    assert figures["complexes_with_two_way_entry"] == 27
    assert figures["red_owners_committees"] == 26


def test_overview_command_prints_json_and_scopes_by_user(register, shuguang_worker):
    out = StringIO()
    call_command("overview", "--json", stdout=out)
    assert json.loads(out.getvalue()) == DISTRICT

    out = StringIO()
    call_command("overview", "--json", "--user", shuguang_worker.username, stdout=out)
    assert json.loads(out.getvalue()) == SHUGUANG

    with pytest.raises(CommandError):
        call_command("overview", "--user", "nobody", stdout=StringIO())
