"""The response rate's denominator becomes its own count (complaints due for a response);
snapshots stored before counted every received complaint, so they keep that figure."""
from django.db import migrations, models


def keep_old_denominator(apps, schema_editor):
    RatesSnapshot = apps.get_model("complaints", "RatesSnapshot")
    RatesSnapshot.objects.update(response_due=models.F("received"))


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0005_role_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='ratessnapshot',
            name='response_due',
            field=models.PositiveIntegerField(default=0, help_text='Received and responded to, or past the response deadline.', verbose_name='due for response'),
        ),
        migrations.RunPython(keep_old_denominator, migrations.RunPython.noop),
    ]
