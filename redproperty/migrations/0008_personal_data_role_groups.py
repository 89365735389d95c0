"""District staff may export everything held about one phone number (PIPL); subdistrict and
community staff may not. After integrations' last sync, so that this one sees every model."""
from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("redproperty", "0007_personal_data_access"),
        ("integrations", "0005_firm_staff_see_own_inspections"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
