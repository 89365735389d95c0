"""The default evaluation scheme of DESIGN.md ("Firm evaluation"), as version 1."""
from django.db import migrations


def create_default_scheme(apps, schema_editor):
    EvaluationScheme = apps.get_model("properties", "EvaluationScheme")
    if not EvaluationScheme.objects.exists():
        # Every other figure is the model field's default.
        EvaluationScheme.objects.create(
            version=1,
            is_active=True,
            note="Default scheme: city credit-scoring schemes and red-property demonstration scoring tables.",
        )


class Migration(migrations.Migration):
    dependencies = [("properties", "0002_evaluation")]

    operations = [migrations.RunPython(create_default_scheme, migrations.RunPython.noop)]
