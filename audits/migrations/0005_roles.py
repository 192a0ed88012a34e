"""Create the roles as groups with their permissions (see audits/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from audits.roles import ROLES


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    audits = permission_model.objects.filter(content_type__app_label="audits")
    for name, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        if codenames == ["*"]:
            wanted = audits | permission_model.objects.filter(content_type__app_label="auth")
        else:
            wanted = audits.filter(codename__in=codenames)
            missing = set(codenames) - set(wanted.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Role {name!r} names unknown permissions: {sorted(missing)}")
        group.permissions.set(wanted)


class Migration(migrations.Migration):
    dependencies = [("audits", "0004_permissions"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
