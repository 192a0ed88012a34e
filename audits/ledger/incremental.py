"""Incremental verification: carry on from the last verified event instead of starting again.

The verifier keeps its state outside the audited tables, in an SQLite file only it writes
(`verify_ledger --state PATH`): the last verified event (seq, hash, format), the last journal row
seen, and every audited row's expected state as the ledger leaves it. A routine run verifies
the chain from that event on, applies the events since to the rows they touch, and compares just
those rows with the tables (and, on PostgreSQL, the journal rows since); when all holds, it saves
the new state. The first run, or `--full`, does everything and writes the state afresh. What an
incremental run cannot see is a write behind the application to a row no event has touched
since: on PostgreSQL the journal names it; elsewhere only a full run does.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction

from audits.ledger import capture, journal, reconcile
from audits.ledger import services as ledger
from audits.ledger.encoding import row_entries
from audits.ledger.models import JournalEntry, LedgerEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS verified (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS row_state (
    tbl TEXT NOT NULL, id INTEGER NOT NULL, state TEXT NOT NULL, PRIMARY KEY (tbl, id)
);
"""


@dataclass
class Outcome:
    chain: ledger.Verification
    differences: list[Any] = field(default_factory=list)
    unexplained: list[journal.Unexplained] = field(default_factory=list)
    events: int = 0  # events read since the state's
    rows: int = 0  # rows compared
    full: bool = False

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.differences and not self.unexplained


def _open(path: Path) -> sqlite3.Connection:
    store = sqlite3.connect(path)
    store.executescript(SCHEMA)
    return store


def _mark(store: sqlite3.Connection) -> dict[str, Any] | None:
    found = dict(store.execute("SELECT key, value FROM verified"))
    return json.loads(found["mark"]) if "mark" in found else None


def verify_incremental(path: Path, *, full: bool = False, using: str = DEFAULT_DB_ALIAS) -> Outcome:
    store = _open(path)
    try:
        mark = None if full else _mark(store)
        with transaction.atomic(using=using):
            outcome = _full(store, using) if mark is None else _since(store, mark, using)
        if outcome.ok:
            store.commit()
        else:
            store.rollback()
        return outcome
    finally:
        store.close()


def _full(store: sqlite3.Connection, using: str) -> Outcome:
    chain = ledger.verify(using=using)
    if not chain.ok:
        return Outcome(chain, full=True)
    history = reconcile.replay(using=using)
    found = reconcile.reconcile(using=using, history=history)
    behind = journal.unexplained(using=using)
    store.execute("DELETE FROM row_state")
    store.executemany(
        "INSERT INTO row_state (tbl, id, state) VALUES (?, ?, ?)",
        (
            (table, key, json.dumps(state))
            for table, rows in history.rows.items()
            for key, state in rows.items()
        ),
    )
    _save_mark(store, chain, using)
    return Outcome(chain, found.differences, behind, chain.events, found.records, full=True)


def _since(store: sqlite3.Connection, mark: dict[str, Any], using: str) -> Outcome:
    after = (mark["seq"], mark["hash"], mark["format"])
    chain = ledger.verify(using=using, after=after)
    if not chain.ok:
        return Outcome(chain)
    states: dict[str, dict[Any, reconcile.State]] = defaultdict(dict)
    gone: dict[str, set[Any]] = defaultdict(set)
    events = 0
    rows = LedgerEvent.objects.using(using).filter(seq__gt=mark["seq"], format__gte=2)
    for seq, text in rows.order_by("seq").values_list("seq", "rows").iterator(chunk_size=500):
        events += 1
        for written in row_entries(text):
            _apply(store, states, gone, seq, written)
    differences, compared = _compare_touched(states, gone, using)
    behind = journal.unexplained(using=using, after=mark["journal"])
    _store_states(store, states, gone)
    _save_mark(store, chain, using)
    return Outcome(chain, differences, behind, events, compared)


def _apply(
    store: sqlite3.Connection,
    states: dict[str, dict[Any, reconcile.State]],
    gone: dict[str, set[Any]],
    seq: int,
    written: dict[str, Any],
) -> None:
    table, key, op = written["table"], written["id"], written["op"]
    if op in ("insert", "baseline"):
        states[table][key] = (written["values"], seq)
        gone[table].discard(key)
    elif op == "update":
        state = states[table].get(key) or _stored_state(store, table, key)
        reconcile.update(state, written["values"], seq)
        states[table][key] = state
    elif op == "delete":
        states[table].pop(key, None)
        gone[table].add(key)


def _stored_state(store: sqlite3.Connection, table: str, key: Any) -> reconcile.State:
    found = store.execute("SELECT state FROM row_state WHERE tbl = ? AND id = ?", (table, key))
    row = found.fetchone()
    if row is None:
        return {}, {}
    values, seqs = json.loads(row[0])  # seqs: one seq, or {column: seq} (reconcile.State)
    return values, seqs


def _compare_touched(
    states: dict[str, dict[Any, reconcile.State]], gone: dict[str, set[Any]], using: str
) -> tuple[list[Any], int]:
    differences: list[Any] = []
    compared = 0
    for table in sorted(set(states) | set(gone)):
        model = capture.AUDITED[table]
        ids = sorted({*states[table], *gone[table]})
        found, count = reconcile.compare_table(model, dict(states[table]), using, ids)
        differences.extend(found)
        compared += count
    return differences, compared


def _store_states(
    store: sqlite3.Connection,
    states: dict[str, dict[Any, reconcile.State]],
    gone: dict[str, set[Any]],
) -> None:
    store.executemany(
        "INSERT OR REPLACE INTO row_state (tbl, id, state) VALUES (?, ?, ?)",
        ((t, k, json.dumps(s)) for t, rows in states.items() for k, s in rows.items()),
    )
    store.executemany(
        "DELETE FROM row_state WHERE tbl = ? AND id = ?",
        ((t, k) for t, keys in gone.items() for k in keys),
    )


def _save_mark(store: sqlite3.Connection, chain: ledger.Verification, using: str) -> None:
    last = LedgerEvent.objects.using(using).filter(seq=chain.events).values_list("format").first()
    newest = JournalEntry.objects.using(using).order_by("-id").values_list("id").first()
    mark = {
        "seq": chain.events,
        "hash": chain.head_hash,
        "format": last[0] if last else 1,
        "journal": newest[0] if newest else 0,
    }
    store.execute(
        "INSERT OR REPLACE INTO verified (key, value) VALUES ('mark', ?)", (json.dumps(mark),)
    )
