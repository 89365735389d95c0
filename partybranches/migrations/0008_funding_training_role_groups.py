"""Role permissions on the funding and training registers."""
from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("partybranches", "0007_funding_and_training")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
