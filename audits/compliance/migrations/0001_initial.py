"""Models moved here from the audits app in Django's state only; the tables are unchanged."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audits', '0019_free_text_limits'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the tables exist already, under their old names (db_table).
            state_operations=[
                migrations.CreateModel(
                    name='PolicyProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True)),
                        ('name', models.CharField(max_length=120)),
                        ('description', models.TextField(blank=True, max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)])),
                        ('source', models.CharField(help_text='The document the profile follows.', max_length=300)),
                        ('all_forces', models.BooleanField(default=False, help_text="Judge every force's records (else only the forces listed).")),
                    ],
                    options={
                        'db_table': 'audits_policyprofile',
                        'ordering': ['code'],
                    },
                ),
                migrations.CreateModel(
                    name='Rule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(help_text="The rule's id within its profile.", max_length=60)),
                        ('description', models.TextField(max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)])),
                        ('source', models.CharField(max_length=300)),
                        ('severity', models.CharField(choices=[('info', 'Information'), ('minor', 'Minor'), ('major', 'Major'), ('critical', 'Critical')], max_length=10)),
                        ('applies_to', models.CharField(choices=[('authorisation', 'Authorisation'), ('deployment', 'Deployment'), ('watchlist', 'Watchlist'), ('alert', 'Alert'), ('search', 'Search')], max_length=20)),
                        ('check_name', models.CharField(help_text='Name of the check in compliance/checks.py.', max_length=60)),
                        ('parameters', models.JSONField(blank=True, default=dict)),
                        ('active', models.BooleanField(default=True)),
                    ],
                    options={
                        'db_table': 'audits_rule',
                        'ordering': ['profile', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='Finding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('record_label', models.CharField(max_length=200)),
                        ('message', models.TextField(max_length=10000, validators=[django.core.validators.MaxLengthValidator(10000)])),
                        ('severity', models.CharField(choices=[('info', 'Information'), ('minor', 'Minor'), ('major', 'Major'), ('critical', 'Critical')], max_length=10)),
                        ('state', models.CharField(choices=[('open', 'Open'), ('resolved', 'Resolved')], default='open', max_length=10)),
                        ('first_seen', models.DateTimeField(auto_now_add=True)),
                        ('last_evaluated', models.DateTimeField(auto_now=True)),
                        ('resolved_at', models.DateTimeField(blank=True, null=True)),
                        ('assigned_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_findings', to=settings.AUTH_USER_MODEL)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                    ],
                    options={
                        'db_table': 'audits_finding',
                        'ordering': ['state', '-first_seen'],
                    },
                ),
            ],
        ),
    ]
