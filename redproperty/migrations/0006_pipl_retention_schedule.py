"""The daily PIPL retention sweep, as a django-celery-beat row. Crontab times are Asia/Shanghai."""
import importlib

from django.db import migrations

_schedules = importlib.import_module("redproperty.migrations.0002_schedules")

SCHEDULES = [
    ("个人信息到期匿名化", "complaints.anonymise_expired", ("crontab", "0", "4", "*", "*"),
     "Erase reporters' personal data and photos from complaints closed more than PIPL_RETENTION_DAYS ago (daily)."),
]


def create(apps, schema_editor):
    _schedules.create_schedules(apps, schema_editor, SCHEDULES)


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("redproperty", "0005_close_unrated_schedule_name")]

    operations = [migrations.RunPython(create, remove)]
