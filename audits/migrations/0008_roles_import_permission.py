"""Give the roles the new import permission (audits/roles.py is the source of truth)."""

from django.db import migrations

from audits.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("audits", "0007_import_permission")]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
