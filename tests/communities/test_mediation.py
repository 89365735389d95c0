"""Mediation of disputes (矛盾纠纷调解): every move allowed and refused, the parties and linked
complaints, the agreement and its follow-up, the deadline sweep, notifications, history,
scoping; the workbench pages, the API and the outcome on the complex's dashboard page."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from communities import services
from communities.models import MediationCase, MediationCaseEvent, MediationParty, MediationStatus
from complaints.services import complaint_submit
from redproperty.workflow import TransitionError
from tests import factories as f
from tests.conftest import in_english

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
OPENED = datetime.date(2026, 10, 1)
SESSION = datetime.date(2026, 10, 8)
AGREED = datetime.date(2026, 10, 20)
URL = "/api/v1/mediation-cases/"
WB_LIST = reverse("workbench:communities:mediation_list")
WB_NEW = reverse("workbench:communities:mediation_new")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def api_as():
    """`api_as(user)`: a DRF client authenticated as `user`, asking for English."""
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()  # throttles count in the cache

    def client_for(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    return client_for


PARTIES = [{"name": "张阿姨（3栋502）", "side": "resident"}, {"name": "巨和物业", "side": "firm"}]


def taken_in(complex, actor, **kwargs):
    return services.mediation_open(actor=actor, complex=complex, subject="楼上漏水", description="楼上漏水殃及楼下",
                                   opened_on=OPENED, mediator="王调解员", parties=PARTIES, **kwargs)


def in_mediation(complex, actor):
    return services.mediation_hold_session(case=taken_in(complex, actor), actor=actor, held_on=SESSION,
                                           summary="双方陈述，约定现场查看")


def agreed(complex, actor):
    return services.mediation_record_agreement(case=in_mediation(complex, actor), actor=actor, agreed_on=AGREED,
                                               agreement="物业十日内维修管道，业主承担材料费")


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------
def test_a_dispute_is_mediated_agreed_followed_up_and_resolved(world, shuguang_worker):
    category = f.CategoryFactory(code="leak")
    complaint = complaint_submit(complex=world.shuguang_east, category=category, description="漏水",
                                 reporter_phone="13812345678")
    case = taken_in(world.shuguang_east, shuguang_worker, complaints=[complaint])
    assert case.status == MediationStatus.OPENED and case.due_on == OPENED + datetime.timedelta(days=10)
    assert list(case.complaints.all()) == [complaint] and case.parties.count() == 2
    case = services.mediation_hold_session(case=case, actor=shuguang_worker, held_on=SESSION, summary="双方陈述")
    case = services.mediation_hold_session(case=case, actor=shuguang_worker, held_on=SESSION, summary="现场查看")
    assert case.sessions.count() == 2 and case.due_on == SESSION + datetime.timedelta(days=30)
    case = services.mediation_record_agreement(case=case, actor=shuguang_worker, agreed_on=AGREED,
                                               agreement="物业维修管道")
    assert case.status == MediationStatus.AGREED and case.due_on == AGREED + datetime.timedelta(days=30)
    case = services.mediation_follow_up(case=case, actor=shuguang_worker, checked_on=datetime.date(2026, 11, 20),
                                        honoured=True, note="已修好，双方满意")
    assert case.status == MediationStatus.RESOLVED and case.due_on is None
    assert "物业维修管道" in case.outcome and case.closed_on == datetime.date(2026, 11, 20)
    assert list(case.events.values_list("action", flat=True)) == [
        "open", "hold_session", "hold_session", "record_agreement", "follow_up"]
    assert case.history.count() == 5 and case.history.first().history_user == shuguang_worker


def test_an_agreement_not_honoured_goes_back_to_mediation(world, shuguang_worker):
    case = agreed(world.shuguang_east, shuguang_worker)
    case = services.mediation_follow_up(case=case, actor=shuguang_worker, checked_on=datetime.date(2026, 11, 20),
                                        honoured=False, note="物业未按期维修")
    assert case.status == MediationStatus.MEDIATING and case.due_on == datetime.date(2026, 12, 20)
    case = services.mediation_close_failed(case=case, actor=shuguang_worker, closed_on=datetime.date(2026, 11, 25),
                                           outcome="调解不成，告知双方可申请人民调解委员会调解或诉讼")
    assert case.status == MediationStatus.FAILED and case.outcome.startswith("调解不成")


@pytest.mark.parametrize("kwargs, field, message", [
    ({"parties": PARTIES[:1]}, "parties", "at least two parties"),
    ({"parties": [PARTIES[0], PARTIES[0]]}, "parties", "list each party once"),
    ({"parties": [PARTIES[0], {"name": "业委会", "side": "mayor"}]}, "parties", "Choose the side"),
    ({"subject": " "}, "subject", "what the dispute is about"),
    ({"mediator": ""}, "mediator", "Name the mediator"),
    ({"opened_on": datetime.date(2027, 1, 1)}, "opened_on", "in the future"),
])
def test_bad_input_is_refused_and_saves_nothing(world, shuguang_worker, kwargs, field, message):
    data = {"subject": "楼上漏水", "description": "漏水", "opened_on": OPENED, "mediator": "王调解员",
            "parties": PARTIES, **kwargs}
    with pytest.raises(ValidationError) as caught:
        services.mediation_open(actor=shuguang_worker, complex=world.shuguang_east, **data)
    assert message in " ".join(caught.value.message_dict[field])
    assert not MediationCase.objects.exists() and not MediationParty.objects.exists()


def test_complaints_of_another_complex_are_not_linked(world, shuguang_worker):
    other = complaint_submit(complex=world.shuguang_complex, category=f.CategoryFactory(code="x"),
                             description="噪音", reporter_phone="13812345678")
    with pytest.raises(ValidationError, match="Link only complaints from this complex"):
        taken_in(world.shuguang_east, shuguang_worker, complaints=[other])


MOVES = {
    "hold_session": lambda c, a: services.mediation_hold_session(case=c, actor=a, held_on=SESSION, summary="s"),
    "record_agreement": lambda c, a: services.mediation_record_agreement(case=c, actor=a, agreed_on=AGREED,
                                                                         agreement="a"),
    "follow_up": lambda c, a: services.mediation_follow_up(case=c, actor=a, checked_on=AGREED, honoured=True,
                                                           note="n"),
    "close_failed": lambda c, a: services.mediation_close_failed(case=c, actor=a, closed_on=AGREED, outcome="o"),
    "withdraw": lambda c, a: services.mediation_withdraw(case=c, actor=a, closed_on=AGREED, reason="r"),
}
ALLOWED = {
    "opened": {"hold_session", "withdraw"}, "mediating": {"hold_session", "record_agreement", "close_failed",
                                                          "withdraw"},
    "agreed": {"follow_up"}, "resolved": set(), "failed": set(), "withdrawn": set(),
}


@pytest.mark.parametrize("status", list(ALLOWED))
def test_moves_not_allowed_from_a_status_are_refused(world, shuguang_worker, status):
    case = taken_in(world.shuguang_east, shuguang_worker)
    stored = {"status": status, "agreement": "a", "agreed_on": OPENED, "outcome": "o", "closed_on": OPENED}
    MediationCase.objects.filter(pk=case.pk).update(**stored)
    case.refresh_from_db()
    assert set(services.MEDIATION.allowed_actions(case)) == ALLOWED[status]
    for action, move in MOVES.items():
        if action in ALLOWED[status]:
            continue
        with pytest.raises(TransitionError, match="is not possible while the status is"):
            move(case, shuguang_worker)
    assert case.events.count() == 1


def test_dates_must_follow_the_steps(world, shuguang_worker):
    case = taken_in(world.shuguang_east, shuguang_worker)
    with pytest.raises(ValidationError, match="after the case was taken in"):
        services.mediation_hold_session(case=case, actor=shuguang_worker, held_on=datetime.date(2026, 9, 1),
                                        summary="s")
    case = services.mediation_hold_session(case=case, actor=shuguang_worker, held_on=SESSION, summary="s")
    with pytest.raises(ValidationError, match="after the last session"):
        services.mediation_record_agreement(case=case, actor=shuguang_worker, agreed_on=OPENED, agreement="a")
    with pytest.raises(ValidationError, match="follow-up comes after the agreement"):
        services.mediation_record_agreement(case=case, actor=shuguang_worker, agreed_on=AGREED, agreement="a",
                                            follow_up_on=AGREED)
    with pytest.raises(TransitionError, match="changed in the meantime"):
        services.mediation_withdraw(case=case, actor=shuguang_worker, closed_on=AGREED, reason="r",
                                    expected_status="opened")


def test_moves_email_the_community_and_the_sweep_flags_overdue_cases_once(world, shuguang_worker, taihe_officer,
                                                                         mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    taihe_officer.email = "taihe@taihe.example"
    taihe_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = taken_in(world.shuguang_east, shuguang_worker)  # first session due 2026-10-11
    assert [m.to for m in mailoutbox] == [["taihe@taihe.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mediations_sweep() == {"overdue": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mediations_sweep() == {"overdue": 0}
    case.refresh_from_db()
    assert case.overdue_since == datetime.date(2026, 11, 26) and len(mailoutbox) == 2
    from communities.tasks import sweep_mediations

    assert sweep_mediations.delay().get() == {"overdue": 0}


def test_cases_are_seen_only_inside_the_jurisdiction(world, shuguang_worker, hepinglu_worker, taihe_officer,
                                                     district_officer, juhe_firm_staff):
    mine = taken_in(world.shuguang_east, shuguang_worker)
    theirs = taken_in(world.heleju, hepinglu_worker)

    def seen(user):
        return (set(MediationCase.objects.visible_to(user)),
                set(MediationCaseEvent.objects.visible_to(user).values_list("case_id", flat=True)))

    assert seen(shuguang_worker) == ({mine}, {mine.pk})
    assert seen(taihe_officer) == ({mine}, {mine.pk})
    assert seen(district_officer) == ({mine, theirs}, {mine.pk, theirs.pk})
    assert seen(juhe_firm_staff) == (set(), set())


# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------
def test_a_case_is_walked_through_the_api_and_refusals_are_400_or_409(world, shuguang_worker, hepinglu_worker,
                                                                     api_as):
    client = api_as(shuguang_worker)
    response = client.post(URL, {"complex": world.shuguang_east.pk, "subject": "楼上漏水", "description": "漏水",
                                 "opened_on": "2026-10-01", "mediator": "王调解员", "parties": PARTIES},
                           format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["allowed_actions"] == ["hold-session", "withdraw"]
    assert client.post(f"{URL}{pk}/follow-up/", {"checked_on": "2026-11-01", "honoured": True, "note": "n"},
                       format="json").status_code == 409
    assert client.post(f"{URL}{pk}/hold-session/", {"held_on": "2026-10-08"}, format="json").status_code == 400
    response = client.post(f"{URL}{pk}/hold-session/", {"held_on": "2026-10-08", "summary": "双方陈述"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "mediating"
    response = client.post(f"{URL}{pk}/record-agreement/", {"agreed_on": "2026-10-20", "agreement": "物业维修"},
                           format="json")
    assert response.status_code == 200 and response.json()["follow_up_on"] == "2026-11-19"
    response = client.post(f"{URL}{pk}/follow-up/", {"checked_on": "2026-11-20", "honoured": True, "note": "已修好"},
                           format="json")
    assert response.json()["status"] == "resolved" and response.json()["allowed_actions"] == []

    theirs = taken_in(world.heleju, hepinglu_worker)
    assert [r["id"] for r in client.get(URL).json()["results"]] == [pk]
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/withdraw/", {"closed_on": "2026-11-01", "reason": "x"},
                       format="json").status_code == 404
    response = client.post(URL, {"complex": world.heleju.pk, "subject": "s", "description": "d",
                                 "opened_on": "2026-10-01", "mediator": "m", "parties": PARTIES}, format="json")
    assert response.status_code == 400 and "complex" in response.json()["errors"]


def test_the_api_list_costs_the_same_queries_for_2_and_50_cases(world, district_officer, api_as):
    counts = []
    for total in (2, 50):
        while MediationCase.objects.count() < total:
            taken_in(world.shuguang_east, district_officer)
        client = api_as(type(district_officer).objects.get(pk=district_officer.pk))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"page_size": 100})
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    # profile, permissions (user, group), count, rows; parties, sessions, events, complaints.
    assert counts == [9, 9]


# ---------------------------------------------------------------------------
# Workbench and dashboard
# ---------------------------------------------------------------------------
def test_the_workbench_takes_a_case_in_and_moves_it(world, shuguang_worker, client):
    client = in_english(client)
    client.force_login(shuguang_worker)
    assert client.get(WB_NEW).status_code == 200
    data = {"complex": world.shuguang_east.pk, "subject": "楼上漏水", "description": "漏水", "opened_on": "2026-10-01",
            "mediator": "王调解员", "complaints": "NOSUCHCODE", "rows-TOTAL_FORMS": 3, "rows-INITIAL_FORMS": 0,
            "rows-0-name": "张阿姨", "rows-0-side": "resident", "rows-1-name": "巨和物业", "rows-1-side": "firm"}
    response = client.post(WB_NEW, data)
    assert response.status_code == 400 and "No complaint with the tracking code NOSUCHCODE" in response.content.decode()
    data["complaints"] = ""
    response = client.post(WB_NEW, data)
    case = MediationCase.objects.get()
    assert response.status_code == 303
    step = reverse("workbench:communities:mediation_step", args=[case.pk, "hold_session"])
    assert step in client.get(reverse("workbench:communities:mediation_detail", args=[case.pk])).content.decode()
    response = client.post(step, {"expected_status": "opened", "held_on": "2026-10-08", "summary": "双方陈述"})
    assert response.status_code == 303
    response = client.post(step, {"expected_status": "opened", "held_on": "2026-10-09", "summary": "again"},
                           follow=True)
    assert any("changed in the meantime" in str(m) for m in response.context["messages"])
    assert MediationCase.objects.get().sessions.count() == 1


def test_the_workbench_shows_only_the_jurisdictions_cases_at_a_fixed_cost(world, shuguang_worker, hepinglu_worker,
                                                                         juhe_firm_staff, client):
    mine = taken_in(world.shuguang_east, shuguang_worker)
    theirs = taken_in(world.heleju, hepinglu_worker)
    client.force_login(shuguang_worker)
    assert list(client.get(WB_LIST).context["object_list"]) == [mine]
    assert client.get(reverse("workbench:communities:mediation_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("workbench:communities:mediation_step", args=[theirs.pk, "withdraw"]),
                       {}).status_code == 404
    counts = []
    for total in (2, 50):
        while MediationCase.objects.filter(complex=world.shuguang_east).count() < total:
            taken_in(world.shuguang_east, shuguang_worker)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(WB_LIST)
        assert response.context["paginator"].count == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
    client.force_login(juhe_firm_staff)
    assert client.get(WB_LIST).status_code == 403


def test_the_outcome_shows_on_the_complexs_dashboard_page(world, shuguang_worker, district_officer, client):
    case = agreed(world.shuguang_east, shuguang_worker)
    services.mediation_follow_up(case=case, actor=shuguang_worker, checked_on=datetime.date(2026, 11, 20),
                                 honoured=True, note="已修好")
    client = in_english(client)
    client.force_login(district_officer)
    page = client.get(reverse("dashboard:complex", args=[world.shuguang_east.pk])).content.decode()
    assert "Mediation of disputes" in page and "Resolved: agreement honoured" in page and "物业十日内维修管道" in page
