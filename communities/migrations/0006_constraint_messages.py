# Constraint violations tell the user what to do (issue 8); no change to the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0005_election_role_groups'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='community',
            name='community_code_12_digits',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[0-9]{12}\\Z')), name='community_code_12_digits', violation_error_message="A community code is 12 digits, e.g. 530111002001: enter the statistics bureau's code."),
        ),
        migrations.AlterConstraint(
            model_name='district',
            name='district_code_6_digits',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[0-9]{6}\\Z')), name='district_code_6_digits', violation_error_message='A district code is 6 digits (GB/T 2260), e.g. 530111: enter it without spaces or letters.'),
        ),
        migrations.AlterConstraint(
            model_name='ownerscommittee',
            name='committee_term_end_after_start',
            constraint=models.CheckConstraint(condition=models.Q(('term_end__gt', models.F('term_start'))), name='committee_term_end_after_start', violation_error_message='The term must end after it starts: check the two dates.'),
        ),
        migrations.AlterConstraint(
            model_name='ownerscommittee',
            name='committee_one_active_per_complex',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('complex',), name='committee_one_active_per_complex', violation_error_message="This complex already has an owners' committee in office: end the current committee's term first."),
        ),
        migrations.AlterConstraint(
            model_name='ownerscommitteemember',
            name='committee_one_director',
            constraint=models.UniqueConstraint(condition=models.Q(('role', 'director')), fields=('committee',), name='committee_one_director', violation_error_message='A committee has one director: make the other director a deputy or a member first.'),
        ),
        migrations.AlterConstraint(
            model_name='residentialcomplex',
            name='complex_unique_name_in_community',
            constraint=models.UniqueConstraint(fields=('community', 'name'), name='complex_unique_name_in_community', violation_error_message='This community already has a complex of this name: open that one, or tell the two apart in the name.'),
        ),
        migrations.AlterConstraint(
            model_name='residentialcomplex',
            name='complex_year_built_plausible',
            constraint=models.CheckConstraint(condition=models.Q(('year_built__isnull', True), models.Q(('year_built__gte', 1900), ('year_built__lte', 2100)), _connector='OR'), name='complex_year_built_plausible', violation_error_message='Enter the year built as four digits between 1900 and 2100, or leave it empty.'),
        ),
        migrations.AlterConstraint(
            model_name='staffprofile',
            name='staff_profile_covers_its_role',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('community__isnull', True), ('district__isnull', False), ('firm__isnull', True), ('role', 'district'), ('subdistrict__isnull', True)), models.Q(('community__isnull', True), ('district__isnull', True), ('firm__isnull', True), ('role', 'subdistrict'), ('subdistrict__isnull', False)), models.Q(('community__isnull', False), ('district__isnull', True), ('firm__isnull', True), ('role', 'community'), ('subdistrict__isnull', True)), models.Q(('community__isnull', True), ('district__isnull', True), ('firm__isnull', False), ('role', 'firm'), ('subdistrict__isnull', True)), _connector='OR'), name='staff_profile_covers_its_role', violation_error_message='Choose only what the role covers: a district for district staff, a subdistrict for subdistrict staff, a community for community staff, a firm for firm staff; leave the others empty.'),
        ),
        migrations.AlterConstraint(
            model_name='subdistrict',
            name='subdistrict_code_9_digits',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[0-9]{9}\\Z')), name='subdistrict_code_9_digits', violation_error_message="A subdistrict code is 9 digits, e.g. 530111002: enter the statistics bureau's code."),
        ),
    ]
