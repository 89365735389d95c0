"""The dashboard's schedule, as a django-celery-beat row (visible and editable in the admin):
this month's district and subdistrict figures recomputed into the cache every 5 minutes."""
from django.db import migrations
from django.utils import timezone

NAME = "看板数据刷新"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    interval, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.update_or_create(name=NAME, defaults={
        "task": "dashboard.refresh_place_figures", "interval": interval, "crontab": None, "enabled": True,
        "description": "Recompute this month's district and subdistrict dashboard figures into the cache.",
    })
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_export_jobs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
