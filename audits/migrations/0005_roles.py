"""Created the role groups, once; now the roles are applied by audits.register.roles.roles_apply, a post_migrate
receiver, so that no migration imports live code. Kept as a step that does nothing so that the
migration history of every database stays the same."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0004_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
