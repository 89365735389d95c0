"""Red-project applications (申报 → 评审 → 命名 → 推荐市级): every move allowed and refused, the
scores against the stated criteria, designation creating the district-level project, the
sweep, history, scoping; the API (409, 400, the district-only steps) and the workbench pages."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from partybranches import services
from partybranches.models import (
    ApplicationStatus, ProjectApplication, ProjectLevel, RedPropertyProject,
)
from redproperty.workflow import TransitionError
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = NOW.date()
APPLIED = datetime.date(2026, 9, 1)
GOOD = {"party_leadership": 28, "service_quality": 22, "satisfaction": 18, "joint_governance": 12, "innovation": 8}
WEAK = {**GOOD, "party_leadership": 10}
URL = "/api/v1/project-applications/"


@pytest.fixture
def api_as():
    from rest_framework.test import APIClient

    def client_for(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def apply(world, actor, name="曙光小区红色物业", complex_=None, **kwargs):
    return services.application_submit(
        actor=actor, community=(complex_ or world.shuguang_complex).community, complex=complex_ or world.shuguang_complex,
        name=name, summary="党组织引领，物业、业委会、社区三方联动", materials="工作报告\n照片", submitted_on=APPLIED,
        **kwargs)


def reviewed(world, worker, officer, scores=GOOD):
    return services.application_review(application=apply(world, worker), actor=officer,
                                       reviewed_on=datetime.date(2026, 10, 1), scores=scores)


def designated(world, worker, officer):
    return services.application_designate(application=reviewed(world, worker, officer), actor=officer,
                                          designated_on=datetime.date(2026, 10, 15))


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------
def test_an_application_is_reviewed_designated_and_recommended(world, shuguang_worker, district_officer):
    a = apply(world, shuguang_worker)
    assert (a.status, a.due_on) == (ApplicationStatus.SUBMITTED, APPLIED + datetime.timedelta(days=60))
    a = services.application_review(application=a, actor=district_officer, reviewed_on=datetime.date(2026, 10, 1),
                                    scores=GOOD, note="工作扎实")
    assert (a.status, a.total_score, a.due_on) == (ApplicationStatus.REVIEWED, 88, datetime.date(2026, 10, 31))
    a = services.application_designate(application=a, actor=district_officer, designated_on=datetime.date(2026, 10, 15))
    project = RedPropertyProject.objects.get()
    assert (a.status, a.project, a.due_on) == (ApplicationStatus.DESIGNATED, project, None)
    assert (project.level, project.year_designated, project.complex) == (ProjectLevel.DISTRICT, 2026,
                                                                         world.shuguang_complex)
    a = services.application_recommend(application=a, actor=district_officer, recommended_on=TODAY)
    assert a.status == ApplicationStatus.RECOMMENDED
    assert [e.action for e in a.events.all()] == ["apply", "review", "designate", "recommend"]
    assert a.history.count() == 4 and a.history.first().history_user == district_officer


def test_a_score_under_80_cannot_be_designated(world, shuguang_worker, district_officer):
    a = reviewed(world, shuguang_worker, district_officer, scores=WEAK)
    assert a.total_score == 70
    with pytest.raises(TransitionError) as exc:
        services.application_designate(application=a, actor=district_officer, designated_on=TODAY)
    assert "80 or more" in exc.value.messages[0]
    assert not RedPropertyProject.objects.exists()
    a = services.application_reject(application=a, actor=district_officer, reason="得分未达80分")
    assert (a.status, a.closing_reason) == (ApplicationStatus.REJECTED, "得分未达80分")


@pytest.mark.parametrize("scores, message", [
    ({**GOOD, "innovation": 11}, "from 0 to 10"),
    ({k: v for k, v in GOOD.items() if k != "satisfaction"}, "from 0 to 20"),
    ({**GOOD, "charm": 5}, "stated criteria only"),
    ({**GOOD, "innovation": "8"}, "from 0 to 10"),
])
def test_a_review_refuses_bad_scores(world, shuguang_worker, district_officer, scores, message):
    a = apply(world, shuguang_worker)
    with pytest.raises(ValidationError) as exc:
        services.application_review(application=a, actor=district_officer, reviewed_on=TODAY, scores=scores)
    assert any(message in m for m in exc.value.message_dict["scores"])
    assert ProjectApplication.objects.get().status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("change, field", [
    ({"name": ""}, "name"), ({"summary": ""}, "summary"), ({"materials": " "}, "materials"),
    ({"submitted_on": datetime.date(2026, 11, 27)}, "submitted_on"),
])
def test_an_application_refuses_bad_input(world, shuguang_worker, change, field):
    data = {"actor": shuguang_worker, "community": world.shuguang, "complex": world.shuguang_complex,
            "name": "项目", "summary": "成效", "materials": "报告", "submitted_on": APPLIED, **change}
    with pytest.raises(ValidationError) as exc:
        services.application_submit(**data)
    assert field in exc.value.message_dict
    assert not ProjectApplication.objects.exists()


def test_an_application_needs_an_applicant_in_its_community(world, shuguang_worker):
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=shuguang_worker, community=world.shuguang, name="项目", summary="成效",
                                    materials="报告")
    assert "complex or a firm" in exc.value.message_dict["complex"][0]
    with pytest.raises(ValidationError):
        services.application_submit(actor=shuguang_worker, community=world.shuguang, complex=world.heleju,
                                    name="项目", summary="成效", materials="报告")
    apply(world, shuguang_worker)
    with pytest.raises(ValidationError) as exc:
        apply(world, shuguang_worker)
    assert "already under way" in exc.value.message_dict["name"][0]


MOVES = {
    "review": lambda a, u: services.application_review(application=a, actor=u, reviewed_on=TODAY, scores=GOOD),
    "designate": lambda a, u: services.application_designate(application=a, actor=u, designated_on=TODAY),
    "recommend": lambda a, u: services.application_recommend(application=a, actor=u, recommended_on=TODAY),
    "reject": lambda a, u: services.application_reject(application=a, actor=u, reason="不符合条件"),
    "withdraw": lambda a, u: services.application_withdraw(application=a, actor=u, reason="材料不全"),
}
ALLOWED = {
    ApplicationStatus.SUBMITTED: {"review", "reject", "withdraw"},
    ApplicationStatus.REVIEWED: {"designate", "reject"},
    ApplicationStatus.DESIGNATED: {"recommend"},
    ApplicationStatus.RECOMMENDED: set(),
    ApplicationStatus.REJECTED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}
PATH = {
    ApplicationStatus.SUBMITTED: [], ApplicationStatus.REVIEWED: ["review"],
    ApplicationStatus.DESIGNATED: ["review", "designate"],
    ApplicationStatus.RECOMMENDED: ["review", "designate", "recommend"],
    ApplicationStatus.REJECTED: ["reject"], ApplicationStatus.WITHDRAWN: ["withdraw"],
}


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("move", list(MOVES))
def test_every_move_from_every_status_is_allowed_or_refused(world, shuguang_worker, district_officer, status, move):
    a = apply(world, shuguang_worker)
    for step in PATH[status]:
        MOVES[step](ProjectApplication.objects.get(pk=a.pk), district_officer)
    a = ProjectApplication.objects.get(pk=a.pk)
    assert a.status == status and set(services.APPLICATION.allowed_actions(a)) == ALLOWED[status]
    events = a.events.count()
    if move in ALLOWED[status]:
        MOVES[move](a, district_officer)
        assert a.events.count() == events + 1
        return
    with pytest.raises(TransitionError):
        MOVES[move](a, district_officer)
    assert a.events.count() == events and ProjectApplication.objects.get(pk=a.pk).status == status


def test_the_sweep_flags_an_unreviewed_application_once(world, shuguang_worker):
    a = apply(world, shuguang_worker)
    assert services.applications_sweep(today=TODAY) == 1  # applied 1 September: review due 31 October
    assert services.applications_sweep(today=TODAY) == 0
    assert ProjectApplication.objects.get(pk=a.pk).overdue_since == TODAY


def test_applications_are_visible_in_jurisdiction_only(world, shuguang_worker, hepinglu_worker, juhe_firm_staff,
                                                       district_officer):
    mine = apply(world, shuguang_worker, firm=world.juhe, complex_=world.shuguang_east)
    theirs = apply(world, hepinglu_worker, name="和乐居项目", complex_=world.heleju)
    assert list(ProjectApplication.objects.visible_to(shuguang_worker)) == [mine]
    assert list(ProjectApplication.objects.visible_to(juhe_firm_staff)) == [mine]
    assert set(ProjectApplication.objects.visible_to(district_officer)) == {mine, theirs}


# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------
def test_the_community_applies_and_the_district_reviews_through_the_api(world, shuguang_worker, district_officer,
                                                                        api_as):
    body = {"community": world.shuguang.pk, "complex": world.shuguang_complex.pk, "name": "曙光小区红色物业",
            "summary": "三方联动", "materials": "工作报告", "submitted_on": "2026-09-01"}
    response = api_as(shuguang_worker).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["allowed_actions"] == ["review", "reject", "withdraw"]
    # The review is the district's.
    review = {"reviewed_on": "2026-10-01", "scores": GOOD}
    assert api_as(shuguang_worker).post(f"{URL}{pk}/review/", review, format="json").status_code == 403
    district = api_as(district_officer)
    assert district.post(f"{URL}{pk}/review/", {**review, "scores": {**GOOD, "innovation": 30}},
                         format="json").status_code == 400
    response = district.post(f"{URL}{pk}/review/", review, format="json")
    assert response.status_code == 200 and response.json()["total_score"] == 88
    response = district.post(f"{URL}{pk}/designate/", {"designated_on": "2026-10-15"}, format="json")
    assert response.status_code == 200 and response.json()["project"]
    response = district.post(f"{URL}{pk}/withdraw/", {"reason": "x"}, format="json")
    assert response.status_code == 409 and "not possible while the status is" in response.json()["detail"]


def test_another_communitys_application_is_404_and_never_listed(world, shuguang_worker, hepinglu_worker, api_as):
    theirs = apply(world, hepinglu_worker, name="和乐居项目", complex_=world.heleju)
    client = api_as(shuguang_worker)
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    assert ProjectApplication.objects.get().status == ApplicationStatus.SUBMITTED


def test_list_query_count_does_not_grow(world, shuguang_worker, district_officer, api_as):
    counts = []
    for total in (2, 50):
        while ProjectApplication.objects.count() < total:
            apply(world, shuguang_worker, name=f"项目{ProjectApplication.objects.count()}")
        with CaptureQueriesContext(connection) as queries:
            response = api_as(type(district_officer).objects.get(pk=district_officer.pk)).get(URL, {"page_size": 100})
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    # the user, profile, the user's and the group's permissions, count, rows, events prefetched.
    assert counts == [7, 7]


# ---------------------------------------------------------------------------
# Workbench and admin
# ---------------------------------------------------------------------------
def test_the_community_applies_and_withdraws_in_the_workbench(world, client, shuguang_worker):
    client.force_login(shuguang_worker)
    in_english(client)
    response = client.post("/workbench/applications/new/", {
        "community": world.shuguang.pk, "complex": world.shuguang_complex.pk, "firm": "", "name": "曙光小区红色物业",
        "summary": "三方联动", "materials": "工作报告", "submitted_on": "2026-09-01"})
    assert response.status_code == 303, response.content.decode()[:2000]
    a = ProjectApplication.objects.get()
    page = client.get(f"/workbench/applications/{a.pk}/").content.decode()
    assert 'id="withdraw-form"' in page
    assert "曙光小区红色物业" in client.get("/workbench/applications/").content.decode()
    response = client.post(f"/workbench/applications/{a.pk}/", {"expected_status": "submitted", "reason": "材料不全"})
    assert response.status_code == 303 and ProjectApplication.objects.get().status == ApplicationStatus.WITHDRAWN
    response = client.post(f"/workbench/applications/{a.pk}/", {"expected_status": "", "reason": "again"}, follow=True)
    assert "is not possible while the status is" in response.content.decode()


def test_bad_workbench_input_is_400(world, client, shuguang_worker):
    client.force_login(shuguang_worker)
    response = in_english(client).post("/workbench/applications/new/", {
        "community": world.shuguang.pk, "complex": "", "firm": "", "name": "", "summary": "", "materials": "",
        "submitted_on": "2026-09-01"})
    assert response.status_code == 400 and "Give the project a name." in response.content.decode()
    assert not ProjectApplication.objects.exists()


def test_workbench_pages_are_scoped(world, client, shuguang_worker, hepinglu_worker):
    theirs = apply(world, hepinglu_worker, name="和乐居项目", complex_=world.heleju)
    client.force_login(shuguang_worker)
    assert client.get(f"/workbench/applications/{theirs.pk}/").status_code == 404
    assert client.post(f"/workbench/applications/{theirs.pk}/", {"reason": "x"}).status_code == 404
    assert "和乐居项目" not in client.get("/workbench/applications/").content.decode()


def test_workbench_list_query_count(world, client, shuguang_worker):
    client.force_login(shuguang_worker)
    counts = []
    for total in (2, 25):
        while ProjectApplication.objects.count() < total:
            apply(world, shuguang_worker, name=f"项目{ProjectApplication.objects.count()}", firm=world.juhe)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/workbench/applications/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_admin_offers_district_steps_to_the_district_only(world, client, shuguang_worker, district_officer):
    a = apply(world, shuguang_worker)
    change = f"/admin/partybranches/projectapplication/{a.pk}/change/"
    client.force_login(shuguang_worker)
    page = client.get(change).content.decode()
    assert "/step/withdraw/" in page and "/step/review/" not in page
    assert client.get(f"/admin/partybranches/projectapplication/{a.pk}/step/review/").status_code == 403
    client.force_login(district_officer)
    assert "/step/review/" in client.get(change).content.decode()
    data = {"expected_status": "submitted", "reviewed_on": "2026-10-01", "note": "",
            **{f"score_{k}": v for k, v in GOOD.items()}}
    response = client.post(f"/admin/partybranches/projectapplication/{a.pk}/step/review/", data)
    assert response.status_code == 302
    assert ProjectApplication.objects.get().total_score == 88


def test_the_dashboard_counts_applications_by_status(world, client, shuguang_worker, district_officer,
                                                      hepinglu_worker):
    reviewed(world, shuguang_worker, district_officer)
    apply(world, hepinglu_worker, name="和乐居项目", complex_=world.heleju)
    client.force_login(district_officer)
    page = in_english(client).get("/dashboard/applications/").content.decode()
    assert 'id="applications-total">2<' in page and 'id="applications-average">88.0<' in page
    client.force_login(shuguang_worker)
    assert 'id="applications-total">1<' in client.get("/dashboard/applications/").content.decode()
