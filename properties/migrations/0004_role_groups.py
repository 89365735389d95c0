"""Give the role groups their permissions on the evaluation models and agenda items."""
from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("properties", "0003_default_scheme"),
        ("partybranches", "0002_agenda_item"),
        ("communities", "0002_initial"),
        ("complaints", "0001_initial"),
        ("authtoken", "__latest__"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
