"""Residents hear about every change they can see: once, after commit, never on rollback,
and their phone number never reaches a log line or a Celery message unmasked."""
from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import translation

from complaints import services as s
from complaints import sms
from complaints.models import Category, Complaint
from redproperty import outbox
from redproperty.models import OutboxStatus, OutboxTask

PHONE = "13812345678"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "complaints.sms.MemorySmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (publishing the outbox) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def submit(world, **kwargs):
    return s.complaint_submit(complex=world.shuguang_east, category=Category.objects.get(code="elevators"),
                              description="3栋电梯困人", **kwargs)


def test_submission_sends_one_email_and_one_sms(world, sms_outbox, mailoutbox, committed):
    with translation.override("en"), committed():
        complaint = submit(world, reporter_phone=PHONE, reporter_email="li@example.org")

    assert len(mailoutbox) == 1 and len(sms_outbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["li@example.org"]
    assert complaint.tracking_code in mail.subject and complaint.tracking_code in mail.body
    assert sms_outbox[0]["phone"] == PHONE
    assert complaint.tracking_code in sms_outbox[0]["text"]
    assert PHONE not in mail.body and PHONE not in sms_outbox[0]["text"]
    assert OutboxTask.objects.get().status == OutboxStatus.DONE


def test_the_message_says_status_and_expected_date(world, sms_outbox, mailoutbox, committed, settings):
    settings.LANGUAGE_CODE = "en"  # messages are written in the site's language
    with committed():
        complaint = submit(world, reporter_email="li@example.org")

    body = mailoutbox[0].body
    assert "Status: Submitted" in body
    contact, resolve = (at.astimezone(ZoneInfo("Asia/Shanghai")) for at in (complaint.due_response_at, complaint.due_resolve_at))
    assert f"Contact expected by: {contact:%Y-%m-%d %H:%M}" in body
    assert f"Expected to be resolved by: {resolve:%Y-%m-%d %H:%M}" in body
    assert "Handled by: 巨和物业" in body
    assert sms_outbox == []  # no phone given: no SMS


def test_each_message_names_the_right_deadline_with_the_right_word(world, shuguang_worker, sms_outbox, mailoutbox,
                                                                    committed, time_machine):
    """A lift complaint: contact within 2 hours, resolution within days. Chinese, as residents get it."""
    time_machine.move_to(datetime.datetime(2026, 12, 1, 2, 10, tzinfo=SHANGHAI), tick=False)
    with committed():
        complaint = submit(world, reporter_phone=PHONE, reporter_email="li@example.org")
    with committed():
        s.complaint_accept(complaint=complaint, actor=shuguang_worker)
    contact = f"{complaint.due_response_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    resolve = f"{complaint.due_resolve_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    assert (contact, resolve) == ("2026-12-01 04:10", "2026-12-04 02:10")

    submitted, accepted = (message["text"] for message in sms_outbox)
    assert f"我们将在{contact}前与您联系受理" in submitted and "办结" not in submitted
    assert f"预计{resolve}前办结" in accepted and contact not in accepted
    submitted_mail, accepted_mail = (mail.body for mail in mailoutbox)
    assert f"预计联系时间: {contact}" in submitted_mail and f"预计办结时间: {resolve}" in submitted_mail
    assert f"预计办结时间: {resolve}" in accepted_mail and contact not in accepted_mail


def test_every_public_change_notifies_exactly_once(world, shuguang_worker, sms_outbox, committed):
    with committed():
        complaint = submit(world, reporter_phone=PHONE)
    steps = [
        lambda: s.complaint_accept(complaint=complaint, actor=shuguang_worker),
        lambda: s.complaint_start(complaint=complaint, actor=shuguang_worker),
        lambda: s.complaint_resolve(complaint=complaint, actor=shuguang_worker, note="已修复"),
        lambda: s.complaint_rate(complaint=complaint, rating=5),
    ]
    for number, step in enumerate(steps, start=2):
        with committed():
            step()
        assert len(sms_outbox) == number

    # Internal events (an overdue mark, a revealed phone) tell the resident nothing.
    with committed():
        s.complaint_reveal_phone(complaint=complaint, actor=shuguang_worker, door="admin")
    assert len(sms_outbox) == 5
    assert OutboxTask.objects.count() == 5


def test_nothing_is_sent_when_the_transaction_rolls_back(world, shuguang_worker, sms_outbox, mailoutbox, committed):
    with committed() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            complaint = submit(world, reporter_phone=PHONE, reporter_email="li@example.org")
            raise RuntimeError("the request failed after submitting")

    assert callbacks == []
    assert (sms_outbox, mailoutbox) == ([], [])
    assert not Complaint.objects.exists() and not OutboxTask.objects.exists()

    with committed():
        complaint = submit(world, reporter_phone=PHONE)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        s.complaint_accept(complaint=complaint, actor=shuguang_worker)
        raise RuntimeError("rolled back")
    assert len(sms_outbox) == 1 and OutboxTask.objects.count() == 1


def test_a_message_delivered_twice_is_sent_once(world, sms_outbox, committed):
    from complaints.tasks import notify

    with committed():
        submit(world, reporter_phone=PHONE)
    row = OutboxTask.objects.get()

    # The broker redelivers (acks_late) or the sweeper republishes: the outbox claim stops it.
    assert notify.apply(kwargs={**row.kwargs, "outbox_id": row.pk}).get() is False
    assert len(sms_outbox) == 1


def test_no_contact_means_no_notification_queued(world, shuguang_worker, committed):
    with committed():
        complaint = submit(world)
        s.complaint_accept(complaint=complaint, actor=shuguang_worker)

    assert not OutboxTask.objects.exists()


def test_the_phone_number_never_reaches_celery_or_the_log(world, shuguang_worker, committed, caplog, settings):
    settings.SMS_BACKEND = "complaints.sms.LoggingSmsBackend"
    with caplog.at_level(logging.INFO), committed():
        complaint = submit(world, reporter_phone=PHONE)
        s.complaint_accept(complaint=complaint, actor=shuguang_worker)

    assert all(PHONE not in str(row.kwargs) for row in OutboxTask.objects.all())
    assert [row.task_name for row in OutboxTask.objects.all()] == ["complaints.notify", "complaints.notify"]
    assert "138****5678" in caplog.text
    assert PHONE not in caplog.text


def test_a_broker_that_is_down_loses_nothing_and_fails_nothing(world, sms_outbox, celery_eager, committed):
    def fresh_connections():
        # Connections an earlier test opened on this worker would still reach the old broker.
        celery_eager.close()
        celery_eager._pool = None
        celery_eager.amqp._producer_pool = None

    celery_eager.conf.task_always_eager = False
    previous_url = celery_eager.conf.broker_url
    celery_eager.conf.broker_url = "redis://127.0.0.1:6390/0"  # nothing listens there
    fresh_connections()
    try:
        with committed():
            complaint = submit(world, reporter_phone=PHONE)
    finally:
        celery_eager.conf.broker_url = previous_url
        celery_eager.conf.task_always_eager = True
        fresh_connections()

    assert Complaint.objects.filter(pk=complaint.pk).exists()
    row = OutboxTask.objects.get()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert sms_outbox == []

    # The broker is back: the sweeper publishes it and the resident hears once.
    assert outbox.sweep() == 1
    assert outbox.sweep() == 0
    assert len(sms_outbox) == 1
