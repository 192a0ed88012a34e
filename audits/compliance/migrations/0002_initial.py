"""Models moved here from the audits app in Django's state only; the tables are unchanged. (Their relations.)"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('compliance', '0001_initial'),
        ('register', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the tables exist already, under their old names (db_table).
            state_operations=[
                migrations.AddField(
                    model_name='finding',
                    name='force',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='findings', to='register.force'),
                ),
                migrations.AddField(
                    model_name='policyprofile',
                    name='forces',
                    field=models.ManyToManyField(blank=True, help_text='Forces whose records this profile judges.', related_name='policy_profiles', to='register.force'),
                ),
                migrations.AddField(
                    model_name='rule',
                    name='profile',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='compliance.policyprofile'),
                ),
                migrations.AddField(
                    model_name='finding',
                    name='rule',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='findings', to='compliance.rule'),
                ),
                migrations.AddConstraint(
                    model_name='rule',
                    constraint=models.UniqueConstraint(fields=('profile', 'code'), name='rule_unique_code'),
                ),
                migrations.AddIndex(
                    model_name='finding',
                    index=models.Index(fields=['force', 'state'], name='audits_find_force_i_91f879_idx'),
                ),
                migrations.AddConstraint(
                    model_name='finding',
                    constraint=models.UniqueConstraint(fields=('rule', 'content_type', 'object_id'), name='finding_once_per_rule'),
                ),
            ],
        ),
    ]
