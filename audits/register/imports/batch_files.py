"""Alerts, searches or device sessions from a CSV or XLSX file: the admin's import with preview.

A file holds one record per row under a header row whose names are the keys of an item in the
API's batches of that kind (`batches.ALERT_KEYS` and the like). Every cell is read as text and
turned into the value JSON would carry for its key, by the type of the model field behind it
("true" a boolean, "300" a number); then the rows go through the API's batch service
(`ingest_alerts` and the like), so that a file is checked and written exactly as an API batch is.
Nothing is coerced beyond that: a value that does not read goes to the service as it is, and the
service says why it is refused.

The whole file runs in one transaction, in batches of MAX_BATCH_ITEMS (one ledger event each):
the preview runs it and rolls back, so it reports exactly what confirming would create, what is
already present and every error; the confirmation runs it again and commits, unless the register
changed meanwhile so that it would create something else than the preview showed.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from audits.register.imports.limits import ROWS
from audits.register.imports.protocol import (
    CREATE,
    ERROR,
    FIRST_ROW,
    HEADER_ROW,
    PRESENT,
    Confirmation,
    ImportPreview,
    RowError,
    RowPreview,
    file_digest,
)
from audits.register.imports.tables import UnreadableFile, read_table
from audits.register.models import Alert, DeviceSession, Force, Search
from audits.register.services import batches
from audits.register.services.batch_fields import is_required, model_field
from audits.register.services.batch_pipeline import REQUIRED
from audits.register.services.batches import MAX_BATCH_ITEMS, BatchInvalid

TIME_ZONES = ("Europe/London", "UTC")  # offered for times written without their UTC offset
TRUE, FALSE = ("true", "yes"), ("false", "no")  # in any case
WHOLE, DECIMAL = re.compile(r"-?[0-9]+"), re.compile(r"-?[0-9]+\.[0-9]+")
DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}")
# A date and time as people write them in the UK, DD/MM/YYYY HH:MM[:SS], read beside ISO 8601.
UK_MOMENT = re.compile(
    r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})[ T]"
    r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
)


@dataclass(frozen=True)
class FileKind:
    """What differs between the kinds of file; the reading and the running are shared."""

    noun: str  # one record, in messages: "alert"
    model: type[models.Model]
    keys: tuple[str, ...]  # the columns: the keys of the kind's batch items
    ingest: Callable[..., batches.BatchResult]
    identity: tuple[str, ...]  # the columns that name one record (with the force)
    preview: tuple[str, ...]  # the columns the preview shows of each row
    renamed: dict[str, str] = field(default_factory=dict)  # model field -> key
    ids: frozenset[str] = frozenset()  # reference columns holding a numeric id

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def required(self) -> list[str]:
        """The columns every row needs: its identity, and the model's required values."""
        return [key for key in self.keys if key in self.identity or is_required(self.field(key))]

    def field(self, key: str) -> models.Field:
        names = {item_key: name for name, item_key in self.renamed.items()}
        return model_field(self.model, names.get(key, key))


ALERTS = FileKind(
    "alert",
    Alert,
    batches.ALERT_KEYS,
    batches.ingest_alerts,
    identity=("deployment", "external_id"),
    preview=("external_id", "deployment", "occurred_at", "kind", "watchlist_category"),
    renamed=batches.ALERT_RENAMED,
)
SEARCHES = FileKind(
    "search",
    Search,
    batches.SEARCH_KEYS,
    batches.ingest_searches,
    identity=("external_id",),
    preview=("external_id", "mode", "occurred_at", "purpose", "offence_type"),
    ids=frozenset({"system"}),
)
DEVICE_SESSIONS = FileKind(
    "device session",
    DeviceSession,
    batches.DEVICE_SESSION_KEYS,
    batches.ingest_device_sessions,
    identity=("deployment", "external_id"),
    preview=("external_id", "deployment", "device_id", "start", "end"),
)
KINDS = {kind.model._meta.model_name: kind for kind in (ALERTS, SEARCHES, DEVICE_SESSIONS)}


def import_file(
    kind: FileKind,
    path: Path,
    *,
    user: User | None,
    force: Force,
    time_zone: str = "",
    source_name: str = "",
    commit: bool = False,
    expect: Confirmation | None = None,
) -> ImportPreview:
    """Run the file through the batch service; each row of the result holds its batch item.
    Commit only if `commit`, the file has no error, and (given `expect`) it is the preview
    confirmed: the same file doing the same to every row.

    The run takes the locks any batch takes (the ledger's head, and on SQLite the database's
    write lock) until it commits or rolls back, so writes wait for a preview as for an import:
    about a second per 20,000 rows."""
    result = ImportPreview(source_name or path.name, file_digest(path))
    header, result.rows, result.errors = read_file(kind, path, time_zone)
    if not result.rows:
        return result
    with transaction.atomic():
        _ingest(kind, result, header, user, force)
        expected = expect is None or expect.matches(result)
        result.committed = commit and result.ok and expected
        if not result.committed:
            transaction.set_rollback(True)
            result.ledger_seqs = []
    return result


def read_file(
    kind: FileKind, path: Path, time_zone: str = ""
) -> tuple[list[str], list[RowPreview], list[RowError]]:
    """The header, the file's rows as batch items, and what cannot be read: the layout, repeats
    (their rows' action is ERROR), and cells that cannot be read as their column's value (a time
    in the zone given)."""
    try:
        table = read_table(path)
    except UnreadableFile as problem:
        return [], [], [RowError(None, None, str(problem))]
    if not table:
        message = f"The file is empty: it needs a header row and {kind.plural}."
        return [], [], [RowError(None, None, message)]
    header = [name.strip() for name in table[0]]
    errors = _check_header(kind, header, table[1:])
    convert = {key: _converter(kind, key, time_zone) for key in kind.keys}
    booleans = {key for key in kind.keys if convert[key] is _boolean}
    rows: list[RowPreview] = []
    for number, cells in enumerate(table[1:], start=FIRST_ROW):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line carries nothing to import or to lose
        item = {}
        for key, cell in zip(header, cells, strict=True):
            text = cell.strip()  # spaces around a value are layout, not data
            if key not in convert:
                continue
            if not text:
                if key in booleans:  # not recorded is not "no"
                    blank = "Blank: write true or false."
                    errors.append(RowError(number, key, blank, value=cell))
                continue
            try:
                item[key] = convert[key](text)
            except ValueError as problem:
                errors.append(RowError(number, key, str(problem), value=cell))
        rows.append(RowPreview(number, item))
    if len(rows) > ROWS:
        message = f"At most {ROWS:,} {kind.plural} in one file ({len(rows):,} given): split it."
        return header, [], [RowError(None, None, message)]
    if not rows:
        errors.append(RowError(None, None, f"The file has a header row but no {kind.plural}."))
    return header, rows, errors + _repeats(kind, rows)


def _check_header(kind: FileKind, header: list[str], body: list[list[str]]) -> list[RowError]:
    errors, seen = [], set()
    listed = ", ".join(kind.keys)
    for position, name in enumerate(header):
        if not name:
            if any(row[position].strip() for row in body):
                message = f"Column {position + 1} has values but no name."
                errors.append(RowError(HEADER_ROW, None, message))
        elif name in seen:
            errors.append(RowError(HEADER_ROW, name, "This column appears twice."))
        elif name not in kind.keys:
            errors.append(RowError(HEADER_ROW, name, f"Unknown column; the columns are: {listed}."))
        seen.add(name)
    return errors


def _repeats(kind: FileKind, rows: list[RowPreview]) -> list[RowError]:
    """A second row naming the same record (the same external_id, in the same deployment for
    alerts and device sessions) is an error here, across the whole file, as the service only sees
    one batch at a time."""
    first: dict[tuple[Any, ...], int] = {}
    errors = []
    same = " and ".join(kind.identity)
    for row in rows:
        key = tuple(row.record.get(column) for column in kind.identity)
        if None in key:
            continue  # the service reports the missing value
        if key in first:
            row.action = ERROR
            message = f"Repeats row {first[key]} (same {same})."
            value = row.record["external_id"]
            errors.append(RowError(row.number, "external_id", message, value=value))
        else:
            first[key] = row.number
    return errors


def _ingest(
    kind: FileKind,
    result: ImportPreview,
    header: list[str],
    user: User | None,
    force: Force,
) -> None:
    """Every row through the kind's batch service, MAX_BATCH_ITEMS at a time, in the caller's
    transaction. A batch with errors writes nothing; the next batches still run, so that every
    error of the file is found, and the caller rolls the whole file back. Rows already in error
    here (a repeat) are not sent: the service would report them by their place in its batch."""
    unread = {(error.row, error.column) for error in result.errors}
    sent = [row for row in result.rows if row.action != ERROR]  # not the repeats
    found: list[RowError] = []
    for start in range(0, len(sent), MAX_BATCH_ITEMS):
        rows = sent[start : start + MAX_BATCH_ITEMS]
        try:
            batch = kind.ingest(user=user, items=[row.record for row in rows], force=force)
        except PermissionDenied as refusal:
            found.append(RowError(None, None, str(refusal)))
            break
        except BatchInvalid as invalid:
            for error in invalid.errors:  # the item's position in the batch becomes its row
                number = rows[error.row].number if error.row is not None else None
                if (number, error.column) not in unread:  # its own error says more
                    found.append(RowError(number, error.column, error.reason, value=error.value))
            continue
        present = set(batch.present_indexes)
        for index, row in enumerate(rows):
            row.action = PRESENT if index in present else CREATE
        if batch.ledger_seq is not None:
            result.ledger_seqs.append(batch.ledger_seq)
    found = _missing_columns(kind, found, header)
    result.errors = sorted(result.errors + found, key=lambda error: _file_order(kind, error))
    in_error = {error.row for error in result.errors}
    for row in result.rows:
        if row.number in in_error:
            row.action = ERROR


def _missing_columns(kind: FileKind, errors: list[RowError], header: list[str]) -> list[RowError]:
    """A required column missing from the file reads once, not once per row."""
    missing = {
        e.column
        for e in errors
        if e.reason == REQUIRED and e.column is not None and e.column not in header
    }
    kept = [e for e in errors if not (e.reason == REQUIRED and e.column in missing)]
    message = f"This column is missing: every {kind.noun} needs it."
    return [RowError(HEADER_ROW, column, message) for column in sorted(missing)] + kept


def _file_order(kind: FileKind, error: RowError) -> tuple[int, int]:
    row = -1 if error.row is None else error.row  # the file as a whole first
    return row, kind.keys.index(error.column) if error.column in kind.keys else -1


def _converter(kind: FileKind, key: str, time_zone: str) -> Callable[[str], Any]:
    """How a cell of this column becomes the value JSON would carry for the key."""
    if key in kind.ids:
        return _number
    model_field = kind.field(key)
    if model_field.is_relation:
        return str  # a deployment, device session or code is named by text
    if isinstance(model_field, models.BooleanField):
        return _boolean
    if isinstance(model_field, models.DurationField | models.IntegerField):
        return _number
    if isinstance(model_field, models.DateTimeField):
        return _moment(ZoneInfo(time_zone) if time_zone else None)
    if model_field.choices:
        return _choice([(str(code), str(label)) for code, label in model_field.flatchoices])
    return str  # text and scores (which the service reads from decimal text)


def _choice(choices: list[tuple[str, str]]) -> Callable[[str], str]:
    """A choice by its code or its label, in any case ("False alert, confirmed" or
    "FALSE_CONFIRMED" for false_confirmed); anything else is left for the service to refuse
    with the choices allowed."""
    known = {code.casefold(): code for code, _ in choices}
    known.update({label.casefold(): code for code, label in choices})

    def read(text: str) -> str:
        return known.get(text.strip().casefold(), text)

    return read


def _iso(text: str) -> str:
    """DD/MM/YYYY HH:MM[:SS] as ISO 8601 (an impossible day stays as written, to be refused)."""
    found = UK_MOMENT.fullmatch(text)
    if found is None:
        return text
    part = {name: int(value or 0) for name, value in found.groupdict().items()}
    try:
        written = datetime(
            part["year"], part["month"], part["day"], part["hour"], part["minute"], part["second"]
        )
        return written.isoformat()
    except ValueError:
        return text


def _boolean(text: str) -> bool | str:
    word = text.casefold()
    return True if word in TRUE else False if word in FALSE else text


def _number(text: str) -> int | float | str:
    """Plain decimal digits only, as JSON writes numbers: not "1_000", "1e3" or "nan"."""
    if WHOLE.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text):
        return float(text)
    return text  # the service refuses it, saying what it expects


def _moment(zone: ZoneInfo | None) -> Callable[[str], str]:
    """A date and time. One without a UTC offset is read in the zone the importer chose (none:
    the service refuses it); one the clocks skip or repeat in that zone is refused, as which
    instant it means cannot be known. A date alone is refused: no time of day is made up."""

    def read(text: str) -> str:
        if DATE_ONLY.fullmatch(text):
            raise ValueError(f"{text!r} has a date but no time of day.")
        text = _iso(text)
        try:
            written = datetime.fromisoformat(text)
        except ValueError:
            return text
        if written.tzinfo is not None or zone is None:
            return text
        local = written.replace(tzinfo=zone)
        if local.utcoffset() != written.replace(tzinfo=zone, fold=1).utcoffset():
            raise ValueError(
                f"{text!r} is skipped or repeated in {zone.key} when the clocks change: "
                "write it with its UTC offset."
            )
        return local.isoformat()

    return read
