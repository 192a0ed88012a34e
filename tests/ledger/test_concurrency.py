"""Parallel writers, each on its own connection and committing for real, leave one valid chain:
no fork, no gap, nothing lost."""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from audits.ledger import services as ledger
from audits.ledger.models import LedgerEvent


def _write_in_parallel(writers: int, events_each: int, using: str) -> None:
    """Each writer appends `events_each` events, object_id 0, 1, 2... in its own order."""
    start = threading.Barrier(writers)

    def write(writer: int) -> None:
        try:
            start.wait()
            for number in range(events_each):
                ledger.append(
                    action="update",
                    actor=f"writer-{writer}",
                    object_type="deployment",
                    object_id=str(number),
                    changes={"number": [number, number + 1]},
                    using=using,
                )
        finally:
            connections[using].close()

    with ThreadPoolExecutor(max_workers=writers) as pool:
        for finished in [pool.submit(write, writer) for writer in range(writers)]:
            finished.result()  # re-raises anything a writer hit


def _assert_one_chain_holding_every_write(
    start_seq: int, writers: int, events_each: int, using: str
) -> None:
    new = LedgerEvent.objects.using(using).filter(seq__gt=start_seq).order_by("seq")
    rows = list(new.values_list("seq", "actor", "object_id"))
    assert [seq for seq, _, _ in rows] == list(
        range(start_seq + 1, start_seq + 1 + writers * events_each)
    )
    for writer in range(writers):
        written = [int(oid) for _, actor, oid in rows if actor == f"writer-{writer}"]
        assert written == list(range(events_each))
    result = ledger.verify(using=using)
    assert (result.ok, result.events) == (True, start_seq + writers * events_each)


@pytest.mark.postgres
def test_eight_writers_on_postgresql_leave_one_chain_of_1600_new_events(committed_appends):
    _write_in_parallel(writers=8, events_each=200, using=DEFAULT_DB_ALIAS)

    _assert_one_chain_holding_every_write(committed_appends, 8, 200, DEFAULT_DB_ALIAS)


@pytest.fixture
def sqlite_file_ledger(tmp_path: Path, django_db_blocker):
    """A file database holding only the ledger table, under its own alias: threads need a file to
    share, while the SQLite test database lives in memory. Same options as the real database
    (BEGIN IMMEDIATE, busy timeout), but commits are not synced to disk."""
    if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
        pytest.skip("the SQLite variant of the concurrency test")
    alias = "ledger_file"
    settings = {**connections.settings[DEFAULT_DB_ALIAS], "NAME": str(tmp_path / "ledger.db")}
    # Without fsync: the test is about serialisation, not durability, and in the full suite the
    # other workers' disk writes made 1,600 synced commits slow enough for one writer to wait out
    # the 30 s busy timeout.
    options = {**settings.get("OPTIONS", {}), "init_command": "PRAGMA synchronous=OFF"}
    settings["OPTIONS"] = options
    connections.settings[alias] = settings
    try:
        with django_db_blocker.unblock():
            with connections[alias].schema_editor() as editor:
                editor.create_model(LedgerEvent)
            yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def test_eight_writers_on_a_sqlite_file_leave_one_chain(sqlite_file_ledger):
    _write_in_parallel(writers=8, events_each=200, using=sqlite_file_ledger)

    _assert_one_chain_holding_every_write(0, 8, 200, sqlite_file_ledger)
