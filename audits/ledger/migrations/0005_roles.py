"""Each user's roles (`auth_user_groups`) are audited too (capture.audit_links): their rows get a
baseline entry, and on PostgreSQL the trigger journal watches the table."""

from django.db import migrations


def roles_baseline(apps, schema_editor):
    from audits.ledger.baseline import baseline_rows

    through = apps.get_model("auth", "User")._meta.get_field("groups").remote_field.through
    baseline_rows(apps.get_model("ledger", "LedgerEvent"), [through], schema_editor.connection.alias)


def roles_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from audits.ledger.journal import Journaled, triggers_sql

    schema_editor.execute(triggers_sql(Journaled("auth_user_groups")), params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_journal"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(roles_baseline, migrations.RunPython.noop),
        migrations.RunPython(roles_triggers, migrations.RunPython.noop),
    ]
