"""The daily sweep of owners' committee elections (deadlines, ended terms), as a
django-celery-beat row. Crontab times are Asia/Shanghai."""
import importlib

from django.db import migrations

_schedules = importlib.import_module("redproperty.migrations.0002_schedules")

SCHEDULES = [
    ("业委会选举期限检查", "communities.sweep_elections", ("crontab", "0", "7", "*", "*"),
     "Flag owners' committee elections past a step's deadline; take committees whose term ended out of office."),
]


def create(apps, schema_editor):
    _schedules.create_schedules(apps, schema_editor, SCHEDULES)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("redproperty", "0002_schedules")]

    operations = [migrations.RunPython(create, remove)]
