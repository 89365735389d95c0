from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    """Role permissions on committee elections and their events."""

    dependencies = [
        ("communities", "0004_committee_elections"),
        ("complaints", "0005_role_groups"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
