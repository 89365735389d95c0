"""Admin pages a Chinese user opens read in Chinese: Django's own table headers that its
catalogue lacks, django-celery-beat's schedule pages, the default evaluation scheme's name and
the scheduled task that closes unrated complaints."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from properties.models import EvaluationScheme

pytestmark = pytest.mark.django_db


def test_the_admin_index_table_headers_are_chinese(district_officer, as_user):
    page = as_user(district_officer).get(reverse("admin:index")).content.decode()
    assert '<th scope="col">数据类型</th>' in page
    assert '<th scope="col">新增链接</th>' in page
    assert '<th scope="col">修改或查看列表链接</th>' in page
    for english in ("Model name", "Add link", "Change or view list link"):
        assert english not in page


def test_the_schedule_pages_of_celery_beat_are_chinese(superuser, as_user):
    client = as_user(superuser)
    task = PeriodicTask.objects.get(task="complaints.close_unrated")
    page = client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])).content.decode()
    assert "已办结未评价诉求自动结案" in page
    for heading in (">计划</h2>", ">参数</h2>", ">执行选项</h2>"):
        assert heading in page
    assert "任务名" in page  # celery-beat's own word for the task's name
    assert "姓名" not in page  # a person's name: the project's word, not celery-beat's
    for english in ("Schedule<", "Arguments<", "Execution Options"):
        assert english not in page

    crontab = CrontabSchedule.objects.filter(month_of_year="1,4,7,10").first()
    page = client.get(reverse("admin:django_celery_beat_crontabschedule_change", args=[crontab.pk])).content.decode()
    assert "分钟" in page and "会议纪要" not in page  # was the joint meeting's "Minutes"
    assert "按 Cron 格式填写一年中运行的月份（1-12）" in page
    assert "Cron Months" not in page and "Cron Days Of The Week" not in page


def test_the_default_scheme_has_a_chinese_name(district_officer, as_user):
    scheme = EvaluationScheme.objects.get(version=1)
    assert scheme.note.startswith("官渡区物业服务企业评价方案（默认）")
    page = as_user(district_officer).get(reverse("admin:properties_evaluationscheme_change", args=[scheme.pk]))
    assert "官渡区物业服务企业评价方案（默认）" in page.content.decode()
    assert "Default scheme" not in page.content.decode()


def test_the_task_that_closes_unrated_complaints_says_it_closes_them():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert PeriodicTask.objects.get(task="complaints.close_unrated").name == "已办结未评价诉求自动结案"
    assert "未评价诉求自动办结" not in names
