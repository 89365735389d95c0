from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    """Firm staff see the inspection results of the complexes their firm serves (the workbench)."""

    dependencies = [
        ("properties", "0004_role_groups"),
        ("complaints", "0008_reply_templates"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
