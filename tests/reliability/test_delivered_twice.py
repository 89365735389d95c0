"""Every task of the project delivered twice has the effect of one delivery.

A broker delivers a message again when a worker dies before acknowledging it (acks_late) or a
visibility timeout passes: the same task, the same arguments, the same task id. Each task is
run here as a worker runs a message, twice, with what the project really sends: the outbox's
message (arguments and `outbox_id`) for work queued by a service, beat's message (no
arguments) for scheduled work. After the second run everything the platform holds is as it was
after the first: every row of every model, the cache's entries, the e-mails sent, the files written, the
webhook POSTs received. A new task without a case here fails the test."""
from __future__ import annotations

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from communities.services import staff_user_create
from complaints.models import HandlerLevel, Status
from complaints.services import complaint_submit
from dashboard.services import export_job_create
from properties.evaluation import firms_evaluate
from redproperty.celery import app
from redproperty.models import OutboxTask
from tests import factories as f
from tests.communities.test_elections import open_election
from tests.integrations.test_webhooks import hotline, receiver  # noqa: F401 - fixtures
from tests.properties.test_evaluation import full_evidence
from tests.properties.test_evaluation_consequences import fail_quarter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Beat's quarterly run: 02:00 on the first day of the quarter (redproperty/migrations/0002_schedules.py).
QUARTER_RUN = datetime.datetime(2026, 10, 1, 2, 0, tzinfo=SHANGHAI)


def _queued(task_name: str) -> dict:
    """The message the outbox publishes for the one row of `task_name`."""
    row = OutboxTask.objects.get(task_name=task_name)
    return {**row.kwargs, "outbox_id": row.pk}


def _late_complaint(world, **extra):
    submitted_at = timezone.now() - datetime.timedelta(days=10)
    return f.ComplaintFactory(
        complex=world.shuguang_east, assigned_firm=world.juhe, handler_level=HandlerLevel.FIRM,
        submitted_at=submitted_at, due_response_at=submitted_at + datetime.timedelta(hours=24),
        due_resolve_at=submitted_at + datetime.timedelta(days=7), reporter_email="li@example.org", **extra,
    )


def _staff_with_mail(world):
    staff_user_create(username="juhe_mail", password="x-pass-2026", role="firm", jurisdiction=world.juhe,
                      email="desk@juhe.example")
    staff_user_create(username="sg_mail", password="x-pass-2026", role="community", jurisdiction=world.shuguang,
                      email="li@shuguang.example")
    staff_user_create(username="taihe_mail", password="x-pass-2026", role="subdistrict", jurisdiction=world.taihe,
                      email="taihe@taihe.example")


# Each case prepares work for its task and returns the message's keyword arguments.
def notify(world, **_):
    complaint_submit(complex=world.shuguang_east, category=f.CategoryFactory(), description="楼道灯坏了",
                     reporter_email="li@example.org")
    return _queued("complaints.notify")


def deliver_webhook(world, hotline, **_):  # noqa: F811 - the fixture's value
    complaint_submit(complex=world.heleju, category=f.CategoryFactory(code="lighting"), description="灯")
    return _queued("integrations.deliver_webhook")


def notify_workflow_event(world, **_):
    _staff_with_mail(world)
    worker = staff_user_create(username="li_open", password="x-pass-2026", role="community",
                               jurisdiction=world.shuguang, email="open@shuguang.example")
    open_election(world.shuguang_complex, worker)
    return _queued("redproperty.notify_workflow_event")


def export_run(world, **_):
    officer = staff_user_create(username="zhang_x", password="x-pass-2026", role="district", jurisdiction=world.guandu)
    _late_complaint(world)
    export_job_create(actor=officer, kind="complaints", params={}, total=1)
    return _queued("dashboard.export_run")


def notify_consequences(world, **_):
    _staff_with_mail(world)
    fail_quarter(world.shuguang_east, "2026Q3")
    firms_evaluate(period="2026Q3", today=datetime.date(2026, 10, 1))
    return _queued("properties.notify_consequences")


def evaluate_quarter(world, time_machine, hotline, **_):  # noqa: F811
    time_machine.move_to(QUARTER_RUN, tick=False)
    _staff_with_mail(world)
    full_evidence(world.heleju)
    fail_quarter(world.shuguang_east, "2026Q3")
    return {}


def sweep_overdue(world, **_):
    _late_complaint(world)
    return {}


def close_unrated(world, **_):
    _late_complaint(world, status=Status.RESOLVED, resolved_at=timezone.now() - datetime.timedelta(days=8))
    return {}


def remind_deadlines(world, time_machine, **_):
    time_machine.move_to(datetime.datetime(2026, 11, 26, 8, 0, tzinfo=SHANGHAI), tick=False)
    _staff_with_mail(world)
    world.juhe_contract.end_date = datetime.date(2027, 2, 1)
    world.juhe_contract.save()
    return {}


def store_rates(world, time_machine, **_):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 3, 0, tzinfo=SHANGHAI), tick=False)
    f.ComplaintFactory(complex=world.heleju, submitted_at=datetime.datetime(2026, 11, 20, 12, tzinfo=SHANGHAI))
    return {}


def outbox_sweep(world, **_):
    complaint_submit(complex=world.shuguang_east, category=f.CategoryFactory(), description="楼道灯坏了",
                     reporter_email="li@example.org")  # its notification left pending, as with the broker down
    return {}


def sweep_elections(world, time_machine, **_):
    _staff_with_mail(world)
    worker = staff_user_create(username="li_open", password="x-pass-2026", role="community",
                               jurisdiction=world.shuguang)
    open_election(world.shuguang_complex, worker)  # its first step due 2026-10-30
    f.CommitteeFactory(complex=world.heleju, term_start=datetime.date(2021, 11, 1), term_end=datetime.date(2026, 10, 31))
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI), tick=False)
    return {}


def sweep_exits(world, time_machine, **_):
    from properties.services import contract_put_under_exit_review, exit_open

    _staff_with_mail(world)
    officer = staff_user_create(username="zhang_exit", password="x-pass-2026", role="district",
                                jurisdiction=world.guandu)
    contract = contract_put_under_exit_review(actor=officer, contract=world.juhe_contract, reason="考评不合格")
    exit_open(actor=officer, contract=contract, opened_on=datetime.date(2026, 9, 1))  # decision due 2026-10-01
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI), tick=False)
    return {}


def sweep_referrals(world, time_machine, **_):
    from complaints.models import Department, DepartmentKind, ReferralMatter
    from complaints.services import referral_open

    _staff_with_mail(world)
    worker = staff_user_create(username="li_refer", password="x-pass-2026", role="community",
                               jurisdiction=world.shuguang)
    city = Department.objects.create(name="官渡区城市管理局", kind=DepartmentKind.URBAN_MANAGEMENT, reply_days=10,
                                     contact_email="cg@guandu.example")
    complaint = complaint_submit(complex=world.shuguang_east, category=f.CategoryFactory(), description="顶楼私搭违建")
    referral_open(actor=worker, complaint=complaint, department=city, matter=ReferralMatter.ILLEGAL_BUILDING,
                  summary="请城管部门查处违建", referred_on=datetime.date(2026, 11, 2))  # reply due 2026-11-12
    return {}


def sweep_applications(world, time_machine, **_):
    from partybranches.services import application_submit

    _staff_with_mail(world)
    worker = staff_user_create(username="li_apply", password="x-pass-2026", role="community",
                               jurisdiction=world.shuguang)
    application_submit(actor=worker, community=world.shuguang, complex=world.shuguang_east, name="红管家进楼栋",
                       summary="每名红管家联系十户居民", materials="申报书\n照片",
                       submitted_on=datetime.date(2026, 8, 1))  # review due within 60 days: past
    return {}


def sweep_mediations(world, time_machine, **_):
    from communities.services import mediation_open

    _staff_with_mail(world)
    worker = staff_user_create(username="li_mediate", password="x-pass-2026", role="community",
                               jurisdiction=world.shuguang)
    mediation_open(actor=worker, complex=world.shuguang_east, subject="楼上漏水", description="漏水",
                   opened_on=datetime.date(2026, 10, 1), mediator="王调解员",
                   parties=[{"name": "张阿姨", "side": "resident"}, {"name": "巨和物业", "side": "firm"}])
    time_machine.move_to(datetime.datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI), tick=False)
    return {}


def anonymise_expired(world, **_):
    f.ComplaintFactory(complex=world.heleju, status=Status.CLOSED, reporter_name="李阿姨",
                       reporter_phone="13812345678",
                       closed_at=timezone.now() - datetime.timedelta(days=4 * 365))
    return {}


def refresh_place_figures(world, **_):
    _late_complaint(world)
    return {}


CASES = {
    "complaints.notify": notify,
    "integrations.deliver_webhook": deliver_webhook,
    "redproperty.notify_workflow_event": notify_workflow_event,
    "dashboard.export_run": export_run,
    "properties.notify_consequences": notify_consequences,
    "properties.evaluate_quarter": evaluate_quarter,
    "properties.remind_deadlines": remind_deadlines,
    "complaints.sweep_overdue": sweep_overdue,
    "complaints.close_unrated": close_unrated,
    "complaints.store_rates": store_rates,
    "communities.sweep_elections": sweep_elections,
    "properties.sweep_exits": sweep_exits,
    "communities.sweep_mediations": sweep_mediations,
    "complaints.sweep_referrals": sweep_referrals,
    "partybranches.sweep_applications": sweep_applications,
    "redproperty.outbox_sweep": outbox_sweep,
    "dashboard.refresh_place_figures": refresh_place_figures,
    "complaints.anonymise_expired": anonymise_expired,
}


def project_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_task_of_the_project_has_a_case():
    assert project_tasks() == set(CASES)


def held(receiver) -> dict:  # noqa: F811
    """Everything the platform holds and has sent."""
    state = {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in apps.get_models()}
    with connection.cursor() as cursor:
        # The cache's entries, not their values: a refresh delivered again rewrites the same
        # entries with the figures as of its own run, which is no double effect.
        cursor.execute("SELECT cache_key FROM django_cache ORDER BY cache_key")
        state["cache"] = cursor.fetchall()
    state["mail"] = [(m.subject, sorted(m.to), m.body) for m in mail.outbox]
    media = Path(settings.MEDIA_ROOT)
    state["files"] = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    state["webhooks"] = [(r["event"], r["body"]) for r in receiver.received]
    return state


def changes(before: dict, after: dict) -> dict:
    """What differs, per model (or cache, mail, ...): the items only before and only after."""
    found = {}
    for key in before:
        if before[key] != after[key]:
            gone = [item for item in before[key] if item not in after[key]]
            new = [item for item in after[key] if item not in before[key]]
            found[key] = {"gone": gone, "new": new} if gone or new else "reordered or repeated"
    return found


@pytest.mark.parametrize("task_name", sorted(CASES))
def test_a_task_delivered_twice_acts_once(task_name, world, hotline, receiver, time_machine):  # noqa: F811
    time_machine.move_to(datetime.datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False)
    kwargs = CASES[task_name](world=world, hotline=hotline, time_machine=time_machine)
    task = app.tasks[task_name]
    task_id = f"redelivered-{task_name}"

    before = held(receiver)
    task.apply(kwargs=kwargs, task_id=task_id, throw=True)
    once = held(receiver)
    time_machine.shift(datetime.timedelta(minutes=5))  # the redelivery comes later
    task.apply(kwargs=kwargs, task_id=task_id, throw=True)
    twice = held(receiver)

    assert changes(before, once), f"{task_name}: the first delivery did nothing, so the case proves nothing"
    assert changes(once, twice) == {}
