"""Models moved here from the audits app in Django's state only; the tables are unchanged. (Their relations.)"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('oversight', '0001_initial'),
        ('register', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # State only: the tables exist already, under their old names (db_table).
            state_operations=[
                migrations.AddField(
                    model_name='commissionerreview',
                    name='deployment',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='commissioner_reviews', to='register.deployment'),
                ),
                migrations.AddField(
                    model_name='commissionerreview',
                    name='evaluator',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='commissionerreview',
                    name='force',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commissioner_reviews', to='register.force'),
                ),
                migrations.AddField(
                    model_name='commissionerreview',
                    name='opened_by',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='commissionerreview',
                    name='validator',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='reviewmessage',
                    name='author',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='reviewmessage',
                    name='review',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='oversight.commissionerreview'),
                ),
            ],
        ),
    ]
