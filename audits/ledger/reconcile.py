"""Reconciliation: replay every row's history from the ledger and compare it with the tables.

The chain (services.verify) proves that the events were not changed; this proves that the tables
still hold what the events say. Every difference is named by table, record and field, with the
stored value, the ledger's value and the event that last legitimately set it; a row the ledger
never saw (inserted behind the application) and a row the ledger says exists but the table has
lost (deleted behind it) are named too. Derived tables (findings) are not compared: they are
judged again from the records.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from audits.ledger import capture
from audits.ledger.encoding import field_writer, json_document, row_entries
from audits.ledger.models import LedgerEvent

# What a history is made of: per table, per id, ({column: value}, the seq of the event that set
# every column, or {column: seq of the event that last set it} once an update set some): values
# and seqs apart, so that a row is compared with one dict comparison, in C, and the seqs of the
# millions of rows never updated since they began are one integer each.
State = tuple[dict[str, Any], int | dict[str, int]]


@dataclass(frozen=True)
class Difference:
    kind: str  # "changed", "no history" (a row the ledger never recorded), "missing" (deleted)
    table: str
    record: str  # how people name it: "deployment NMP-P08 (id 8)"
    column: str = ""
    stored: Any = None
    recorded: Any = None
    last_seq: int | None = None

    def __str__(self) -> str:
        if self.kind == "no history":
            return f"{self.table}: {self.record} has no history in the ledger (inserted behind it?)"
        if self.kind == "orphan":
            return (
                f"{self.table}: event {self.last_seq} updates {self.record}, whose history never "
                "began (no insert or baseline before it)"
            )
        if self.kind == "missing":
            return (
                f"{self.table}: {self.record} is in the ledger (last written by event "
                f"{self.last_seq}) but not in the table (deleted behind it?)"
            )
        return (
            f"{self.table}: {self.record}, field {self.column}: stored {_shown(self.stored)}, "
            f"the ledger says {_shown(self.recorded)} (set by event {self.last_seq})"
        )


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class History:
    rows: dict[str, dict[Any, State]] = field(default_factory=dict)
    # per table, per id: (the op that began its history, "insert" or "baseline", and its seq)
    began: dict[str, dict[Any, tuple[str, int]]] = field(default_factory=dict)
    gone: dict[str, dict[Any, int]] = field(default_factory=dict)
    # updates of rows whose history never began: the ledger contradicts itself
    orphans: list[tuple[str, Any, int]] = field(default_factory=list)
    events: int = 0


@dataclass
class Reconciliation:
    records: int
    differences: list[Difference]
    since_creation: int
    since_baseline: int
    baseline_seq: int | None
    events: int

    @property
    def ok(self) -> bool:
        return not self.differences


def _entries(using: str, up_to: int | None) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    events = LedgerEvent.objects.using(using).filter(format__gte=2).exclude(rows="[]")
    if up_to is not None:
        events = events.filter(seq__lte=up_to)
    for seq, rows in events.order_by("seq").values_list("seq", "rows").iterator(chunk_size=500):
        yield seq, row_entries(rows)


def replay(*, up_to: int | None = None, using: str = DEFAULT_DB_ALIAS) -> History:
    """Every audited row's state as the ledger's format 2 entries leave it (after event `up_to`,
    or after the last)."""
    history = History()
    rows_of, began_of = history.rows, history.began
    for seq, rows in _entries(using, up_to):
        history.events += 1
        for written in rows:
            # Most entries begin a row (a baseline holds every row there was): those are written
            # here, without a call each; a full verification replays millions of them.
            table, key, op = written["table"], written["id"], written["op"]
            if op == "insert" or op == "baseline":
                if table not in rows_of:
                    rows_of[table], began_of[table] = {}, {}
                rows_of[table][key] = (written["values"], seq)
                began_of[table][key] = (op, seq)
                if table in history.gone:
                    history.gone[table].pop(key, None)
            else:
                _apply(history, seq, written)
    return history


def _apply(history: History, seq: int, written: dict[str, Any]) -> None:
    """An update or a delete (replay writes the entries that begin a row itself)."""
    table, key, op = written["table"], written["id"], written["op"]
    states = history.rows.setdefault(table, {})
    if op == "update":
        state = states.get(key)
        if state is None:
            history.orphans.append((table, key, seq))
            return
        states[key] = update(state, written["values"], seq)
    elif op == "delete":
        states.pop(key, None)
        history.gone.setdefault(table, {})[key] = seq


def update(state: State, values: dict[str, Any], seq: int) -> State:
    """The state after an update entry: a new value and seq for each column it sets."""
    before, seqs = state
    by_column = dict.fromkeys(before, seqs) if isinstance(seqs, int) else seqs
    before.update(values)
    by_column.update(dict.fromkeys(values, seq))
    return before, by_column


def last_set(state: State, column: str | None = None) -> int | None:
    """The seq of the event that last set `column` (or any column), None where none did."""
    values, seqs = state
    if isinstance(seqs, int):
        return seqs if column is None or column in values else None
    if column is None:
        return max(seqs.values(), default=None)
    return seqs.get(column)


def _label(model: type[models.Model], key: Any, reference: Any) -> str:
    name = model._meta.model_name
    return f"{name} {reference} (id {key})" if reference else f"{name} {key}"


def stored_rows(
    model: type[models.Model], using: str, ids: list[Any] | None = None, *, ordered: bool = False
) -> Iterator[tuple[Any, Any, dict[str, Any]]]:
    """(id, reference, {column: ledger value}) for every row of the table (or those with `ids`),
    as stored: by id if `ordered`, else in whatever order the database gives them (a
    reconciliation sorts only what differs)."""
    columns, rows = stored_values(model, using, ids, ordered=ordered)
    sets = _sets_of(model, using)
    for key, reference, values in rows:
        yield key, reference, _state(columns, values, sets, key)


def _sets_of(model: type[models.Model], using: str) -> dict[str, dict[Any, list[Any]]]:
    """Each many-to-many field's sets, by the row's id (none for most tables)."""
    return {f.name: _many_sets(f, using) for f in model._meta.local_many_to_many}


def _state(
    columns: tuple[str, ...], values: list[Any], sets: dict[str, dict[Any, list[Any]]], key: Any
) -> dict[str, Any]:
    state = dict(zip(columns, values, strict=True))
    for name, of_row in sets.items():
        state[name] = of_row.get(key, [])
    return state


def stored_values(
    model: type[models.Model], using: str, ids: list[Any] | None = None, *, ordered: bool = False
) -> tuple[tuple[str, ...], Iterator[tuple[Any, Any, list[Any]]]]:
    """The table's columns (many-to-many sets aside) in the order a ledger entry writes its
    values (docs/ledger-format.md: names sorted), and (id, reference, [ledger value of each])
    for every row, as `stored_rows` reads them."""
    fields = sorted(
        (f for f in model._meta.concrete_fields if not f.primary_key), key=lambda f: f.column
    )
    names = [f.name for f in fields]
    position = names.index("reference") if "reference" in names else None
    if connections[using].vendor == "postgresql":
        rows = _rows_in_ledger_form(model, fields, using, ids, ordered)
        writers = _sql_writers(fields)
    else:
        rows, writers = _rows_as_stored(model, fields, using, ids, ordered), _writers(fields)

    def written() -> Iterator[tuple[Any, Any, list[Any]]]:
        for key, *values in rows:
            if writers:  # only the columns that still need writing (all of them on SQLite)
                for number, write in writers:
                    values[number] = write(values[number])
            yield key, (values[position] if position is not None else None), values

    return tuple(f.column for f in fields), written()


def _writers(fields: list[models.Field[Any, Any]]) -> list[tuple[int, Callable[[Any], Any]]]:
    return [(number, field_writer(f)) for number, f in enumerate(fields)]


def _rows_as_stored(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    using: str,
    ids: list[Any] | None,
    ordered: bool,
) -> Iterator[list[Any]]:
    rows = model._base_manager.using(using).values_list("pk", *(f.attname for f in fields))
    rows = rows.order_by("pk") if ordered else rows.order_by()
    chunks = (
        [rows]
        if ids is None
        else [rows.filter(pk__in=ids[i : i + 2000]) for i in range(0, len(ids), 2000)]
    )
    for chunk in chunks:
        for row in chunk.iterator(chunk_size=2000):
            yield list(row)


# PostgreSQL writes a value's ledger form itself (docs/ledger-format.md, 3.2), so that millions
# of stored values need no conversion in Python: a datetime in UTC with microseconds and Z, a
# date as YYYY-MM-DD, a numeric as its text (a numeric column holds its field's scale), an
# interval as integer microseconds (Django stores days and microseconds, never months). The
# test of each field kind against field_value is tests/ledger/test_reconcile.py.
_IN_LEDGER_FORM = {
    "DateTimeField": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
    "DateField": "to_char({}, 'YYYY-MM-DD')",
    "DecimalField": "({})::text",
    "DurationField": "(extract(epoch FROM {}) * 1000000)::bigint",
}


def _sql_writers(fields: list[models.Field[Any, Any]]) -> list[tuple[int, Callable[[Any], Any]]]:
    """What PostgreSQL's form leaves to write: JSON documents, which arrive as their text."""
    return [
        (number, lambda text: json_document(None if text is None else json.loads(text)))
        for number, f in enumerate(fields)
        if f.get_internal_type() == "JSONField"
    ]


def _rows_in_ledger_form(
    model: type[models.Model],
    fields: list[models.Field[Any, Any]],
    using: str,
    ids: list[Any] | None,
    ordered: bool,
) -> Iterator[list[Any]]:
    connection = connections[using]
    quote = connection.ops.quote_name
    selected = [quote(model._meta.pk.column)]
    for f in fields:
        form = _IN_LEDGER_FORM.get(f.get_internal_type(), "{}")
        if f.get_internal_type() == "JSONField":
            form = "({})::text"
        selected.append(form.format(quote(f.column)))
    sql = f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)}"
    params: list[Any] = []
    if ids is not None:
        sql += f" WHERE {quote(model._meta.pk.column)} = ANY(%s)"
        params.append(list(ids))
    if ordered:
        sql += f" ORDER BY {quote(model._meta.pk.column)}"
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            yield from map(list, rows)


def _many_sets(many: models.ManyToManyField[Any, Any], using: str) -> dict[Any, list[Any]]:
    through = many.remote_field.through
    if through is None:  # set when the model class is prepared, before any query
        raise ValueError(f"{many} has no through model")
    owner = many.m2m_field_name()
    target = many.m2m_reverse_field_name()
    sets: dict[Any, list[Any]] = {}
    pairs = through._default_manager.using(using).values_list(f"{owner}_id", f"{target}_id")
    for left, right in pairs.order_by(f"{owner}_id", f"{target}_id"):
        sets.setdefault(left, []).append(right)
    return sets


def reconcile(*, using: str = DEFAULT_DB_ALIAS, history: History | None = None) -> Reconciliation:
    """Compare every audited table with the ledger's history of it (replayed here, unless given),
    in one snapshot."""
    with transaction.atomic(using=using):
        given = history is not None
        if history is None:
            history = replay(using=using)
        differences = [
            Difference("orphan", table, f"row {key}", last_seq=seq)
            for table, key, seq in history.orphans
        ]
        records = 0
        for table, model in sorted(capture.AUDITED.items()):
            expected = history.rows.get(table, {})
            if given:  # a copy: compare_table consumes it, and the caller's history is theirs
                expected = dict(expected)
            found, compared = compare_table(model, expected, using)
            differences.extend(found)
            records += compared
    began = [op for rows in history.began.values() for op, _ in rows.values()]
    baselines = [
        seq for rows in history.began.values() for op, seq in rows.values() if op == "baseline"
    ]
    return Reconciliation(
        records=records,
        differences=differences,
        since_creation=began.count("insert"),
        since_baseline=len(baselines),
        baseline_seq=max(baselines) if baselines else None,
        events=history.events,
    )


def compare_table(
    model: type[models.Model],
    expected: dict[Any, State],
    using: str,
    ids: list[Any] | None = None,
) -> tuple[list[Difference], int]:
    """The differences between a table's stored rows (all, or those with `ids`) and their
    expected states, and how many rows were compared. `expected` is consumed: what is left in
    it, of the rows compared, has no row in the table."""
    table = model._meta.db_table
    found: list[tuple[Any, list[Difference]]] = []  # by id: the rows come in no order
    records = 0
    columns, rows = stored_values(model, using, ids)
    sets = _sets_of(model, using)
    for key, reference, values in rows:
        records += 1
        recorded = expected.pop(key, None)
        if recorded is None:
            found.append((key, [Difference("no history", table, _label(model, key, reference))]))
            continue
        held = recorded[0]
        if not sets and tuple(held) == columns and list(held.values()) == values:
            continue  # the same columns, in the same order, with the same values: no dict built
        state = _state(columns, values, sets, key)
        if state != held:
            found.append((key, _compare(table, _label(model, key, reference), state, recorded)))
    wanted = set(ids) if ids is not None else None
    for key, left in expected.items():
        if wanted is not None and key not in wanted:
            continue
        missing = Difference("missing", table, _label(model, key, None), last_seq=last_set(left))
        found.append((key, [missing]))
    found.sort(key=lambda item: item[0])
    return [difference for _, row in found for difference in row], records


def _compare(table: str, label: str, stored: dict[str, Any], recorded: State) -> list[Difference]:
    values = recorded[0]
    return [
        Difference(
            "changed",
            table,
            label,
            column,
            stored.get(column),
            values.get(column),
            last_set(recorded, column),
        )
        for column in sorted(set(stored) | set(values))
        if column not in values or stored.get(column) != values[column]
    ]


def row_history(
    table: str, key: Any, *, using: str = DEFAULT_DB_ALIAS
) -> list[tuple[int, dict[str, Any]]]:
    """(seq, entry) for every row entry of one row, oldest first. The entries are found by
    their canonical text, then checked exactly (a scan of the ledger: for a page, not a loop)."""
    marker = f'{{"id":{json.dumps(key)},"op":'
    events = (
        LedgerEvent.objects.using(using)
        .filter(format__gte=2, rows__contains=marker)
        .filter(rows__contains=f'"table":{json.dumps(table)}')
    )
    found: list[tuple[int, dict[str, Any]]] = []
    for seq, rows in events.order_by("seq").values_list("seq", "rows"):
        found.extend((seq, e) for e in row_entries(rows) if (e["table"], e["id"]) == (table, key))
    return found


def state_at(
    history: list[tuple[int, dict[str, Any]]], seq: int
) -> dict[str, tuple[Any, int]] | None:
    """A row's state after event `seq` from its history, {column: (value, the seq that set
    it)} (None: it did not exist then)."""
    state: dict[str, tuple[Any, int]] | None = None
    for at, written in history:
        if at > seq:
            break
        if written["op"] in ("insert", "baseline"):
            state = {column: (value, at) for column, value in written["values"].items()}
        elif written["op"] == "update" and state is not None:
            state.update({column: (value, at) for column, value in written["values"].items()})
        elif written["op"] == "delete":
            state = None
    return state
