"""The scheduled work, as seeded by the django-celery-beat data migration."""
import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from redproperty.celery import app
from tests.instants import MONTH_FIRST_MINUTE, QUARTER_FIRST_MINUTE, QUARTER_LAST_MINUTE, SHANGHAI

pytestmark = pytest.mark.django_db


def schedule_of(task_name):
    task = PeriodicTask.objects.select_related("crontab", "interval").get(task=task_name)
    assert task.enabled
    if task.crontab:
        c = task.crontab
        return ("crontab", c.minute, c.hour, c.day_of_month, c.month_of_year, c.day_of_week, str(c.timezone))
    return ("every", task.interval.every, task.interval.period)


def test_each_job_runs_on_its_schedule():
    assert schedule_of("properties.evaluate_quarter") == ("crontab", "0", "2", "1", "1,4,7,10", "*", "Asia/Shanghai")
    assert schedule_of("complaints.sweep_overdue") == ("every", 15, "minutes")
    assert schedule_of("complaints.close_unrated")[:3] == ("crontab", "30", "1")
    assert schedule_of("properties.remind_deadlines")[:5] == ("crontab", "0", "8", "*", "*")
    assert schedule_of("complaints.store_rates")[:5] == ("crontab", "0", "3", "1", "*")
    assert schedule_of("redproperty.outbox_sweep") == ("every", 1, "minutes")


def test_the_quarterly_run_falls_on_the_first_day_of_the_quarter_at_two_in_shanghai():
    crontab = PeriodicTask.objects.get(task="properties.evaluate_quarter").crontab.schedule
    tz = crontab.tz
    last_run = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=tz)
    start, forward, _now = crontab.remaining_delta(last_run)
    assert (start + forward).replace(tzinfo=None) == datetime.datetime(2027, 1, 1, 2, 0)


def test_every_scheduled_task_exists_in_the_celery_app():
    app.loader.import_default_modules()
    missing = set(PeriodicTask.objects.values_list("task", flat=True)) - set(app.tasks)
    assert not missing


def test_tasks_declare_late_acks_time_limits_and_retries():
    app.loader.import_default_modules()
    for name in ("properties.evaluate_quarter", "properties.notify_consequences", "properties.remind_deadlines"):
        task = app.tasks[name]
        assert task.acks_late and task.time_limit and task.soft_time_limit < task.time_limit
        assert task.autoretry_for and task.retry_backoff


@pytest.mark.parametrize("instant, quarter", [
    (QUARTER_LAST_MINUTE, "2026Q2"),   # 23:59 on 30 September in Shanghai: the third quarter is not over
    (QUARTER_FIRST_MINUTE, "2026Q3"),  # 00:00 on 1 October in Shanghai (16:00 on 30 September in UTC)
    (datetime.datetime(2026, 10, 1, 2, 0, tzinfo=SHANGHAI), "2026Q3"),  # when the beat runs it
    (MONTH_FIRST_MINUTE, "2026Q3"),    # a month, not a quarter, begins
], ids=["2026-09-30T23:59+08", "2026-10-01T00:00+08", "2026-10-01T02:00+08", "2026-12-01T00:00+08"])
def test_the_quarterly_task_evaluates_the_quarter_just_ended(world, time_machine, instant, quarter):
    from properties.models import FirmEvaluation

    time_machine.move_to(instant, tick=False)
    summary = app.tasks["properties.evaluate_quarter"].apply().get()
    assert summary["period"] == quarter
    assert FirmEvaluation.objects.filter(period=quarter).count() == 4
