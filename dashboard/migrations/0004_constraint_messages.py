# Constraint violations tell the user what to do (issue 8); no change to the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0006_constraint_messages'),
        ('complaints', '0009_constraint_messages'),
        ('dashboard', '0003_month_snapshots'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='monthlycomplaintcount',
            name='monthly_complaint_count_unique',
            constraint=models.UniqueConstraint(fields=('period', 'community', 'category', 'channel'), name='monthly_complaint_count_unique', violation_error_message="This month's count for this community, category and channel is already stored: let the refresh update it instead of adding one."),
        ),
        migrations.AlterConstraint(
            model_name='monthlymedian',
            name='monthly_median_unique',
            constraint=models.UniqueConstraint(fields=('period', 'level', 'place_id'), name='monthly_median_unique', violation_error_message="This month's median times of this place are already stored: let the refresh update them instead of adding them."),
        ),
    ]
