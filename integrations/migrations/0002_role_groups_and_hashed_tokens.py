"""Integrator scope groups and the district's rights on integrators; and every API token that
rest_framework.authtoken kept in clear becomes a hashed personal key (same key, so no client
breaks), after which the clear copies are deleted."""
import hashlib

from django.db import migrations

from redproperty.roles import sync_role_groups


def hash_clear_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiKey = apps.get_model("integrations", "ApiKey")
    for token in Token.objects.all():
        ApiKey.objects.get_or_create(
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            defaults={"user_id": token.user_id, "prefix": token.key[:10], "name": "authtoken", "created_at": token.created},
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_integrators_and_api_keys"),
        # The apps' latest migrations when this one was written, named: "__latest__" would make
        # every later migration of these apps a dependency of this applied one, and `migrate`
        # would refuse an existing database (InconsistentMigrationHistory). Role groups are
        # brought up to date after every migrate anyway (redproperty/apps.py).
        ("complaints", "0006_rates_snapshot_response_due"),
        ("properties", "0004_role_groups"),
        ("partybranches", "0002_agenda_item"),
        ("communities", "0003_division_codes_ascii_digits"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
        migrations.RunPython(hash_clear_tokens, migrations.RunPython.noop),
    ]
