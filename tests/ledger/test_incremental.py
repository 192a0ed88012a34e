"""verify_ledger --state carries on from the last verification: it reads only the events since
and compares only the rows they touched, and keeps its state unchanged when something is wrong.
--full checks everything again."""

import pytest
from django.db import connection

from audits.ledger.models import LedgerEvent
from audits.register.models import Deployment, Status
from audits.register.services.records import record_amend
from tests.ledger.conftest import TABLE, verify_ledger

pytestmark = pytest.mark.django_db


def run(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def deployments() -> list[Deployment]:
    return list(Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk"))


def amend(deployment: Deployment, arrests: int) -> None:
    record_amend(user=None, instance=deployment, data={"arrests": arrests}, reason="Recount.")


def test_a_first_run_checks_everything_and_a_second_reads_nothing_new(tmp_path):
    state = tmp_path / "verifier.sqlite3"
    events = LedgerEvent.objects.count()

    first_code, first = verify_ledger("--state", str(state))
    second_code, second = verify_ledger("--state", str(state))

    assert (first_code, second_code) == (0, 0) and state.exists()
    assert f"Ledger verified: {events} events ({events} read)" in first
    assert "(every row) agree with the ledger" in first
    assert f"Ledger verified: {events} events (0 read)" in second
    assert "Records reconciled: 0 rows (the rows they touched)" in second


def test_it_checks_the_rows_the_events_since_touched(tmp_path):
    state = str(tmp_path / "verifier.sqlite3")
    verify_ledger("--state", state)
    deployment = deployments()[0]
    amend(deployment, 11)

    code, output = verify_ledger("--state", state)

    # the amendment event: the deployment, and its amendment row
    assert code == 0 and "(1 read)" in output and "Records reconciled: 2 rows" in output


def test_a_touched_row_changed_behind_the_ledger_is_named_and_the_state_kept(tmp_path):
    state = str(tmp_path / "verifier.sqlite3")
    verify_ledger("--state", state)
    deployment = deployments()[0]
    amend(deployment, 12)
    run("UPDATE audits_deployment SET arrests = 3 WHERE id = %s", [deployment.pk])

    code, message = verify_ledger("--state", state)
    again, _ = verify_ledger("--state", state)  # nothing was saved: it is still seen

    assert (code, again) == (2, 2) and "Records differ from the ledger" in message


def test_an_untouched_row_changed_is_seen_by_the_journal_or_by_a_full_run(tmp_path):
    state = str(tmp_path / "verifier.sqlite3")
    verify_ledger("--state", state)
    run("UPDATE audits_deployment SET arrests = 77 WHERE id = %s", [deployments()[-1].pk])

    routine, _ = verify_ledger("--state", state)
    full, message = verify_ledger("--state", state, "--full")

    # PostgreSQL's trigger journal names the write at once; SQLite has no journal
    assert routine == (2 if connection.vendor == "postgresql" else 0)
    assert full == 2 and "field arrests: stored 77" in message


def test_an_event_verified_before_that_was_changed_breaks_the_chain(tmp_path, raw_sql):
    state = str(tmp_path / "verifier.sqlite3")
    verify_ledger("--state", state)
    seq = LedgerEvent.objects.count()
    raw_sql(f"UPDATE {TABLE} SET hash = %s WHERE seq = %s", ["0" * 64, seq])

    code, message = verify_ledger("--state", state)

    assert code == 1 and f"event {seq}, verified before, no longer has the hash" in message
