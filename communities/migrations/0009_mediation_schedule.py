"""The daily sweep of mediation cases past a step's deadline, as a django-celery-beat row.
Crontab times are Asia/Shanghai."""
import importlib

from django.db import migrations

_schedules = importlib.import_module("redproperty.migrations.0002_schedules")

SCHEDULES = [
    ("矛盾纠纷调解期限检查", "communities.sweep_mediations", ("crontab", "20", "7", "*", "*"),
     "Flag mediation cases past a step's deadline: first session, agreement, follow-up (daily)."),
]


def create(apps, schema_editor):
    _schedules.create_schedules(apps, schema_editor, SCHEDULES)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("communities", "0008_mediation_role_groups"), ("redproperty", "0002_schedules")]

    operations = [migrations.RunPython(create, remove)]
