"""Rebuild the audited tables from the ledger alone, as they stood at any event.

`scratch_database()` makes an empty SQLite database holding only the audited tables, `rebuild()`
replays the ledger's row entries (up to an event) into it, and `reading_from()` sends the ORM's
reads there (audits.ledger.routers.AsOfRouter), so that the same code that computes a report on
the live register computes it on the register as it stood then. The rebuilt rows are what
reconciliation compares with: a table rebuilt at the head equals the stored table, row for row.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.utils import load_backend

from audits.ledger import capture
from audits.ledger.reconcile import History, replay, stored_rows

# The database the ORM reads from while `reading_from()` is active (None: the router is silent).
READING_FROM: contextvars.ContextVar[str | None] = contextvars.ContextVar("as_of", default=None)


def python_value(field: models.Field[Any, Any], value: Any) -> Any:
    """A ledger value (docs/ledger-format.md, 3.2) as the field's Python value."""
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return Decimal(value)
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    if isinstance(field, models.DurationField):
        return dt.timedelta(microseconds=value)
    if isinstance(field, models.TimeField):
        return dt.time.fromisoformat(value)
    return value


def audited_models() -> list[type[models.Model]]:
    return [capture.AUDITED[table] for table in sorted(capture.AUDITED)]


@contextmanager
def scratch_database(alias: str = "ledger_rebuild") -> Iterator[str]:
    """An empty SQLite database with the audited tables (and their many-to-many tables), under
    `alias`, for as long as the block lasts. Its foreign keys are not enforced: the ledger holds
    the register, not the users or content types its rows point to."""
    with tempfile.TemporaryDirectory(prefix="ledger-rebuild-") as folder:
        settings = dict(connections.settings[DEFAULT_DB_ALIAS])
        settings.update(
            ENGINE="django.db.backends.sqlite3",
            NAME=str(Path(folder) / "register.sqlite3"),
            OPTIONS={},
            ATOMIC_REQUESTS=False,
        )
        # A connection of this thread only, not a configured database: nothing else (no test
        # runner, no migrate) mistakes it for one of the site's.
        connection = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias)
        connections[alias] = connection
        try:
            with connection.schema_editor() as editor:
                for model in audited_models():
                    editor.create_model(model)  # its many-to-many tables too
            with connection.cursor() as cursor:  # after the editor, which turns them on again
                cursor.execute("PRAGMA foreign_keys = OFF")
            yield alias
        finally:
            connection.close()
            del connections[alias]


def rebuild(history: History, *, using: str) -> dict[str, int]:
    """Insert every row of the replayed history into the (empty) audited tables of `using`;
    the number of rows per table. Raw inserts, so that no field sets its own value (auto_now)
    and nothing is captured: a rebuild writes no ledger."""
    connection = connections[using]
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for model in audited_models():
            meta = model._meta
            fields = list(meta.concrete_fields)
            rows = history.rows.get(meta.db_table, {})
            names = ", ".join(quote(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            statement = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"
            values = [
                [_database_value(field, key, state, connection) for field in fields]
                for key, state in sorted(rows.items())
            ]
            if values:
                cursor.executemany(statement, values)
            for many in meta.local_many_to_many:
                _insert_sets(cursor, many, rows, quote)
            counts[meta.db_table] = len(values)
    return counts


def _database_value(field: models.Field[Any, Any], key: Any, state: Any, connection: Any) -> Any:
    if field.primary_key:
        return key
    value = python_value(field, state[0].get(field.column))
    return field.get_db_prep_save(value, connection)


def _insert_sets(cursor: Any, many: Any, rows: dict[Any, Any], quote: Any) -> None:
    through = many.remote_field.through._meta
    owner = f"{many.m2m_field_name()}_id"
    target = f"{many.m2m_reverse_field_name()}_id"
    statement = (
        f"INSERT INTO {quote(through.db_table)} ({quote(owner)}, {quote(target)}) VALUES (%s, %s)"
    )
    pairs = [
        (key, other)
        for key, state in sorted(rows.items())
        for other in state[0].get(many.name) or []
    ]
    if pairs:
        cursor.executemany(statement, pairs)


def table_digests(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """SHA-256 of every audited table's rows in their ledger form, by id: equal digests are
    equal tables, column for column."""
    digests = {}
    for model in audited_models():
        digest = hashlib.sha256()
        for key, _, state in stored_rows(model, using, ordered=True):
            digest.update(json.dumps([key, state], sort_keys=True).encode())
        digests[model._meta.db_table] = digest.hexdigest()
    return digests


@contextmanager
def reading_from(alias: str) -> Iterator[None]:
    token = READING_FROM.set(alias)
    try:
        yield
    finally:
        READING_FROM.reset(token)


@contextmanager
def register_as_of(seq: int) -> Iterator[str]:
    """The register as it stood after event `seq`, rebuilt from the ledger, with the ORM's
    reads of it sent there for as long as the block lasts."""
    history = replay(up_to=seq)
    with scratch_database() as alias:
        rebuild(history, using=alias)
        with reading_from(alias):
            yield alias
