"""Reconciliation catches what raw SQL does behind the application, on every audited table: a
changed field, an inserted row, a deleted row; a withdrawal undone and an amendment's old value
changed. Each is named by table, record and field (or row), and verify_ledger exits 2 while the
chain itself still verifies. The untouched register (the persona register of tests/personas.py)
reconciles with no difference."""

import json

import pytest
from django.db import connection, models

from audits.ledger import capture, reconcile
from audits.ledger.models import LedgerEvent
from audits.register.models import Amendment, Deployment, Status
from audits.register.services.records import record_amend, record_withdraw
from tests.ledger.conftest import verify_ledger

pytestmark = pytest.mark.django_db
TABLES = sorted(capture.AUDITED)
# Columns that identify a row to its unique constraints: a copied row must differ in them.
IDENTIFYING = ("external_id", "reference", "code", "name", "version", "sha256")


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def run(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamperable(model: type[models.Model]) -> tuple[models.Field, str]:
    """A column of the model that raw SQL can change to another valid value, and the SET clause."""
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.choices or field.unique:
            continue
        column = quote(field.column)
        if isinstance(field, models.BooleanField):
            return field, f"{column} = NOT {column}"
        if isinstance(field, models.IntegerField):
            return field, f"{column} = COALESCE({column}, 0) + 7"
        if isinstance(field, models.CharField | models.TextField):
            return field, f"{column} = {column} || 'x'"
    for field in model._meta.concrete_fields:  # only references (a membership): another row
        if field.is_relation and not field.primary_key and not field.unique:
            target = quote(field.related_model._meta.db_table)
            column = quote(field.column)
            return field, f"{column} = (SELECT MAX(id) FROM {target} WHERE id <> {column})"
    raise AssertionError(f"{model._meta.label} has no column this test can change")


def unreferenced(model: type[models.Model]) -> models.Model:
    """A row that no other row points to, so that deleting it by SQL breaks no foreign key: the
    newest such, or else a copy of the newest row saved through the ORM (so in the ledger)."""
    rows = model._base_manager.order_by("-pk")
    reverse = [f for f in model._meta.get_fields(include_hidden=True) if f.auto_created]
    for relation in (f for f in reverse if f.one_to_many or f.one_to_one):  # "+" ones too
        pointing = relation.related_model._base_manager.values(relation.field.attname)
        rows = rows.exclude(pk__in=pointing)
    found = rows.first()
    if found is not None:
        return found
    copy = model._base_manager.order_by("-pk").first()
    copy.pk = None
    for field in copy._meta.concrete_fields:
        if field.name in IDENTIFYING:
            copied = f"{getattr(copy, field.attname)}-copy"
            setattr(copy, field.attname, copied[-field.max_length :])  # within its length
    copy.save()
    return copy


def copy_overrides(table: str, row: models.Model) -> dict[str, str]:
    """Columns a copied row needs changed to keep the table's unique constraints."""
    from django.contrib.auth.models import User

    from audits.register.models import WatchlistCategory

    if table == "audits_membership":
        return {"user_id": str(User.objects.create(username="no-membership-yet").pk)}
    if table == "audits_watchlistcategorycount":
        category = WatchlistCategory.objects.create(code="copied", name="Copied")
        return {"category_id": str(category.pk)}
    if table == "auth_user_groups":
        return {"user_id": str(User.objects.create(username="no-role-yet").pk)}
    if table == "audits_system":
        return {"version": "version || '-copy'"}
    if table == "audits_publication":
        return {"sha256": "substr(sha256, 2) || 'c'"}
    if table == "audits_publishedrow":  # a deployment not in the row's edition
        return {"deployment_id": "(SELECT MIN(id) FROM audits_deployment)"}
    return {}


def differences() -> list[reconcile.Difference]:
    return reconcile.reconcile().differences


def test_the_untouched_register_reconciles():
    found = reconcile.reconcile()
    code, output = verify_ledger()

    assert found.differences == [] and code == 0
    assert found.records == sum(m._base_manager.count() for m in capture.AUDITED.values())
    assert found.since_creation + found.since_baseline == found.records
    assert f"Records reconciled: {found.records} rows agree with the ledger" in output


@pytest.mark.parametrize("table", TABLES)
def test_a_field_changed_by_sql_is_named(table):
    model = capture.AUDITED[table]
    row = model._base_manager.order_by("pk").last()
    field, assignment = tamperable(model)
    run(f"UPDATE {quote(table)} SET {assignment} WHERE {quote('id')} = %s", [row.pk])

    found = differences()
    code, message = verify_ledger()

    assert [(d.kind, d.table, d.column) for d in found] == [("changed", table, field.column)]
    assert f"(id {row.pk})" in found[0].record or found[0].record.endswith(f" {row.pk}")
    assert found[0].stored != found[0].recorded and found[0].last_seq is not None
    assert code == 2 and "Records differ from the ledger: 1 difference(s)" in message


@pytest.mark.parametrize("table", TABLES)
def test_a_row_inserted_by_sql_is_named(table):
    model = capture.AUDITED[table]
    row = model._base_manager.order_by("pk").first()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    overrides = copy_overrides(table, row)
    copied = ", ".join(
        overrides.get(f.column)
        or (f"{quote(f.column)} || '-copy'" if f.name in IDENTIFYING else quote(f.column))
        for f in fields
    )
    run(
        f"INSERT INTO {quote(table)} ({columns}) SELECT {copied} FROM {quote(table)} "
        f"WHERE {quote('id')} = %s",
        [row.pk],
    )
    new = model._base_manager.order_by("pk").last()

    found = differences()

    assert [(d.kind, d.table) for d in found] == [("no history", table)]
    assert f"{new.pk}" in found[0].record and "has no history in the ledger" in str(found[0])


@pytest.mark.parametrize("table", TABLES)
def test_a_row_deleted_by_sql_is_named(table):
    model = capture.AUDITED[table]
    row = unreferenced(model)
    run(f"DELETE FROM {quote(table)} WHERE {quote('id')} = %s", [row.pk])

    found = differences()

    assert [(d.kind, d.table) for d in found] == [("missing", table)]
    assert found[0].record.endswith(f" {row.pk}") and "not in the table" in str(found[0])


def test_a_withdrawal_undone_by_sql_is_named():
    deployment = Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    record_withdraw(user=None, instance=deployment, reason="Entered twice.")
    run(
        "UPDATE audits_deployment SET status = 'submitted', withdrawn_reason = '' WHERE id = %s",
        [deployment.pk],
    )

    found = {d.column: d for d in differences()}

    assert sorted(found) == ["status", "withdrawn_reason"]
    assert (found["status"].stored, found["status"].recorded) == ("submitted", "withdrawn")
    assert found["withdrawn_reason"].recorded == "Entered twice."
    assert deployment.reference in found["status"].record


def test_an_amendments_old_value_changed_by_sql_is_named():
    deployment = Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    old = deployment.arrests
    [amendment] = record_amend(
        user=None, instance=deployment, data={"arrests": (old or 0) + 1}, reason="Miscounted."
    )
    run("UPDATE audits_amendment SET old_value = %s WHERE id = %s", ["99", amendment.pk])

    [found] = differences()

    assert (found.table, found.column) == (Amendment._meta.db_table, "old_value")
    assert (found.stored, found.recorded) == (99, old)
    # the amendment row names the event that records it, and that event is the amendment's
    assert found.last_seq == amendment.ledger_seq
    assert LedgerEvent.objects.get(seq=amendment.ledger_seq).action == "amend"


def test_each_difference_names_the_event_that_last_set_its_field():
    """A column an amendment set names the amendment's event; a column untouched since the row
    began names the event that began it; a deleted row names the last event that touched it."""
    deployment = Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    [began, *_] = reconcile.row_history(Deployment._meta.db_table, deployment.pk)
    [amendment] = record_amend(
        user=None, instance=deployment, data={"notes": "Corrected."}, reason="Typo."
    )
    run(
        "UPDATE audits_deployment SET notes = 'Forged.', location_name = 'Elsewhere' WHERE id = %s",
        [deployment.pk],
    )

    found = {d.column: d.last_seq for d in differences()}

    assert found == {"notes": amendment.ledger_seq, "location_name": began[0]}
    assert began[0] < amendment.ledger_seq

    run("DELETE FROM audits_amendment WHERE id = %s", [amendment.pk])
    [missing] = [d for d in differences() if d.kind == "missing"]

    assert (missing.table, missing.last_seq) == ("audits_amendment", amendment.ledger_seq)


def test_writes_through_the_services_reconcile():
    """The lifecycle steps record every field they set (submitted_at, updated_at, status)."""
    deployment = Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    record_amend(user=None, instance=deployment, data={"notes": "Corrected."}, reason="Typo.")
    record_withdraw(user=None, instance=deployment, reason="Duplicate.")

    assert differences() == []


def test_batches_of_every_kind_reconcile_row_by_row():
    """A batch is an entry per row in its one import event (COPY on PostgreSQL, with ids taken
    from the table's sequence), and a batch's rows are then changed by SQL like any other."""
    from audits.register.services.batches import (
        ingest_alerts,
        ingest_device_sessions,
        ingest_searches,
    )
    from tests.personas import recorder
    from tests.register.test_batches import (
        alert_item,
        device_session_item,
        draft,
        search_item,
    )

    draft()
    user = recorder("EVC")
    sessions = ingest_device_sessions(user=user, items=[device_session_item(n) for n in range(3)])
    alerts = ingest_alerts(user=user, items=[alert_item(n) for n in range(40)])
    searches = ingest_searches(user=user, items=[search_item(n) for n in range(25)])

    assert differences() == []
    event = LedgerEvent.objects.get(seq=alerts.ledger_seq)
    entries = json.loads(event.rows)
    assert (event.action, len(entries)) == ("import", 40)
    assert {entry["op"] for entry in entries} == {"insert"}
    assert (sessions.created, searches.created) == (3, 25)
    last = max(entry["id"] for entry in entries)
    run("UPDATE audits_alert SET engaged = NOT engaged WHERE id = %s", [last])
    assert [(d.column, d.record) for d in differences()] == [("engaged", f"alert {last}")]


def test_roles_given_and_taken_away_reconcile_and_one_granted_by_sql_is_named():
    from django.contrib.auth.models import Group, User

    user = User.objects.create(username="new-colleague")
    auditor, recorder = Group.objects.get(name="Auditor"), Group.objects.get(name="Force recorder")
    user.groups.add(auditor, recorder)
    user.groups.remove(recorder)
    recorder.user_set.add(user)  # from the role's side
    auditor.user_set.clear()
    assert differences() == []

    administrator = Group.objects.get(name="Administrator")
    run(
        "INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
        [user.pk, administrator.pk],
    )
    [found] = differences()
    assert (found.kind, found.table) == ("no history", "auth_user_groups")


def test_an_audited_row_saved_outside_a_transaction_is_refused():
    """Outside a transaction (a connection of its own, in autocommit) the row would commit
    before its event: refused, nothing written."""
    from audits.ledger.models import LedgerError
    from audits.register.models import Outcome
    from tests.ledger.conftest import in_own_connection

    refused = []

    def write() -> None:
        try:
            Outcome.objects.create(code="autocommit", name="Autocommit", kind="other")
        except LedgerError as error:
            refused.append(str(error))

    in_own_connection(write)

    assert len(refused) == 1 and "saved outside a transaction" in refused[0]
    assert not Outcome.objects.filter(code="autocommit").exists()


def test_a_failed_inner_step_gives_back_the_writes_its_event_took():
    """An outer service's write waits for its event; an inner step appends an event (taking the
    outer write with it) and then fails: its savepoint goes, and the outer write still gets
    into the outer event."""
    from audits.ledger import services as ledger
    from audits.register.models import Outcome

    with ledger.recording():
        Outcome.objects.create(code="outer", name="Outer", kind="other")
        with pytest.raises(RuntimeError), ledger.recording():
            Outcome.objects.create(code="inner", name="Inner", kind="other")
            ledger.append(action="update", object_type="outcome")
            raise RuntimeError("the inner step fails after its event")
        ledger.append(action="create", object_type="outcome")

    assert differences() == []
    assert not Outcome.objects.filter(code="inner").exists()


@pytest.mark.postgres
def test_postgresql_writes_every_stored_value_in_the_same_ledger_form_as_python():
    """Reconciliation on PostgreSQL has the database write each value's ledger form; it must be
    exactly what field_value writes, for every row of every audited table, and for the values
    that are easiest to get wrong: microseconds, a non-UTC offset, an interval of days and
    microseconds, a negative decimal, a date."""
    deployment = Deployment.objects.order_by("pk").first()
    run(
        "UPDATE audits_deployment SET start = '2025-03-30 01:59:59.000007+01', "
        "duration = interval '2 days 03:04:05.000007', longitude = -0.1, date = '2024-02-29' "
        "WHERE id = %s",
        [deployment.pk],
    )
    for table, model in sorted(capture.AUDITED.items()):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        by_python = reconcile._rows_as_stored(model, fields, "default", None, False)
        by_sql = reconcile._rows_in_ledger_form(model, fields, "default", None, False)
        written = []
        for rows, writers in (
            (by_python, reconcile._writers(fields)),
            (by_sql, reconcile._sql_writers(fields)),
        ):
            states = {}
            for key, *values in rows:
                for number, write in writers:
                    values[number] = write(values[number])
                states[key] = values
            written.append(states)
        assert written[0] == written[1], table
        assert written[0], f"{table} has no rows in the persona register"
    [(_, _, state)] = reconcile.stored_rows(Deployment, "default", [deployment.pk])
    assert {column: state[column] for column in ("start", "duration", "longitude", "date")} == {
        "start": "2025-03-30T00:59:59.000007Z",
        "duration": 183_845_000_007,
        "longitude": "-0.10000",
        "date": "2024-02-29",
    }
