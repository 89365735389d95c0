"""The daily sweep of firm exits past a step's deadline, as a django-celery-beat row. Crontab
times are Asia/Shanghai."""
import importlib

from django.db import migrations

_schedules = importlib.import_module("redproperty.migrations.0002_schedules")

SCHEDULES = [
    ("物业退出期限检查", "properties.sweep_exits", ("crontab", "10", "7", "*", "*"),
     "Flag firm exits and handovers past a step's deadline (daily)."),
]


def create(apps, schema_editor):
    _schedules.create_schedules(apps, schema_editor, SCHEDULES)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("properties", "0009_exit_role_groups"), ("redproperty", "0002_schedules")]

    operations = [migrations.RunPython(create, remove)]
