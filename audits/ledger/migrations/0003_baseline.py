"""One baseline entry per row that exists when exact capture starts (docs/ledger-format.md, 3.5).

The rows written before format 2 have format 1 histories, which prove that events were not
changed but cannot always rebuild a stored value exactly. Their state now is recorded once, in
format 2 events of action "baseline", and reconciliation starts from it: the verifier says that
these rows are proven since their baseline. On a new database it records the reference data
that earlier migrations wrote. It runs once; a later migration that writes audited rows records
them itself (capture.inserted_rows).
"""

from django.db import migrations

from audits.ledger.migrations._audited import AUDITED


def record_baseline(apps, schema_editor):
    from audits.ledger.baseline import baseline_rows

    models = [apps.get_model(app, name) for app, name in AUDITED]
    baseline_rows(apps.get_model("ledger", "LedgerEvent"), models, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_event_format_rows"),
        ("register", "0001_initial"),
        ("compliance", "0004_finding_record_index"),
        ("oversight", "0002_initial"),
    ]

    operations = [migrations.RunPython(record_baseline, migrations.RunPython.noop)]
