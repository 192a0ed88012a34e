"""Every amendment has its force (0015 filled them in its own transaction: PostgreSQL refuses to
alter a table with pending constraint checks from rows just written)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audits", "0015_amendment_force")]

    operations = [
        migrations.AlterField(
            model_name="amendment",
            name="force",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="audits.force"
            ),
        ),
    ]
