"""Models moved here from the audits app in Django's state only; the tables are unchanged."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0019_free_text_limits'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the tables exist already, under their old names (db_table).
            state_operations=[
                migrations.CreateModel(
                    name='LedgerEvent',
                    fields=[
                        ('seq', models.BigIntegerField(primary_key=True, serialize=False)),
                        ('occurred_at', models.CharField(help_text='ISO 8601, UTC, microseconds.', max_length=40)),
                        ('actor', models.CharField(blank=True, help_text='Username, or empty.', max_length=150)),
                        ('force', models.CharField(blank=True, help_text='Force code, or empty.', max_length=12)),
                        ('action', models.CharField(choices=[('create', 'Create'), ('update', 'Update'), ('delete', 'Delete draft'), ('submit', 'Submit'), ('review', 'Review'), ('amend', 'Amend'), ('withdraw', 'Withdraw'), ('import', 'Import'), ('export', 'Export'), ('login', 'Login'), ('login_failed', 'Failed login'), ('mfa_verified', 'Second factor passed'), ('mfa_failed', 'Failed second factor'), ('mfa_enrolled', 'Second factor enrolled'), ('recovery_code_used', 'Recovery code used'), ('permission_denied', 'Permission denied')], max_length=20)),
                        ('object_type', models.CharField(blank=True, max_length=60)),
                        ('object_id', models.CharField(blank=True, max_length=60)),
                        ('changes', models.TextField(help_text='Canonical JSON: {field: [before, after]} or details.')),
                        ('reason', models.TextField(blank=True)),
                        ('prev_hash', models.CharField(max_length=64)),
                        ('hash', models.CharField(max_length=64, unique=True)),
                    ],
                    options={
                        'db_table': 'audits_ledgerevent',
                        'ordering': ['seq'],
                        'indexes': [models.Index(fields=['object_type', 'object_id'], name='audits_ledg_object__95c5a7_idx'), models.Index(fields=['actor', 'occurred_at'], name='audits_ledg_actor_aa2b5d_idx'), models.Index(fields=['force', 'occurred_at'], name='audits_ledg_force_f8b59e_idx')],
                    },
                ),
            ],
        ),
    ]
