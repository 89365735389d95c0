"""Firm staff see their own inspection results again (view only; every door scopes them to the
inspections made while the firm's contract served the complex).

Here rather than in properties: 0002 depends on every app's latest migration, so the last
role-group sync of the project lives in this app."""
from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("integrations", "0004_webhook_permissions")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
