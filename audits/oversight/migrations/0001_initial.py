"""Models moved here from the audits app in Django's state only; the tables are unchanged."""

import django.core.validators
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
                    name='CommissionerReview',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_start', models.DateField(blank=True, null=True)),
                        ('period_end', models.DateField(blank=True, null=True)),
                        ('subject', models.CharField(help_text='What is under review, in a line.', max_length=200)),
                        ('state', models.CharField(choices=[('open', 'Open'), ('information_requested', 'Information requested from the force'), ('answered', 'Force answered'), ('assessed', 'Assessed, awaiting sign-off'), ('returned', 'Returned to the evaluator'), ('signed_off', 'Signed off')], default='open', max_length=30)),
                        ('opened_at', models.DateTimeField(auto_now_add=True)),
                        ('assessment', models.TextField(blank=True, max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)])),
                        ('assessed_at', models.DateTimeField(blank=True, null=True)),
                        ('opinion', models.TextField(blank=True, max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)])),
                        ('signed_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'audits_commissionerreview',
                        'ordering': ['-opened_at'],
                        'permissions': [('conduct_commissioner_review', 'Can open, assess and sign off commissioner reviews'), ('answer_commissioner_review', "Can answer a commissioner's request for its force")],
                    },
                ),
                migrations.CreateModel(
                    name='ReviewMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('request', 'Request for information'), ('answer', "Force's answer"), ('return', 'Returned with a reason')], max_length=10)),
                        ('text', models.TextField(max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)])),
                        ('written_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'audits_reviewmessage',
                        'ordering': ['written_at', 'id'],
                    },
                ),
            ],
        ),
    ]
