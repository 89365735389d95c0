# Constraint violations tell the user what to do (issue 8); no change to the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('properties', '0005_firm_staff_see_inspections'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='creditevent',
            name='credit_points_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('points__gte', 0)), name='credit_points_not_negative', violation_error_message='Enter the points as a positive number: the kind of event decides whether they are added or deducted.'),
        ),
        migrations.AlterConstraint(
            model_name='deadlinereminder',
            name='reminder_once_per_contract_end',
            constraint=models.UniqueConstraint(fields=('contract', 'ends_on'), name='reminder_once_per_contract_end', violation_error_message="A reminder of this contract's end date already exists; it is sent once, so there is nothing to add."),
        ),
        migrations.AlterConstraint(
            model_name='deadlinereminder',
            name='reminder_once_per_committee_end',
            constraint=models.UniqueConstraint(fields=('committee', 'ends_on'), name='reminder_once_per_committee_end', violation_error_message="A reminder of this committee's term end already exists; it is sent once, so there is nothing to add."),
        ),
        migrations.AlterConstraint(
            model_name='deadlinereminder',
            name='reminder_names_its_item',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('committee__isnull', True), ('contract__isnull', False), ('kind', 'contract_ending')), models.Q(('committee__isnull', False), ('contract__isnull', True), ('kind', 'committee_term_ending')), _connector='OR'), name='reminder_names_its_item', violation_error_message='A contract reminder names the contract and a term reminder names the committee: choose the one that matches the kind.'),
        ),
        migrations.AlterConstraint(
            model_name='evaluationconsequence',
            name='consequence_one_per_kind_contract_period',
            constraint=models.UniqueConstraint(fields=('contract', 'period', 'kind'), name='consequence_one_per_kind_contract_period', violation_error_message='This consequence is already recorded for this contract and quarter: open the existing one.'),
        ),
        migrations.AlterConstraint(
            model_name='evaluationscheme',
            name='scheme_one_active',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('is_active',), name='scheme_one_active', violation_error_message='Another evaluation scheme is in use: switch that one off first.'),
        ),
        migrations.AlterConstraint(
            model_name='evaluationscheme',
            name='scheme_fee_steps_descend',
            constraint=models.CheckConstraint(condition=models.Q(('fee_full_min__gt', models.F('fee_three_quarters_min')), ('fee_full_min__lte', 100), ('fee_three_quarters_min__gt', models.F('fee_half_min'))), name='scheme_fee_steps_descend', violation_error_message='Fee-rate steps must descend (full > three quarters > half) and the full step is at most 100 per cent: correct the steps.'),
        ),
        migrations.AlterConstraint(
            model_name='feecollection',
            name='fee_one_per_complex_month',
            constraint=models.UniqueConstraint(fields=('complex', 'period'), name='fee_one_per_complex_month', violation_error_message="This complex's fee collection for this month is already recorded: correct that record instead."),
        ),
        migrations.AlterConstraint(
            model_name='firmevaluation',
            name='evaluation_one_per_contract_period_scheme',
            constraint=models.UniqueConstraint(condition=models.Q(('contract__isnull', False)), fields=('contract', 'period', 'scheme'), name='evaluation_one_per_contract_period_scheme', violation_error_message='This contract is already evaluated for this quarter with this scheme: run the evaluation again instead of adding one.'),
        ),
        migrations.AlterConstraint(
            model_name='firmevaluation',
            name='evaluation_one_rollup_per_firm_period_scheme',
            constraint=models.UniqueConstraint(condition=models.Q(('contract__isnull', True)), fields=('firm', 'period', 'scheme'), name='evaluation_one_rollup_per_firm_period_scheme', violation_error_message="This firm's roll-up for this quarter with this scheme already exists: run the evaluation again instead of adding one."),
        ),
        migrations.AlterConstraint(
            model_name='firmevaluation',
            name='evaluation_contract_has_complex',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('complex__isnull', True), ('contract__isnull', True)), models.Q(('complex__isnull', False), ('contract__isnull', False)), _connector='OR'), name='evaluation_contract_has_complex', violation_error_message="An evaluation of a contract names the contract's complex; a firm's roll-up names neither: fill in both or neither."),
        ),
        migrations.AlterConstraint(
            model_name='firmevaluation',
            name='evaluation_grade_matches_status',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('grade', ''), ('status', 'insufficient'), ('total__isnull', True)), models.Q(('status', 'scored'), ('total__isnull', False), models.Q(('grade', ''), _negated=True)), models.Q(('grade', 'fail'), ('status', 'vetoed')), _connector='OR'), name='evaluation_grade_matches_status', violation_error_message='The grade must match the result: a scored evaluation has a total and a grade, a vetoed one is graded fail, one with too little data has neither.'),
        ),
        migrations.AlterConstraint(
            model_name='firmevaluation',
            name='evaluation_period_format',
            constraint=models.CheckConstraint(condition=models.Q(('period__regex', '^\\d{4}Q[1-4]$')), name='evaluation_period_format', violation_error_message="Enter the quarter as the year, Q and the quarter's number, e.g. 2026Q3."),
        ),
        migrations.AlterConstraint(
            model_name='inspection',
            name='inspection_items_at_most_20',
            constraint=models.CheckConstraint(condition=models.Q(('cleaning__lte', 20), ('equipment__lte', 20), ('greening__lte', 20), ('order_security__lte', 20), ('records__lte', 20)), name='inspection_items_at_most_20', violation_error_message='Each checklist item scores at most 20 points: correct the items above 20.'),
        ),
        migrations.AlterConstraint(
            model_name='satisfactionsurvey',
            name='survey_sample_positive',
            constraint=models.CheckConstraint(condition=models.Q(('sample_size__gte', 1)), name='survey_sample_positive', violation_error_message='A survey asks at least one household: enter the sample size.'),
        ),
        migrations.AlterConstraint(
            model_name='servicecontract',
            name='contract_fee_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('fee_standard__gte', 0)), name='contract_fee_not_negative', violation_error_message='The fee standard cannot be negative: enter 0 or more yuan per m² per month.'),
        ),
    ]
