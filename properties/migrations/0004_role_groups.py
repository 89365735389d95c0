"""Give the role groups their permissions on the evaluation models and agenda items."""
from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("properties", "0003_default_scheme"),
        ("partybranches", "0002_agenda_item"),
        ("communities", "0002_initial"),
        ("complaints", "0001_initial"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
