from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    """Role permissions on firm exits, their events and handover items."""

    dependencies = [
        ("properties", "0008_contract_exits"),
        ("communities", "0005_election_role_groups"),
        ("complaints", "0005_role_groups"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
