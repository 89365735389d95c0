from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("communities", "0002_initial"),
        ("properties", "0001_initial"),
        ("partybranches", "0001_initial"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
