# Constraint violations tell the user what to do (issue 8); no change to the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partybranches', '0003_meetings_cite_evaluations'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='redpropertyproject',
            name='redproject_unique_name_level',
            constraint=models.UniqueConstraint(fields=('name', 'level'), name='redproject_unique_name_level', violation_error_message='A project of this name is already designated at this level: open that one, or correct the name.'),
        ),
        migrations.AlterConstraint(
            model_name='redpropertyproject',
            name='redproject_year_plausible',
            constraint=models.CheckConstraint(condition=models.Q(('year_designated__gte', 2000), ('year_designated__lte', 2100)), name='redproject_year_plausible', violation_error_message='Enter the year designated as four digits between 2000 and 2100.'),
        ),
    ]
