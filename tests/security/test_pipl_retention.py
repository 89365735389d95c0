"""PIPL retention (issue 9, PIPL): complaints closed or rejected more than PIPL_RETENTION_DAYS
ago (three years by default) lose the reporter's personal data and photos, daily by Celery
beat; younger and open ones keep theirs; the complaint stays for the figures."""
from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from complaints import tasks
from complaints.models import Attachment, Complaint, Status
from complaints.photos import clean_photo
from complaints.services import (
    complaint_accept, complaint_close, complaint_reject, complaint_resolve, complaint_submit,
)
from tests import factories as f
from tests.complaints.photo_files import image_bytes, upload

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = datetime.datetime(2023, 3, 1, 9, 0, tzinfo=SHANGHAI)


def filed(world, category, **extra):
    photo = clean_photo(upload(image_bytes("JPEG"), name="p.jpg"))
    return complaint_submit(complex=world.shuguang_east, category=category, description="楼道灯坏了",
                            reporter_name="李阿姨", reporter_phone="13812345678", reporter_email="li@example.org",
                            location_detail="5栋2单元301", photos=[photo], **extra)


def test_closed_complaints_past_the_retention_are_anonymised_by_the_daily_task(world, shuguang_worker, settings):
    assert settings.PIPL_RETENTION_DAYS == 3 * 365
    category = f.CategoryFactory(code="lighting")
    with time_machine.travel(FILED, tick=False):
        old = filed(world, category)
        complaint_accept(complaint=old, actor=shuguang_worker, note="已联系")
        complaint_resolve(complaint=old, actor=shuguang_worker, note="已修好")
        complaint_close(complaint=old, actor=shuguang_worker)
        rejected = complaint_reject(complaint=filed(world, category), actor=shuguang_worker, reason="不属于物业")
        still_open = filed(world, category)
    with time_machine.travel(FILED + datetime.timedelta(days=2 * 365), tick=False):
        recent = filed(world, category)
        complaint_reject(complaint=recent, actor=shuguang_worker, reason="重复")
    photo_file = old.attachments.get().image
    assert photo_file.storage.exists(photo_file.name)

    with time_machine.travel(FILED + datetime.timedelta(days=3 * 365 + 2), tick=False):
        assert tasks.anonymise_expired.delay().get() == 2
        assert tasks.anonymise_expired.delay().get() == 0  # run twice, nothing more to do

    for complaint in (old, rejected):
        complaint.refresh_from_db()
        assert (complaint.reporter_name, complaint.reporter_phone, complaint.reporter_email,
                complaint.location_detail) == ("", "", "", "")
        assert not complaint.attachments.exists()
        assert complaint.description == "楼道灯坏了" and complaint.complex == world.shuguang_east
    assert old.status == Status.CLOSED and rejected.status == Status.REJECTED
    assert not photo_file.storage.exists(photo_file.name)
    for kept in (still_open, recent):
        kept.refresh_from_db()
        assert kept.reporter_phone == "13812345678" and kept.attachments.count() == 1
    assert Complaint.objects.count() == 4 and Attachment.objects.count() == 2


def test_a_shorter_retention_from_the_setting(world, shuguang_worker, settings):
    settings.PIPL_RETENTION_DAYS = 30
    category = f.CategoryFactory(code="lighting")
    with time_machine.travel(FILED, tick=False):
        complaint = complaint_reject(complaint=filed(world, category), actor=shuguang_worker, reason="不属于物业")
    with time_machine.travel(FILED + datetime.timedelta(days=29), tick=False):
        assert tasks.anonymise_expired.delay().get() == 0
    with time_machine.travel(FILED + datetime.timedelta(days=31), tick=False):
        assert tasks.anonymise_expired.delay().get() == 1
    complaint.refresh_from_db()
    assert complaint.reporter_phone == ""


def test_it_runs_daily_from_beat():
    task = PeriodicTask.objects.select_related("crontab").get(task="complaints.anonymise_expired")
    assert task.enabled and (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "4", "*")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
