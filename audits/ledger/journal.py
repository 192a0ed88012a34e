"""The trigger journal (PostgreSQL): the database's own record of every write to an audited
table, so that a write made behind the application is caught as it happens, with who and when.

Statement-level triggers with transition tables (so COPY is covered, and a statement that writes
a million rows costs one trigger call) add one journal row per row written: the transaction id,
the database role, the time, the table, the operation and the row's id. A many-to-many table's
rows are journaled under their owner (a profile's forces under the profile). The ledger's own
inserts are journaled too, which gives each event its transaction. A journal row is explained
when an event of the same transaction has a row entry for the same table, row and operation;
verification names every other one. Someone who can switch the triggers off (the tables' owner,
a superuser) escapes the journal, not reconciliation: see the README's deployment section.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from audits.ledger.encoding import row_entries
from audits.ledger.models import JournalEntry, LedgerEvent

FUNCTION = "audits_ledger_journal_write"
# The operations a journal row explains, by the row entries' ops.
EXPLAINS = {"INSERT": {"insert"}, "UPDATE": {"update"}, "DELETE": {"delete"}}
LEDGER_TABLE = "audits_ledgerevent"


@dataclass(frozen=True)
class Journaled:
    """A table the triggers watch: its rows are journaled as `as_table` rows with the id in
    `key` (a many-to-many table: as an UPDATE of its owner, by the owner's column)."""

    table: str
    key: str = "id"
    as_table: str = ""
    op: str = ""  # what every write is journaled as ("" for the write's own operation)


def function_sql() -> str:
    return f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
DECLARE
    key text := TG_ARGV[0];
    as_table text := TG_ARGV[1];
    op text := coalesce(nullif(TG_ARGV[2], ''), TG_OP);
BEGIN
    IF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO audits_ledger_journal (txid, role, at, table_name, op, row_id)
            SELECT txid_current(), current_user, now(), %L, %L, %I FROM old_rows', as_table,
            op, key);
    ELSE
        EXECUTE format('INSERT INTO audits_ledger_journal (txid, role, at, table_name, op, row_id)
            SELECT txid_current(), current_user, now(), %L, %L, %I FROM new_rows', as_table,
            op, key);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION audits_ledger_journal_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audits_ledger_journal is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audits_ledger_journal_no_change BEFORE UPDATE OR DELETE ON audits_ledger_journal
    FOR EACH ROW EXECUTE FUNCTION audits_ledger_journal_refuse();
CREATE TRIGGER audits_ledger_journal_no_truncate BEFORE TRUNCATE ON audits_ledger_journal
    FOR EACH STATEMENT EXECUTE FUNCTION audits_ledger_journal_refuse();
"""


def triggers_sql(journaled: Journaled) -> str:
    as_table = journaled.as_table or journaled.table
    statements = []
    for op, transition in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        name = f"{journaled.table}_journal_{op.lower()}"[:63]
        rows = "new_rows" if transition == "NEW" else "old_rows"
        statements.append(
            f"CREATE TRIGGER {name} AFTER {op} ON {journaled.table} "
            f"REFERENCING {transition} TABLE AS {rows} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {FUNCTION}('{journaled.key}', '{as_table}', '{journaled.op}');"
        )
    return "\n".join(statements)


@dataclass(frozen=True)
class Unexplained:
    entry: JournalEntry

    def __str__(self) -> str:
        entry = self.entry
        return (
            f"{entry.table_name}: {entry.op} of row {entry.row_id} by database role "
            f"{entry.role!r} at {entry.at.isoformat()} (transaction {entry.txid}): no ledger "
            "event of that transaction records it (written behind the application?)"
        )


def unexplained(*, using: str = DEFAULT_DB_ALIAS, after: int = 0) -> list[Unexplained]:
    """Journal rows (those after the journal row `after`, for an incremental run) that no row
    entry of an event of their own transaction explains."""
    if connections[using].vendor != "postgresql":
        return []
    journal = JournalEntry.objects.using(using).filter(pk__gt=after)
    ledger_rows = JournalEntry.objects.using(using).filter(table_name=LEDGER_TABLE)
    if after:  # only the transactions of the journal rows since: found by the txid index
        ledger_rows = ledger_rows.filter(txid__in=journal.values("txid"))
    events: dict[int, set[int]] = defaultdict(set)
    for txid, seq in ledger_rows.values_list("txid", "row_id"):
        events[txid].add(seq)
    seqs = sorted({seq for seqs_of in events.values() for seq in seqs_of})
    entries: dict[int, set[tuple[str, Any, str]]] = {}
    for start in range(0, len(seqs), 5000):  # within any database's limit on parameters
        entries.update(_entries_by_seq(seqs[start : start + 5000], using))
    written: dict[int, set[tuple[str, Any, str]]] = defaultdict(set)
    for txid, seqs_of in events.items():
        for seq in seqs_of:
            written[txid].update(entries.get(seq, ()))
    found = []
    for entry in journal.exclude(table_name=LEDGER_TABLE).order_by("id").iterator(chunk_size=2000):
        ops = EXPLAINS.get(entry.op, set())
        done = written.get(entry.txid, set())
        if not any((entry.table_name, entry.row_id, op) in done for op in ops):
            found.append(Unexplained(entry))
    return found


def _entries_by_seq(seqs: list[int], using: str) -> dict[int, set[tuple[str, Any, str]]]:
    rows = LedgerEvent.objects.using(using).filter(seq__in=seqs, format__gte=2)
    by_seq: dict[int, set[tuple[str, Any, str]]] = {}
    for seq, text in rows.values_list("seq", "rows").iterator(chunk_size=500):
        by_seq[seq] = {(e["table"], e["id"], e["op"]) for e in row_entries(text)}
    return by_seq
