"""Recorders submit what they record (issue 6's recording flow); reviewers still review."""

from django.db import migrations

from audits.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("audits", "0013_roles_commissioner_reviews")]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
