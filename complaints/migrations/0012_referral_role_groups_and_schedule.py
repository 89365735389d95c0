"""Role permissions on departments, referrals and 12345 work orders, and the daily sweep of
referrals past their reply deadline as a django-celery-beat row (Asia/Shanghai)."""
import importlib

from django.db import migrations

from redproperty.roles import sync_role_groups

_schedules = importlib.import_module("redproperty.migrations.0002_schedules")

SCHEDULES = [
    ("部门转办答复期限检查", "complaints.sweep_referrals", ("crontab", "30", "7", "*", "*"),
     "Flag referrals to departments whose reply is past its deadline (daily, once per deadline)."),
]


def create(apps, schema_editor):
    _schedules.create_schedules(apps, schema_editor, SCHEDULES)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0011_referrals_and_hotline_work_orders"),
        ("redproperty", "0002_schedules"),
    ]

    operations = [
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
        migrations.RunPython(create, remove),
    ]
