"""Referrals to departments (监管联动): every move allowed and refused, bad input, the deadline
sweep, notifications through the outbox, history, timeliness, the figures and scoping."""
from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints import services
from complaints.models import (
    Action, Complaint, Department, DepartmentKind, Referral, ReferralAction, ReferralEvent, ReferralMatter,
    ReferralStatus, Status,
)
from redproperty.models import OutboxTask
from redproperty.workflow import TransitionError
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = NOW.date()
REFERRED = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def department(name="官渡区城市管理局", kind=DepartmentKind.URBAN_MANAGEMENT, reply_days=10, **kwargs):
    return Department.objects.create(name=name, kind=kind, reply_days=reply_days, contact_person="王队长",
                                     contact_phone="0871-67171002", **kwargs)


def complaint(complex_, **kwargs):
    return services.complaint_submit(complex=complex_, category=f.CategoryFactory(code="public-order"),
                                     description="顶楼私搭违建阳光房", **kwargs)


def refer(complaint_, actor, dept=None, **kwargs):
    kwargs.setdefault("referred_on", REFERRED)
    return services.referral_open(actor=actor, complaint=complaint_, department=dept or department(),
                                  matter=ReferralMatter.ILLEGAL_BUILDING, summary="请城管部门查处违建", **kwargs)


@pytest.fixture
def referral(world, shuguang_worker):
    return refer(complaint(world.shuguang_complex), shuguang_worker)


# ---------------------------------------------------------------------------
# Opening
# ---------------------------------------------------------------------------
def test_refer_sets_the_deadline_from_the_department_and_writes_both_timelines(world, shuguang_worker):
    c = complaint(world.shuguang_complex)
    r = refer(c, shuguang_worker)
    assert r.status == ReferralStatus.REFERRED
    assert r.due_on == REFERRED + datetime.timedelta(days=10)
    assert [e.action for e in r.events.all()] == [ReferralAction.REFER]
    assert r.events.get().actor == shuguang_worker
    public = c.events.get(action=Action.REFER)
    assert public.is_public and "官渡区城市管理局" in public.note
    c.refresh_from_db()
    assert c.status == Status.SUBMITTED  # the complaint stays open with its handler
    assert r.history.count() == 1 and r.history.get().history_user == shuguang_worker


def test_refer_takes_an_explicit_deadline(world, shuguang_worker):
    r = refer(complaint(world.shuguang_complex), shuguang_worker, due_on=datetime.date(2026, 12, 10))
    assert r.due_on == datetime.date(2026, 12, 10)


@pytest.mark.parametrize("change, field", [
    ({"summary": "  "}, "summary"),
    ({"summary": "x" * 2001}, "summary"),
    ({"matter": "weather"}, "matter"),
    ({"referred_on": datetime.date(2026, 11, 27)}, "referred_on"),  # tomorrow
    ({"due_on": datetime.date(2026, 11, 19)}, "due_on"),  # before the referral
])
def test_refer_refuses_bad_input_and_saves_nothing(world, shuguang_worker, change, field):
    c = complaint(world.shuguang_complex)
    dept = department()
    kwargs = {"matter": ReferralMatter.ILLEGAL_BUILDING, "summary": "请查处", "referred_on": REFERRED, **change}
    with pytest.raises(ValidationError) as exc:
        services.referral_open(actor=shuguang_worker, complaint=c, department=dept, **kwargs)
    assert field in exc.value.message_dict
    assert not Referral.objects.exists() and not c.events.filter(action=Action.REFER).exists()


def test_refer_refuses_an_inactive_department(world, shuguang_worker):
    with pytest.raises(ValidationError) as exc:
        refer(complaint(world.shuguang_complex), shuguang_worker, dept=department(is_active=False))
    assert exc.value.message_dict["department"] == ["Choose a department that takes referrals."]


def test_refer_refuses_a_closed_complaint(world, shuguang_worker):
    c = complaint(world.shuguang_complex)
    services.complaint_reject(complaint=c, actor=shuguang_worker, reason="不属于物业服务")
    with pytest.raises(ValidationError) as exc:
        refer(c, shuguang_worker)
    assert "Only an open complaint is referred" in exc.value.message_dict["complaint"][0]
    assert not Referral.objects.exists()


def test_one_open_referral_per_department_but_another_department_may_take_it(world, shuguang_worker):
    c = complaint(world.shuguang_complex)
    dept = department()
    refer(c, shuguang_worker, dept=dept)
    with pytest.raises(ValidationError) as exc:
        refer(c, shuguang_worker, dept=dept)
    assert "already with this department" in exc.value.message_dict["department"][0]
    refer(c, shuguang_worker, dept=department(name="官渡区消防救援大队", kind=DepartmentKind.FIRE))
    assert Referral.objects.filter(complaint=c).count() == 2


# ---------------------------------------------------------------------------
# The moves
# ---------------------------------------------------------------------------
def test_acknowledge_then_reply_in_time(referral, shuguang_worker):
    r = services.referral_acknowledge(referral=referral, actor=shuguang_worker, acknowledged_on=REFERRED,
                                      department_reference="GD2026-118")
    assert r.status == ReferralStatus.ACKNOWLEDGED and r.department_reference == "GD2026-118"
    r = services.referral_reply(referral=r, actor=shuguang_worker, replied_on=TODAY, reply="已责令限期拆除")
    assert r.status == ReferralStatus.REPLIED and r.is_replied_in_time is True
    assert [e.action for e in r.events.all()] == ["refer", "acknowledge", "reply"]
    public = r.complaint.events.get(action=Action.DEPARTMENT_REPLY)
    assert public.note == "官渡区城市管理局: 已责令限期拆除" and public.is_public


def test_a_reply_after_the_deadline_is_late(world, shuguang_worker):
    r = refer(complaint(world.shuguang_complex), shuguang_worker, due_on=datetime.date(2026, 11, 21))
    r = services.referral_reply(referral=r, actor=shuguang_worker, replied_on=TODAY, reply="已处理")
    assert r.is_replied_in_time is False


def test_extend_moves_the_deadline_later_and_clears_overdue(referral, shuguang_worker):
    Referral.objects.filter(pk=referral.pk).update(overdue_since=TODAY)
    referral.refresh_from_db()
    r = services.referral_extend(referral=referral, actor=shuguang_worker, due_on=datetime.date(2026, 12, 15),
                                 reason="需现场测量")
    assert r.status == ReferralStatus.REFERRED and r.due_on == datetime.date(2026, 12, 15)
    assert r.overdue_since is None
    assert r.events.last().note == "需现场测量"


@pytest.mark.parametrize("due_on, message", [
    (datetime.date(2026, 11, 30), "later than 2026-11-30"),  # the current deadline
    (datetime.date(2027, 3, 1), "within 90 days"),
])
def test_extend_refuses_an_earlier_or_too_far_deadline(referral, shuguang_worker, due_on, message):
    with pytest.raises(ValidationError) as exc:
        services.referral_extend(referral=referral, actor=shuguang_worker, due_on=due_on, reason="延期")
    assert message in exc.value.message_dict["due_on"][0]
    referral.refresh_from_db()
    assert referral.due_on == datetime.date(2026, 11, 30) and referral.events.count() == 1


def test_withdraw_needs_a_reason(referral, shuguang_worker):
    with pytest.raises(ValidationError):
        services.referral_withdraw(referral=referral, actor=shuguang_worker, reason=" ")
    r = services.referral_withdraw(referral=referral, actor=shuguang_worker, reason="属物业服务范围")
    assert r.status == ReferralStatus.WITHDRAWN and r.withdraw_reason == "属物业服务范围"


@pytest.mark.parametrize("kwargs, field", [
    ({"replied_on": TODAY, "reply": ""}, "reply"),
    ({"replied_on": datetime.date(2026, 11, 19), "reply": "已处理"}, "replied_on"),
    ({"replied_on": datetime.date(2026, 11, 27), "reply": "已处理"}, "replied_on"),
])
def test_reply_refuses_bad_input(referral, shuguang_worker, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.referral_reply(referral=referral, actor=shuguang_worker, **kwargs)
    assert field in exc.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED


def test_acknowledge_refuses_a_day_before_the_referral(referral, shuguang_worker):
    with pytest.raises(ValidationError) as exc:
        services.referral_acknowledge(referral=referral, actor=shuguang_worker,
                                      acknowledged_on=datetime.date(2026, 11, 1))
    assert "acknowledged_on" in exc.value.message_dict


MOVES = {
    "acknowledge": lambda r, a: services.referral_acknowledge(referral=r, actor=a, acknowledged_on=TODAY),
    "extend": lambda r, a: services.referral_extend(referral=r, actor=a, due_on=datetime.date(2026, 12, 20),
                                                    reason="延期"),
    "reply": lambda r, a: services.referral_reply(referral=r, actor=a, replied_on=TODAY, reply="已处理"),
    "withdraw": lambda r, a: services.referral_withdraw(referral=r, actor=a, reason="撤回"),
}
ALLOWED = {
    ReferralStatus.REFERRED: {"acknowledge", "extend", "reply", "withdraw"},
    ReferralStatus.ACKNOWLEDGED: {"extend", "reply", "withdraw"},
    ReferralStatus.REPLIED: set(),
    ReferralStatus.WITHDRAWN: set(),
}


def _in_status(referral, actor, status):
    if status == ReferralStatus.ACKNOWLEDGED:
        MOVES["acknowledge"](referral, actor)
    elif status == ReferralStatus.REPLIED:
        MOVES["reply"](referral, actor)
    elif status == ReferralStatus.WITHDRAWN:
        MOVES["withdraw"](referral, actor)
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("move", list(MOVES))
def test_every_move_from_every_status_is_allowed_or_refused(referral, shuguang_worker, status, move):
    referral = _in_status(referral, shuguang_worker, status)
    assert set(services.REFERRAL.allowed_actions(referral)) == ALLOWED[status]
    events = referral.events.count()
    if move in ALLOWED[status]:
        MOVES[move](referral, shuguang_worker)
        assert referral.events.count() == events + 1
        return
    with pytest.raises(TransitionError) as exc:
        MOVES[move](referral, shuguang_worker)
    assert "is not possible while the status is" in exc.value.messages[0]
    assert referral.events.count() == events
    assert Referral.objects.get(pk=referral.pk).status == status


def test_a_move_based_on_a_stale_status_is_refused(referral, shuguang_worker):
    services.referral_acknowledge(referral=Referral.objects.get(pk=referral.pk), actor=shuguang_worker,
                                  acknowledged_on=TODAY)
    with pytest.raises(TransitionError) as exc:
        services.referral_withdraw(referral=referral, actor=shuguang_worker, reason="撤回",
                                   expected_status=ReferralStatus.REFERRED)
    assert exc.value.code == "stale"


def test_refusals_read_in_chinese(referral, shuguang_worker):
    MOVES["withdraw"](referral, shuguang_worker)
    with translation.override("zh-hans"), pytest.raises(TransitionError) as exc:
        MOVES["reply"](Referral.objects.get(pk=referral.pk), shuguang_worker)
    assert "“记录部门答复”" in exc.value.messages[0] or "记录" in exc.value.messages[0]
    assert "已撤回" in exc.value.messages[0]


# ---------------------------------------------------------------------------
# Deadline sweep, notifications, figures
# ---------------------------------------------------------------------------
def test_the_sweep_flags_an_unanswered_referral_once(referral, shuguang_worker):
    later = datetime.date(2026, 12, 1)
    assert services.referrals_sweep(today=later) == 1
    assert services.referrals_sweep(today=later) == 0
    referral.refresh_from_db()
    assert referral.overdue_since == later and referral.events.last().action == ReferralAction.OVERDUE
    services.referral_reply(referral=referral, actor=shuguang_worker, replied_on=TODAY, reply="已处理")
    assert services.referrals_sweep(today=datetime.date(2026, 12, 31)) == 0  # replied: no deadline runs


def test_the_beat_schedule_runs_the_sweep():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.get(task="complaints.sweep_referrals").enabled


def test_the_department_and_the_community_are_emailed(world, shuguang_worker, hepinglu_worker, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    shuguang_worker.email = "li@shuguang.example"
    shuguang_worker.save()
    hepinglu_worker.email = "wang@hepinglu.example"
    hepinglu_worker.save()
    dept = department(contact_email="chengguan@guandu.example")
    with django_capture_on_commit_callbacks(execute=True):
        refer(complaint(world.shuguang_complex), shuguang_worker, dept=dept)
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["chengguan@guandu.example", "li@shuguang.example"]
    assert OutboxTask.objects.filter(task_name="redproperty.notify_workflow_event", status="done").count() == 1


def test_figures_count_by_department_with_timeliness(world, shuguang_worker):
    chengguan = department()
    fire = department(name="官渡区消防救援大队", kind=DepartmentKind.FIRE, reply_days=7)
    in_time = refer(complaint(world.shuguang_complex), shuguang_worker, dept=chengguan)
    services.referral_reply(referral=in_time, actor=shuguang_worker, replied_on=TODAY, reply="已处理")
    late = refer(complaint(world.shuguang_complex), shuguang_worker, dept=chengguan,
                 due_on=datetime.date(2026, 11, 21))
    services.referral_reply(referral=late, actor=shuguang_worker, replied_on=TODAY, reply="已处理")
    refer(complaint(world.shuguang_complex), shuguang_worker, dept=fire, due_on=datetime.date(2026, 11, 22))
    withdrawn = refer(complaint(world.shuguang_complex), shuguang_worker, dept=fire)
    services.referral_withdraw(referral=withdrawn, actor=shuguang_worker, reason="撤回")
    rows = {r["department_name"]: r for r in services.referral_figures(Referral.objects.all(), today=TODAY)}
    assert rows["官渡区城市管理局"] | {} == {
        "department": chengguan.pk, "department_name": "官渡区城市管理局", "kind": "urban_management",
        "referred": 2, "open": 0, "overdue": 0, "replied": 2, "replied_in_time": 1, "in_time_rate": 0.5}
    assert (rows["官渡区消防救援大队"]["referred"], rows["官渡区消防救援大队"]["open"],
            rows["官渡区消防救援大队"]["overdue"], rows["官渡区消防救援大队"]["in_time_rate"]) == (1, 1, 1, None)


# ---------------------------------------------------------------------------
# Scoping
# ---------------------------------------------------------------------------
def test_referrals_are_visible_in_jurisdiction_only(world, shuguang_worker, hepinglu_worker, taihe_officer,
                                                    district_officer, juhe_firm_staff):
    mine = refer(complaint(world.shuguang_complex), shuguang_worker)
    theirs = refer(complaint(world.heleju), hepinglu_worker, dept=Department.objects.get())
    assert list(Referral.objects.visible_to(shuguang_worker)) == [mine]
    assert list(Referral.objects.visible_to(taihe_officer)) == [mine]
    assert set(Referral.objects.visible_to(district_officer)) == {mine, theirs}
    assert not Referral.objects.visible_to(juhe_firm_staff).exists()
    assert list(ReferralEvent.objects.visible_to(hepinglu_worker)) == list(theirs.events.all())
