"""partybranches/ models: cross-appointments, party organisations, meetings, projects and
stations — their invariants, and the jurisdiction rule on each of them. Every test runs at a
fixed instant (tests/instants.py); what is in force or overdue "today" at 23:59 and 00:00 in
Shanghai at a month's and a quarter's end."""
from __future__ import annotations

import datetime

import pytest

from partybranches.models import (
    AgendaItem,
    CrossAppointment,
    Direction,
    JointMeeting,
    MeetingResolution,
    OrgKind,
    PartyOrganization,
    RedPropertyProject,
    ResolutionStatus,
    ServiceStation,
    StationKind,
)
from tests import factories as f
from tests.instants import BOUNDARIES, pinned
from tests.communities.test_models import (  # noqa: F401 (personas is a fixture)
    assert_scoped,
    personas,
    place_complex,
    refused,
    refused_by_database,
)

pytestmark = [pytest.mark.django_db, pinned]


# ---------------------------------------------------------------------------
# Cross-appointments: exactly one counterpart, dates, same complex and community
# ---------------------------------------------------------------------------
@pytest.fixture
def shuguang_org(world):
    return f.PartyOrgFactory(name="曙光社区党委", community=world.shuguang)


def appointment(world, org, **kwargs):
    fields = dict(
        person_name="李华", direction=Direction.TO_COUNTERPART, party_organization=org,
        complex=world.shuguang_east, firm=world.juhe, home_post="社区党委委员", appointed_post="物业项目副经理",
        start_date=datetime.date(2025, 1, 1),
    )
    return CrossAppointment(**fields | kwargs)


def test_appointment_into_the_firm_is_valid(world, shuguang_org):
    record = appointment(world, shuguang_org)
    record.full_clean()
    assert record.counterpart == world.juhe


def test_appointment_into_the_owners_committee_is_valid(world, shuguang_org):
    committee = f.CommitteeFactory(complex=world.shuguang_east)
    record = appointment(world, shuguang_org, firm=None, owners_committee=committee)
    record.full_clean()
    assert record.counterpart == committee


@pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
def test_appointment_names_exactly_one_counterpart(world, shuguang_org, both):
    committee = f.CommitteeFactory(complex=world.shuguang_east) if both else None
    bad = appointment(world, shuguang_org, firm=world.juhe if both else None, owners_committee=committee)
    assert refused(bad, "firm") == ["Name exactly one counterpart: a firm or an owners' committee."]
    refused_by_database(bad)


@pytest.mark.parametrize("days", [0, -1], ids=["same day", "day before"])
def test_appointment_ends_after_it_starts(world, shuguang_org, days):
    bad = appointment(world, shuguang_org, end_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=days))
    assert refused(bad, "end_date") == ["The end date must be after the start date."]
    refused_by_database(bad)


def test_appointment_into_another_complexes_committee_is_refused(world, shuguang_org):
    elsewhere = f.CommitteeFactory(complex=world.shuguang_complex)
    bad = appointment(world, shuguang_org, firm=None, owners_committee=elsewhere)
    assert refused(bad, "owners_committee") == ["The owners' committee must be the complex's own."]


def test_appointment_from_another_communitys_organisation_is_refused(world):
    hepinglu_org = f.PartyOrgFactory(community=world.hepinglu)
    bad = appointment(world, hepinglu_org)
    refused(bad, "party_organization")


@pytest.mark.parametrize("instant", BOUNDARIES)
def test_active_appointments_are_those_in_force_today(world, shuguang_org, time_machine, instant):
    time_machine.move_to(instant, tick=False)
    today = instant.date()  # Shanghai's
    day = datetime.timedelta(days=1)
    spans = {
        "open": (today - 30 * day, None),
        "ends today": (today - 30 * day, today),
        "starts today": (today, None),
        "ended": (today - 30 * day, today - day),
        "future": (today + day, None),
    }
    for name, (start, end) in spans.items():
        appointment(world, shuguang_org, person_name=name, start_date=start, end_date=end).save()
    active = CrossAppointment.objects.active().values_list("person_name", flat=True)
    assert sorted(active) == ["ends today", "open", "starts today"]


# ---------------------------------------------------------------------------
# Party organisations, stations, resolutions, projects
# ---------------------------------------------------------------------------
def organisation(world, kind, **kwargs):
    return PartyOrganization(name="党组织", kind=kind, district=world.guandu, **kwargs)


@pytest.mark.parametrize(
    "kind, links",
    [
        (OrgKind.FIRM_BRANCH, {"firm": "juhe"}),
        (OrgKind.COMMUNITY_COMMITTEE, {"community": "shuguang"}),
        (OrgKind.RESIDENTIAL_BRANCH, {"community": "hepinglu"}),
        (OrgKind.DISTRICT_COMMITTEE, {}),
        (OrgKind.INDUSTRY_COMMITTEE, {}),
    ],
)
def test_organisation_belonging_where_its_kind_says_is_valid(world, kind, links):
    organisation(world, kind, **{field: getattr(world, name) for field, name in links.items()}).full_clean()


@pytest.mark.parametrize(
    "kind, field",
    [
        (OrgKind.FIRM_BRANCH, "firm"),
        (OrgKind.COMMUNITY_COMMITTEE, "community"),
        (OrgKind.RESIDENTIAL_BRANCH, "community"),
    ],
)
def test_organisation_missing_what_its_kind_needs_is_refused(world, kind, field):
    bad = organisation(world, kind)
    refused(bad, field)
    refused_by_database(bad)


def test_organisation_cannot_be_its_own_parent(world):
    org = f.PartyOrgFactory(community=world.shuguang)
    org.parent = org
    refused(org, "parent")


def test_complex_station_belongs_to_a_complex(world):
    ServiceStation(name="区物业行业党群服务中心", kind=StationKind.DISTRICT_CENTRE, district=world.guandu).full_clean()
    ServiceStation(
        name="曙光小区驿站", kind=StationKind.COMPLEX_STATION, district=world.guandu, complex=world.shuguang_complex
    ).full_clean()
    bad = ServiceStation(name="无主驿站", kind=StationKind.COMPLEX_STATION, district=world.guandu)
    assert refused(bad, "complex") == ["A complex station belongs to a complex."]
    refused_by_database(bad)


def test_resolution_marked_done_needs_its_completion_date(world):
    meeting = f.MeetingFactory(community=world.shuguang)
    done = MeetingResolution(
        meeting=meeting, text="修复楼道灯", responsible_side="firm", status=ResolutionStatus.DONE,
        completed_on=datetime.date(2026, 10, 20),
    )
    done.full_clean()
    done.completed_on = None
    assert refused(done, "completed_on") == ["A resolution marked done needs its completion date."]
    refused_by_database(done)


@pytest.mark.parametrize("instant", BOUNDARIES)
def test_overdue_resolutions_are_open_ones_past_their_due_date(world, time_machine, instant):
    time_machine.move_to(instant, tick=False)
    today = instant.date()  # Shanghai's
    day = datetime.timedelta(days=1)
    meeting = f.MeetingFactory(community=world.shuguang)
    for text, due, status, completed in [
        ("late", today - day, ResolutionStatus.PENDING, None),
        ("late, started", today - day, ResolutionStatus.IN_PROGRESS, None),
        ("due today", today, ResolutionStatus.PENDING, None),
        ("done late", today - day, ResolutionStatus.DONE, today),
        ("dropped", today - day, ResolutionStatus.DROPPED, None),
        ("no due date", None, ResolutionStatus.PENDING, None),
    ]:
        f.ResolutionFactory(meeting=meeting, text=text, due_on=due, status=status, completed_on=completed)
    assert sorted(MeetingResolution.objects.overdue().values_list("text", flat=True)) == ["late", "late, started"]


def test_project_complex_must_be_in_the_projects_community(world):
    RedPropertyProject(
        name="曙光红色物业", level="district", year_designated=2022, community=world.shuguang, complex=world.shuguang_east
    ).full_clean()
    bad = RedPropertyProject(
        name="错位项目", level="district", year_designated=2022, community=world.shuguang, complex=world.heleju
    )
    assert refused(bad, "complex") == ["The complex must be in the project's community."]


def test_project_year_and_name_per_level(world):
    f.RedProjectFactory(name="百大城市理想", level="city", community=world.shuguang)
    refused_by_database(RedPropertyProject(name="百大城市理想", level="city", year_designated=2021, community=world.shuguang))
    f.RedProjectFactory(name="百大城市理想", level="district", community=world.shuguang)
    refused_by_database(RedPropertyProject(name="旧项目", level="city", year_designated=1999, community=world.shuguang))


# ---------------------------------------------------------------------------
# Jurisdiction
# ---------------------------------------------------------------------------
def _organisation(world, place):
    if place == "east":
        return f.PartyOrgFactory(kind=OrgKind.FIRM_BRANCH, firm=world.juhe, community=world.shuguang)
    if place == "plain":
        return f.PartyOrgFactory(kind=OrgKind.RESIDENTIAL_BRANCH, community=world.shuguang)
    return f.PartyOrgFactory(kind=OrgKind.COMMUNITY_COMMITTEE, community=world.hepinglu)


def _appointment(world, place):
    complex_ = place_complex(world, place)
    if place == "plain":
        return f.CrossAppointmentFactory(
            complex=complex_, firm=None, owners_committee=f.CommitteeFactory(complex=complex_)
        )
    return f.CrossAppointmentFactory(complex=complex_, firm=complex_.current_firm)


def _meeting(world, place):
    complex_ = place_complex(world, place)
    meeting = f.MeetingFactory(community=complex_.community)
    meeting.complexes.add(complex_)
    if complex_.current_firm:
        meeting.attending_firms.add(complex_.current_firm)
    return meeting


def _project(world, place):
    complex_ = place_complex(world, place)
    return f.RedProjectFactory(community=complex_.community, complex=complex_)


@pytest.mark.parametrize(
    "model, build",
    [
        pytest.param(PartyOrganization, _organisation, id="PartyOrganization"),
        pytest.param(CrossAppointment, _appointment, id="CrossAppointment"),
        pytest.param(JointMeeting, _meeting, id="JointMeeting"),
        pytest.param(
            MeetingResolution, lambda w, p: f.ResolutionFactory(meeting=_meeting(w, p)), id="MeetingResolution"
        ),
        pytest.param(RedPropertyProject, _project, id="RedPropertyProject"),
        pytest.param(
            ServiceStation, lambda w, p: f.StationFactory(complex=place_complex(w, p)), id="ServiceStation"
        ),
    ],
)
def test_each_persona_sees_only_records_in_their_jurisdiction(model, build, world, personas):  # noqa: F811
    assert_scoped(model, build, world, personas)


def test_agenda_items_are_seen_by_community_side_staff_only(world, personas):  # noqa: F811
    def build(world, place):
        complex_ = place_complex(world, place)
        return AgendaItem.objects.create(
            community=complex_.community, complex=complex_, contract=complex_.active_contract, title="物业退出审议"
        )

    assert_scoped(AgendaItem, build, world, personas, firm_sees=False)


def test_district_wide_records_are_seen_by_district_staff_only(world, personas):  # noqa: F811
    committee = f.PartyOrgFactory(kind=OrgKind.INDUSTRY_COMMITTEE, community=None, district=world.guandu)
    centre = f.StationFactory(kind=StationKind.DISTRICT_CENTRE, complex=None, district=world.guandu)
    for model, record in [(PartyOrganization, committee), (ServiceStation, centre)]:
        seen_by = {name for name, user in personas.items() if model.objects.visible_to(user).filter(pk=record.pk).exists()}
        assert seen_by == {"district_officer", "superuser"}, model.__name__


def test_a_meeting_with_many_complexes_and_firms_is_listed_once(world, personas):  # noqa: F811
    meeting = f.MeetingFactory(community=world.shuguang)
    meeting.complexes.add(world.shuguang_east, world.shuguang_complex)
    meeting.attending_firms.add(world.juhe, f.FirmFactory())
    f.ResolutionFactory(meeting=meeting)
    f.ResolutionFactory(meeting=meeting)
    for user in personas.values():
        assert JointMeeting.objects.visible_to(user).count() in (0, 1)
        assert MeetingResolution.objects.visible_to(user).count() in (0, 2)
    assert JointMeeting.objects.visible_to(personas["juhe_firm_staff"]).get() == meeting
