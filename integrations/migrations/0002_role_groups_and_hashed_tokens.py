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
        ("complaints", "__latest__"),
        ("properties", "__latest__"),
        ("partybranches", "__latest__"),
        ("communities", "__latest__"),
        ("authtoken", "__latest__"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
        migrations.RunPython(hash_clear_tokens, migrations.RunPython.noop),
    ]
