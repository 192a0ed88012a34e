"""Gave the roles the compliance permissions, once; now the roles are applied by audits.register.roles.roles_apply, a post_migrate
receiver, so that no migration imports live code. Kept as a step that does nothing so that the
migration history of every database stays the same."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audits", "0010_policy_profiles")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
