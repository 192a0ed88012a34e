"""PostgreSQL's trigger journal catches writes made behind the application as they happen,
naming table, row, operation, database role and transaction; writes through the application
are all explained by their events. With the triggers switched off, the journal sees nothing,
and reconciliation still names the change."""

import pytest
from django.db import connection

from audits.compliance.models import PolicyProfile
from audits.ledger import journal, reconcile
from audits.ledger.models import JournalEntry
from audits.register.models import Deployment, Force, Outcome, Status
from audits.register.services.records import record_amend
from tests.ledger.conftest import verify_ledger

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def run(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def submitted() -> Deployment:
    return Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk").first()


def test_the_register_written_through_the_application_is_all_explained():
    assert JournalEntry.objects.exclude(table_name="audits_ledgerevent").count() > 200
    assert journal.unexplained() == []


def test_writes_through_the_services_and_the_orm_are_explained():
    deployment = submitted()
    record_amend(user=None, instance=deployment, data={"arrests": 9}, reason="Custody records.")
    profile = PolicyProfile.objects.order_by("pk").first()
    profile.forces.add(Force.objects.get(code="NMP"))  # a many-to-many set, under its owner

    assert journal.unexplained() == []


@pytest.mark.parametrize(
    "sql, op",
    [
        ("UPDATE audits_deployment SET faces_seen = faces_seen + 1 WHERE id = %s", "UPDATE"),
        ("DELETE FROM audits_facesseenrevision WHERE deployment_id = %s", "DELETE"),
    ],
)
def test_a_write_behind_the_application_is_named_with_its_role(sql, op):
    deployment = submitted()
    run(sql, [deployment.pk])

    [found] = [u for u in journal.unexplained() if u.entry.op == op]
    code, message = verify_ledger()

    assert found.entry.role == role() and found.entry.txid > 0
    assert f"{op} of row" in str(found) and f"by database role {role()!r}" in str(found)
    assert code == 2 and "write(s) in the trigger journal that no event explains" in message


def test_a_row_copied_in_by_sql_is_named():
    columns = [f.column for f in Outcome._meta.concrete_fields if not f.primary_key]
    copied = [f"{c} || '-x'" if c in ("code", "name") else c for c in columns]
    run(
        f"INSERT INTO audits_outcome ({', '.join(columns)}) "
        f"SELECT {', '.join(copied)} FROM audits_outcome LIMIT 1"
    )
    [found] = journal.unexplained()
    assert (found.entry.table_name, found.entry.op) == ("audits_outcome", "INSERT")


def test_with_the_triggers_off_the_journal_is_blind_and_reconciliation_still_names_it():
    deployment = submitted()
    run("SET LOCAL session_replication_role = replica")  # what a superuser can do
    run("UPDATE audits_deployment SET faces_seen = faces_seen + 1 WHERE id = %s", [deployment.pk])
    run("SET LOCAL session_replication_role = origin")

    assert journal.unexplained() == []
    [difference] = reconcile.reconcile().differences
    assert (difference.table, difference.column) == ("audits_deployment", "faces_seen")


def test_check_deploy_warns_when_the_role_can_switch_the_journal_off():
    """The test database's role is a superuser that owns every table: both are named; and a
    table whose triggers are disabled is named as unwatched."""
    from audits.ledger.checks import ledger_role_check

    run("ALTER TABLE audits_alert DISABLE TRIGGER audits_alert_journal_update")

    found = {message.id: message.msg for message in ledger_role_check()}

    assert sorted(found) == ["ledger.W001", "ledger.W002", "ledger.W003"]
    assert f"The database role {role()!r} is a superuser" in found["ledger.W001"]
    assert "audits_deployment" in found["ledger.W002"]
    assert found["ledger.W003"].startswith("The trigger journal does not watch audits_alert:")
