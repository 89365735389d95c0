from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    """Role groups synced again after the workbench's models (reply templates, cited evaluations)."""

    dependencies = [
        ("properties", "0004_role_groups"),
        ("complaints", "0008_reply_templates"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
