"""Role permissions on red-project applications, and the daily sweep of applications past their
review or designation deadline as a django-celery-beat row (Asia/Shanghai)."""
import importlib

from django.db import migrations

from redproperty.roles import sync_role_groups

_schedules = importlib.import_module("redproperty.migrations.0002_schedules")

SCHEDULES = [
    ("红色物业项目申报期限检查", "partybranches.sweep_applications", ("crontab", "45", "7", "*", "*"),
     "Flag red-project applications whose review or designation is past its deadline (daily)."),
]


def create(apps, schema_editor):
    _schedules.create_schedules(apps, schema_editor, SCHEDULES)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partybranches", "0005_red_project_applications"),
        ("redproperty", "0002_schedules"),
    ]

    operations = [
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
        migrations.RunPython(create, remove),
    ]
