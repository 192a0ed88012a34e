"""Helpers for ledger tests: raw SQL past the ORM and the PostgreSQL trigger, and committed
appends that are removed again so the session's seeded chain stays as it was."""

import io
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audits.ledger import services as ledger

TABLE = "audits_ledgerevent"


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


def _bypass_trigger(cursor) -> None:
    """Act as a replica, as a database superuser can: row and TRUNCATE triggers do not fire."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL session_replication_role = replica")


@pytest.fixture
def raw_sql(db) -> Callable[..., None]:
    """Run SQL the way someone with direct database access would: past the ORM and the trigger.
    The test's transaction is rolled back afterwards, so the tampering never outlives the test."""

    def run(sql: str, params: list | tuple = ()) -> None:
        with connection.cursor() as cursor:
            _bypass_trigger(cursor)
            cursor.execute(sql, params)

    return run


def verify_ledger(*args: str) -> tuple[int, str]:
    """Run the command as an operator would: (exit status, what it printed): on failure its
    error, then what it listed on standard error."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_ledger", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, f"{error}\n{err.getvalue()}"
    return 0, out.getvalue()


def in_own_connection(work: Callable[[], object]) -> None:
    """Run `work` on a thread of its own, so on a database connection of its own: outside the
    test's rolled-back transaction, what it does is committed."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def _delete_events_after(seq: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        _bypass_trigger(cursor)
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq > %s", [seq])


@pytest.fixture
def committed_appends(db) -> Iterator[int]:
    """For tests whose writers commit for real, each on its own connection: yields the head seq
    before the test, then deletes every event after it (on another connection, past the trigger)
    so the session's seeded chain is left exactly as it was.

    A transactional test (`transaction=True`) would flush every table with TRUNCATE afterwards,
    which the trigger refuses on PostgreSQL and which would wipe the seeded data elsewhere."""
    start = ledger.head()
    try:
        yield start[0]
    finally:
        in_own_connection(partial(_delete_events_after, start[0]))
    assert ledger.head() == start
