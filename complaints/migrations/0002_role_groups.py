from django.db import migrations

from redproperty.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("communities", "__latest__"),
        ("properties", "__latest__"),
        ("partybranches", "__latest__"),
        ("authtoken", "__latest__"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
