from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    """Role permissions for the models added since 0002 (rate snapshots)."""

    dependencies = [
        ("complaints", "0004_seed_categories"),
        ("properties", "0004_role_groups"),
        ("partybranches", "0002_agenda_item"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
