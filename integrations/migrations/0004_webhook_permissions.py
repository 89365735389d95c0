"""District staff manage webhooks and read (and replay) their deliveries."""
from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("integrations", "0003_webhooks")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
