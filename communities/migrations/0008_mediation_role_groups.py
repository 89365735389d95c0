from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    """Role permissions on mediation cases, their parties, sessions and events."""

    dependencies = [
        ("communities", "0007_mediation"),
        ("complaints", "0005_role_groups"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
