# Constraint violations tell the user what to do (issue 8); no change to the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0008_reply_templates'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='complaint',
            name='complaint_rating_1_to_5',
            constraint=models.CheckConstraint(condition=models.Q(('rating__isnull', True), models.Q(('rating__gte', 1), ('rating__lte', 5)), _connector='OR'), name='complaint_rating_1_to_5', violation_error_message='A rating is from 1 to 5: choose one of the five.'),
        ),
        migrations.AlterConstraint(
            model_name='complaint',
            name='complaint_rejection_has_reason',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('reject_reason', ''), _negated=True), _connector='OR'), name='complaint_rejection_has_reason', violation_error_message='Say why the complaint is not accepted.'),
        ),
        migrations.AlterConstraint(
            model_name='complaint',
            name='complaint_duplicate_points_at_original',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'duplicate'), _negated=True), ('duplicate_of__isnull', False), _connector='OR'), name='complaint_duplicate_points_at_original', violation_error_message='A duplicate names the original complaint: choose it by its tracking code.'),
        ),
        migrations.AlterConstraint(
            model_name='complaint',
            name='complaint_due_order',
            constraint=models.CheckConstraint(condition=models.Q(('due_resolve_at__gte', models.F('due_response_at'))), name='complaint_due_order', violation_error_message="The resolution deadline cannot come before the response deadline: check the category's time limits."),
        ),
        migrations.AlterConstraint(
            model_name='ratessnapshot',
            name='rates_snapshot_unique',
            constraint=models.UniqueConstraint(fields=('period', 'scope_kind', 'scope_id'), name='rates_snapshot_unique', violation_error_message="This month's rates of this place are already stored: refresh that snapshot instead."),
        ),
        migrations.AlterConstraint(
            model_name='ratessnapshot',
            name='rates_snapshot_first_of_month',
            constraint=models.CheckConstraint(condition=models.Q(('period__day', 1)), name='rates_snapshot_first_of_month', violation_error_message='A snapshot covers a whole month: enter the first day of the month.'),
        ),
    ]
