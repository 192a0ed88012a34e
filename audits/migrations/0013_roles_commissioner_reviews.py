"""Give the roles their permissions on commissioner reviews."""

from django.db import migrations

from audits.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("audits", "0012_commissioner_reviews")]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
