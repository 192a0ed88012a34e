"""Give the roles their permissions on policy profiles, rules and findings."""

from django.db import migrations

from audits.roles import sync_roles


def update_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("audits", "0010_policy_profiles")]
    operations = [migrations.RunPython(update_roles, migrations.RunPython.noop)]
