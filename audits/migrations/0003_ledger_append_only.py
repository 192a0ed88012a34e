"""On PostgreSQL, the database itself refuses UPDATE, DELETE and TRUNCATE on the ledger."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audits_ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audits_ledgerevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audits_ledger_no_update_delete BEFORE UPDATE OR DELETE ON audits_ledgerevent
    FOR EACH ROW EXECUTE FUNCTION audits_ledger_refuse_change();
CREATE TRIGGER audits_ledger_no_truncate BEFORE TRUNCATE ON audits_ledgerevent
    FOR EACH STATEMENT EXECUTE FUNCTION audits_ledger_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audits_ledger_no_update_delete ON audits_ledgerevent;
DROP TRIGGER IF EXISTS audits_ledger_no_truncate ON audits_ledgerevent;
DROP FUNCTION IF EXISTS audits_ledger_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audits", "0002_reference_data")]
    operations = [migrations.RunPython(create, drop)]
