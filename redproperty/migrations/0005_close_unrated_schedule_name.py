"""The daily task that closes resolved complaints nobody rated was named 未评价诉求自动办结
("resolved automatically") although it closes them (结案): the name says what it does."""
from django.db import migrations
from django.utils import timezone

OLD_NAME = "未评价诉求自动办结"
NEW_NAME = "已办结未评价诉求自动结案"


def _rename(apps, old, new):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=old).update(name=new)
    # Tell a running beat to reload its schedule.
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()})


def rename(apps, schema_editor):
    _rename(apps, OLD_NAME, NEW_NAME)


def rename_back(apps, schema_editor):
    _rename(apps, NEW_NAME, OLD_NAME)


class Migration(migrations.Migration):
    dependencies = [("redproperty", "0004_outbox_task_id")]

    operations = [migrations.RunPython(rename, rename_back)]
