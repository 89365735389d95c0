"""The platform's schedules, as django-celery-beat rows (visible and editable in the admin).

Crontab times are Asia/Shanghai. Re-running is harmless: rows are matched by name.
"""
from django.db import migrations
from django.utils import timezone

TZ = "Asia/Shanghai"

# name, task, schedule ("crontab", minute, hour, day_of_month, month_of_year) or ("every", n, "minutes"), description
SCHEDULES = [
    ("每季度物业服务企业考评", "properties.evaluate_quarter", ("crontab", "0", "2", "1", "1,4,7,10"),
     "Evaluate every firm for the quarter just ended (first day of the quarter, 02:00)."),
    ("逾期诉求标记与升级", "complaints.sweep_overdue", ("every", 15, "minutes"),
     "Mark overdue complaints and escalate them: firm, then community, then subdistrict, each step once."),
    ("未评价诉求自动办结", "complaints.close_unrated", ("crontab", "30", "1", "*", "*"),
     "Close resolved complaints left unrated for the configured number of days (daily)."),
    ("合同与业委会任期到期提醒", "properties.remind_deadlines", ("crontab", "0", "8", "*", "*"),
     "Remind of service contracts and owners' committee terms ending within 90 days (daily, once per item)."),
    ("每月三率存档", "complaints.store_rates", ("crontab", "0", "3", "1", "*"),
     "Store the month's response, resolution and satisfaction rates per firm, community and subdistrict."),
    ("任务发件箱补发", "redproperty.outbox_sweep", ("every", 1, "minutes"),
     "Publish work recorded while the broker was unavailable."),
]


def create_schedules(apps, schema_editor, schedules=SCHEDULES):
    """Create or update the rows of `schedules` (later schedule migrations pass their own)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, schedule, description in schedules:
        fields = {"task": task, "description": description, "enabled": True, "crontab": None, "interval": None}
        if schedule[0] == "crontab":
            _, minute, hour, day_of_month, month_of_year = schedule
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
                day_of_week="*", timezone=TZ,
            )
        else:
            _, every, period = schedule
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.update_or_create(name=name, defaults=fields)
    # Tell a running beat to reload its schedule.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("redproperty", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
