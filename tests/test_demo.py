"""`load_demo` builds the Guandu district the article describes; `overview` counts it.

The demo is loaded once for this module inside a transaction that is rolled back at the end,
so the other test modules never see it. The clock stands still at RUN_AT (when the issue that
found future-dated complaints ran it: 02:11 on 1 December in Shanghai) for the whole module."""
from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from stdnum.cn import uscc

from communities.models import (
    CommitteeStatus,
    Community,
    ComplexType,
    ManagementMode,
    OwnersCommittee,
    ResidentialComplex,
)
from complaints.models import Complaint, RatesSnapshot, ScopeKind, Status
from partybranches.models import CrossAppointment, Direction, JointMeeting
from properties.models import FeeCollection, Inspection, PropertyFirm, SatisfactionSurvey, ServiceContract
from redproperty.demo import STEPS, DemoContext
from redproperty.demo.places import SUBDISTRICTS
from redproperty.demo.accounts import PASSWORD

RUN_AT = datetime.datetime(2026, 12, 1, 2, 11, tzinfo=ZoneInfo("Asia/Shanghai"))

ARTICLE_FIGURES = {
    "communities": 99,
    "residential_party_branches": 240,
    "complexes_with_two_way_entry": 806,
    "red_projects_district": 13,
    "red_projects_city": 6,
    "service_centres_district": 1,
    "service_centres_complex": 11,
}


def signs_in(client, username, password) -> bool:
    """Sign in through the admin's login page, as a person does (and as lockouts count)."""
    response = client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})
    return response.status_code == 302


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Run `load_demo` once; yield what it printed; roll everything back afterwards."""
    with django_db_blocker.unblock(), time_machine.travel(RUN_AT, tick=False):
        with transaction.atomic(), translation.override("en"):
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def overview_json(*args) -> dict:
    out = StringIO()
    call_command("overview", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in ("auth", "communities", "properties", "partybranches", "complaints")
        for model in apps.get_app_config(app).get_models()
    }


def test_overview_reports_the_articles_figures_exactly(demo):
    figures = overview_json()

    assert {key: figures[key] for key in ARTICLE_FIGURES} == ARTICLE_FIGURES
    # More complexes than those with two-way entry: some have no counterpart or only one direction.
    assert 850 <= figures["complexes"] <= 1000
    assert figures["firms"] > 20
    assert 0 < figures["red_owners_committees"] < figures["owners_committees"]


def test_overview_table_lists_every_figure_in_english(demo):
    out = StringIO()
    with translation.override("en"):
        call_command("overview", stdout=out)
    lines = out.getvalue().splitlines()

    assert len(lines) == 12
    assert lines[0].split() == ["Communities", "99"]
    assert lines[3].split()[-1] == "806"


def test_load_demo_prints_each_step_with_its_time(demo):
    for step in STEPS:
        assert f"  {step} " in demo
    assert "Demo data loaded in" in demo


def test_running_it_again_changes_nothing(demo):
    before = row_counts()

    out = StringIO()
    with translation.override("en"):
        with pytest.raises(CommandError, match="not empty"):
            call_command("load_demo", stdout=StringIO())
        call_command("load_demo", "--if-empty", stdout=out)

    assert "changed nothing" in out.getvalue()
    assert row_counts() == before
    assert overview_json()["complexes_with_two_way_entry"] == 806


@pytest.mark.parametrize(
    "username, role, jurisdiction",
    [
        ("district", "district", "官渡区"),
        ("taihe", "subdistrict", "太和街道"),
        ("shuguang", "community", "曙光社区"),
        ("hepinglu", "community", "和平路社区"),
        ("juhe", "firm", "巨和物业"),
    ],
)
def test_demo_staff_log_in_and_hold_their_jurisdiction(demo, client, username, role, jurisdiction):
    user = get_user_model().objects.select_related("staff_profile").get(username=username)

    assert signs_in(client, username, PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert user.email.startswith(f"{username}@")
    assert (user.staff_profile.role, str(user.staff_profile.jurisdiction)) == (role, jurisdiction)
    assert user.groups.exists()


def test_demo_logins_lists_every_account_with_the_password(demo):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    printed = out.getvalue()

    assert PASSWORD in printed
    for username in ("admin", "district", "taihe", "shuguang", "hepinglu", "juhe"):
        assert f"  {username} " in printed


def test_demo_admin_is_a_superuser_who_logs_in(demo, client):
    admin = get_user_model().objects.get(username="admin")

    assert admin.is_superuser and admin.email
    assert signs_in(client, "admin", PASSWORD)
    assert not signs_in(client, "admin", "wrong-password")


def test_model_communities_sit_in_different_subdistricts_with_complexes_committees_and_meetings(demo):
    shuguang = Community.objects.select_related("subdistrict").get(name="曙光社区")
    hepinglu = Community.objects.select_related("subdistrict").get(name="和平路社区")

    assert shuguang.subdistrict.name == "太和街道"
    assert hepinglu.subdistrict.name == "金马街道"
    for community in (shuguang, hepinglu):
        assert community.complexes.count() >= 3
        assert OwnersCommittee.objects.filter(complex__community=community, status=CommitteeStatus.ACTIVE).exists()
        assert JointMeeting.objects.filter(community=community).count() >= 2
    assert shuguang.complexes.filter(name="曙光小区", complex_type=ComplexType.OLD).exists()
    assert hepinglu.complexes.filter(name="和乐居").exists()


def test_articles_places_exist(demo):
    for name in ("百大城市理想", "世纪城", "银海樱花语", "曙光小区", "和乐居"):
        assert ResidentialComplex.objects.filter(name=name).exists(), name
    assert Community.objects.filter(name__in=["东华路社区", "幸福邻里社区"]).count() == 2
    assert ResidentialComplex.objects.get(name="幸福邻里").complex_type == ComplexType.AFFORDABLE


def test_juhe_serves_shuguang_and_xingfu_linli_but_not_hepinglu(demo):
    juhe = get_user_model().objects.get(username="juhe")
    visible = ResidentialComplex.objects.visible_to(juhe)

    assert visible.filter(community__name="曙光社区").exists()
    assert visible.filter(name="幸福邻里").exists()
    assert not visible.filter(community__name="和平路社区").exists()
    assert overview_json("--user", "juhe")["firms"] == 1


def test_every_firm_has_a_valid_credit_code(demo):
    codes = list(PropertyFirm.objects.values_list("credit_code", flat=True))

    assert len(codes) > 20
    assert all(uscc.is_valid(code) for code in codes)
    assert PropertyFirm.objects.filter(name="巨和物业").exists()


def test_complex_types_and_management_modes_are_all_covered(demo):
    types = set(ResidentialComplex.objects.values_list("complex_type", flat=True))
    modes = set(ResidentialComplex.objects.values_list("management_mode", flat=True))

    assert types == set(ComplexType.values)
    assert modes == set(ManagementMode.values)


def test_handovers_have_exit_reasons_and_successors(demo):
    handed_over = ServiceContract.objects.filter(successor__isnull=False)

    assert handed_over.count() >= 20
    assert not handed_over.filter(exit_reason="").exists()
    assert all(c.successor.complex_id == c.complex_id for c in handed_over.select_related("successor"))


def test_a_sample_of_every_record_passes_model_validation(demo):
    for app in ("communities", "properties", "partybranches"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.model_name.startswith("historical"):
                continue
            rows = list(model._base_manager.all()[:2]) + list(model._base_manager.order_by("-pk")[:2])
            for row in rows:
                row.full_clean()
    for committee in OwnersCommittee.objects.prefetch_related("members"):
        OwnersCommittee.validate_members(
            [{"role": m.role, "is_party_member": m.is_party_member} for m in committee.members.all()]
        )


def test_evidence_covers_a_year_through_the_current_quarter(demo):
    ctx = DemoContext(now=RUN_AT)
    months = set(FeeCollection.objects.values_list("period", flat=True))
    quarters_surveyed = set(SatisfactionSurvey.objects.values_list("period_start", flat=True))
    quarters = ctx.quarters

    assert months == set(ctx.months)
    assert quarters_surveyed == {start for start, end in quarters if end < ctx.today}
    for start, end in quarters:
        assert Inspection.objects.filter(inspected_on__range=(start, end)).exists()
    assert not Inspection.objects.filter(inspected_on__gt=ctx.today).exists()


def test_the_monthly_rates_snapshots_of_the_demo_year_are_stored(demo, client):
    closed_months = DemoContext(now=RUN_AT).months[:-1]
    stored = set(RatesSnapshot.objects.values_list("period", flat=True))

    assert (closed_months[0], closed_months[-1]) == (datetime.date(2025, 10, 1), datetime.date(2026, 11, 1))
    assert sorted(stored) == closed_months
    for kind in ScopeKind.values:
        assert RatesSnapshot.objects.filter(period=closed_months[-1], scope_kind=kind, received__gt=0).exists()
    district = RatesSnapshot.objects.filter(period=closed_months[-1], scope_kind=ScopeKind.SUBDISTRICT)
    assert sum(district.values_list("received", flat=True)) == Complaint.objects.filter(
        submitted_at__gte=datetime.datetime(2026, 11, 1, tzinfo=RUN_AT.tzinfo), submitted_at__lt=RUN_AT.replace(
            day=1, hour=0, minute=0)).exclude(status=Status.DUPLICATE).count()

    assert signs_in(client, "district", PASSWORD)
    page = client.get("/admin/complaints/ratessnapshot/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 monthly rates snapshots" not in page and "2026" in page


# Dates that name what is planned, not what happened: deadlines, ends of terms and contracts.
PLANNED = {
    "communities.OwnersCommittee.term_end", "communities.CommitteeElection.due_on",
    "communities.CommitteeElection.meeting_on", "properties.ServiceContract.end_date",
    "properties.DeadlineReminder.ends_on", "partybranches.CrossAppointment.end_date",
    "partybranches.MeetingResolution.due_on", "complaints.Complaint.due_response_at",
    "complaints.Complaint.due_resolve_at", "integrations.ApiKey.expires_at",
    "properties.ContractExit.due_on",
    "communities.MediationCase.due_on", "communities.MediationCase.follow_up_on",
    "complaints.Referral.due_on",
    "complaints.Referral.due_on", "partybranches.ProjectApplication.due_on",
}


def test_nothing_the_demo_makes_lies_after_the_moment_it_runs(demo):
    """Run at 02:11 on 1 December in Shanghai (18:11 UTC the day before): no record of anything
    that happened is dated later, in local time or in UTC."""
    from django.db import models
    from django.db.models import Max

    late = {}
    # The demo's records (the categories, the scheme and the schedules come from the migrations).
    made_by_migrations = {"complaints.Category", "properties.EvaluationScheme"}
    for model in [model for app in ("auth", "communities", "properties", "partybranches", "complaints")
                  for model in apps.get_app_config(app).get_models() if model._meta.label not in made_by_migrations]:
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            if not isinstance(field, models.DateField) or label in PLANNED:
                continue
            latest = model._base_manager.aggregate(latest=Max(field.name))["latest"]
            if latest is None:
                continue
            limit = RUN_AT if isinstance(field, models.DateTimeField) else RUN_AT.date()
            if latest > limit:
                late[label] = latest
    assert late == {}
    assert Complaint.objects.filter(submitted_at__gte=RUN_AT - datetime.timedelta(days=1)).exists()


def _complexes_cross_appointed(**counterpart) -> set[int]:
    """Complexes with an appointment in force today in each direction with that kind of counterpart,
    counted from the rows (not through the QuerySet method the figure uses)."""
    today = RUN_AT.date()
    directions: dict[int, set] = {}
    for complex_id, direction, start, end in CrossAppointment.objects.filter(**counterpart).values_list(
            "complex_id", "direction", "start_date", "end_date"):
        if start <= today and (end is None or end >= today):
            directions.setdefault(complex_id, set()).add(direction)
    return {pk for pk, found in directions.items() if found == {Direction.TO_COUNTERPART, Direction.TO_COMMUNITY}}


def test_the_806_counts_party_organisations_and_property_firms_only(demo):
    figures = overview_json()
    with_firms = _complexes_cross_appointed(firm__isnull=False)
    with_committees = _complexes_cross_appointed(owners_committee__isnull=False)

    assert figures["complexes_with_two_way_entry"] == len(with_firms) == 806
    assert figures["complexes_with_committee_cross_appointment"] == len(with_committees) > 0
    assert set(ResidentialComplex.objects.two_way_entry().values_list("pk", flat=True)) == with_firms
    # 曙光小区 is run without a firm: its cross-appointments are with its owners' committee.
    shuguang = ResidentialComplex.objects.get(name="曙光小区").pk
    assert shuguang in with_committees and shuguang not in with_firms


def test_the_articles_communities_stay_in_their_subdistricts(demo):
    placed = dict(Community.objects.values_list("name", "subdistrict__name"))
    # The article: 太和街道 and 金马街道 piloted it, with 曙光社区 and 和平路社区 (和乐居).
    assert placed["曙光社区"] == "太和街道"
    assert placed["和平路社区"] == "金马街道"


def test_invented_communities_carry_no_real_places_name(demo):
    article = {"曙光社区", "东华路社区", "和平路社区", "关上中心区社区", "银海社区", "幸福邻里社区", "世纪城社区"}
    places = {name.removesuffix("街道") for _code, name, _n in SUBDISTRICTS} | {
        "海埂", "梁家河", "螺蛳湾", "大树营", "世博", "滇池", "金汁河", "十里铺", "羊方凹", "菊花", "官渡", "昆明"}
    invented = set(Community.objects.values_list("name", flat=True)) - article

    assert len(invented) == 99 - len(article)
    assert not {name for name in invented if any(place in name for place in places)}


def test_firm_exits_are_in_every_state_with_their_events_and_nobody_is_left_unseen(demo):
    from properties.models import ContractExit, ExitStatus
    from properties.selectors import unattended_complex_list

    statuses = set(ContractExit.objects.values_list("status", flat=True))
    assert statuses == set(ExitStatus.values)
    assert ContractExit.objects.filter(overdue_since__isnull=False).exists()
    for record in ContractExit.objects.prefetch_related("events", "items"):
        assert record.events.all()[0].action == "open"
        assert record.events.all().reverse()[0].to_status == record.status
        if record.status == ExitStatus.COMPLETED:
            assert record.contract.successor == record.new_contract
    admin = get_user_model().objects.get(username="admin")
    assert unattended_complex_list(admin).exists()  # the old complexes nobody manages


def test_mediation_cases_are_in_every_state_with_parties_and_events(demo):
    from communities.models import MediationCase, MediationStatus

    assert set(MediationCase.objects.values_list("status", flat=True)) == set(MediationStatus.values)
    for case in MediationCase.objects.prefetch_related("events", "parties"):
        assert case.parties.count() >= 2
        assert case.events.all()[0].action == "open"
        assert case.events.all().reverse()[0].to_status == case.status
