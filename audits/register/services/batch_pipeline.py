"""The steps every batch goes through, whatever it holds (the rules are in batches.py).

Each item becomes a row: the values of the model's columns, in `BatchKind.attnames` order. It is
read field by field, then loaded into one unsaved model instance (refilled for every item, as
building 10,000 model instances costs more than all the checks) whose clean() applies the model's
own rules. Rows are then checked against each other and against what is stored, and inserted.

These loops run once per item of batches of up to MAX_BATCH_ITEMS (batches.py): keep them lean.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from audits.ledger import capture
from audits.register.imports.protocol import RowError
from audits.register.models import Deployment
from audits.register.services.batch_fields import Field, model_field

NON_FIELD = "non_field_errors"
REQUIRED = "This field is required."
INSERT_BATCH_SIZE = 2_000  # rows per INSERT where COPY is not available

Error = RowError
Row = tuple[Any, ...]


def error(index: int | None, key: str, message: str, value: Any = None) -> Error:
    """An error of the item at `index` of the batch (None: of the batch as a whole)."""
    return RowError(index, key, message, value=value)


@dataclass
class BatchKind:
    """What differs between the kinds of batch; everything else is shared."""

    name: str
    model: type[models.Model]
    fields: list[Field]
    key_fields: tuple[str, ...]  # the idempotency key, as attribute names
    scope: dict[str, Any] = field(default_factory=dict)  # narrows the look-up of stored rows
    defaults: dict[str, Any] = field(default_factory=dict)
    link: Callable[[dict[str, Any]], None] | None = None  # resolves references between fields
    deployments: dict[int, Deployment] = field(default_factory=dict)  # by id, if they have one

    def __post_init__(self) -> None:
        meta = self.model._meta
        self.columns = [column for column in meta.concrete_fields if not column.primary_key]
        self.attnames = [column.attname for column in self.columns]
        now = timezone.now()  # what auto_now and auto_now_add would set
        self.template = {
            column.attname: now
            if getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False)
            else column.get_default()
            for column in self.columns
        } | self.defaults
        self.read_row = attrgetter(*self.attnames)
        position = {name: index for index, name in enumerate(self.attnames)}
        self.key_positions = [position[name] for name in self.key_fields]
        self.key = itemgetter(*self.key_positions)
        self.allowed = frozenset(f.key for f in self.fields)
        targets = [(model_field(self.model, f.attribute), f) for f in self.fields]
        # Attributes that hold a related object (not its id) are set through their descriptor.
        self.related = [f.attribute for t, f in targets if t.is_relation and t.name == f.attribute]
        self.error_keys = {target.name: f.key for target, f in targets}
        self.item_keys = {target.attname: f.key for target, f in targets}
        self.compared = [t.attname for t, _ in targets if t.attname not in self.key_fields]
        self.compared_values = itemgetter(*(position[name] for name in self.compared))
        self._external_id = position["external_id"]
        self._deployment_id = position.get("deployment_id")

    def deployment_of(self, row: Row) -> Deployment | None:
        if not self.deployments or self._deployment_id is None:
            return None
        return self.deployments[row[self._deployment_id]]

    def external_id(self, row: Row) -> Any:
        return row[self._external_id]

    def label(self, row: Row) -> Any:
        """How the ledger names a row: its external_id, with its deployment's reference."""
        deployment = self.deployment_of(row)
        external_id = self.external_id(row)
        return [deployment.reference, external_id] if deployment else external_id


def read(kind: BatchKind, items: list, errors: list[Error]) -> list[tuple[int, Row]]:
    """Every item read into a row that passed the model's clean(), or its errors."""
    allowed, template, link = kind.allowed, kind.template, kind.link
    fields = [(f.key, f.read, f.attribute, f.required) for f in kind.fields]  # unpacked: faster
    instance = kind.model()
    # Column values live in the instance's __dict__ under their attnames (Model.__init__ puts
    # them there too), so one update refills every column; a related object is then moved to its
    # descriptor, which also sets its id and caches it (for clean(), without a query).
    state, related = vars(instance), kind.related
    rows = []
    for index, item in enumerate(items):
        if type(item) is not dict:
            errors.append(error(index, NON_FIELD, "Must be an object."))
            continue
        count = len(errors)
        if not allowed.issuperset(item):
            for key in sorted(item.keys() - allowed):
                errors.append(error(index, key, "Unknown field."))
        values = template.copy()
        for key, read_value, attribute, required in fields:
            raw = item.get(key)
            if raw is None:
                if required:
                    errors.append(error(index, key, REQUIRED))
                continue
            try:
                values[attribute] = read_value(raw)
            except ValueError as problem:
                errors.append(error(index, key, str(problem), raw))
        if len(errors) > count:
            continue
        try:
            if link is not None:
                link(values)
            state.update(values)
            for name in related:
                setattr(instance, name, state.pop(name))
            instance.clean()
        except ValidationError as problem:
            for name, messages in problem.message_dict.items():
                key = kind.error_keys.get(name, NON_FIELD)
                errors.extend(error(index, key, message) for message in messages)
            continue
        rows.append((index, kind.read_row(instance)))
    return rows


def without_repeats(kind: BatchKind, rows: list, errors: list[Error]) -> list[tuple[int, Row]]:
    first: dict[Any, int] = {}
    unique = []
    for index, row in rows:
        key = kind.key(row)
        if key in first:
            message = f"Repeats the external_id of item {first[key]} in this batch."
            errors.append(error(index, "external_id", message, kind.external_id(row)))
        else:
            first[key] = index
            unique.append((index, row))
    return unique


def split_stored(kind: BatchKind, rows: list, errors: list[Error]) -> tuple[list, list[int]]:
    """(rows to create, indexes of the items already present); an id stored with other content
    is an error."""
    if not rows:
        return [], []
    width = len(kind.key_fields)
    stored_key = itemgetter(*range(width))
    stored = {stored_key(row): row[width:] for row in _stored(kind, [row for _, row in rows])}
    new, present = [], []
    for index, row in rows:
        before = stored.get(kind.key(row))
        if before is None:
            new.append((index, row))
            continue
        after = kind.compared_values(row)
        if before == after:
            present.append(index)
            continue
        changed = ", ".join(
            kind.item_keys[name]
            for name, old, value in zip(kind.compared, before, after, strict=True)
            if old != value
        )
        message = f"Already present with different content ({changed}); corrections are amendments."
        errors.append(error(index, "external_id", message, kind.external_id(row)))
    return new, present


def _stored(kind: BatchKind, rows: list[Row]) -> Iterable[Row]:
    """The stored rows with the keys of `rows`: (key fields..., compared fields...)."""
    if connection.vendor != "postgresql":
        filters = {
            f"{name}__in": {row[position] for row in rows}
            for name, position in zip(kind.key_fields, kind.key_positions, strict=True)
        }
        return (
            kind.model._default_manager.filter(~Q(external_id=""), **kind.scope, **filters)
            .order_by()
            .values_list(*kind.key_fields, *kind.compared)
        )
    # PostgreSQL: the exact keys as arrays, each looked up with one probe of the unique index
    # (LATERAL ... LIMIT 1 keeps it so whatever the table statistics say), instead of IN lists of
    # 10,000 parameters that also match key halves from different rows.
    meta, quote = kind.model._meta, connection.ops.quote_name

    def column(name: str) -> str:
        return quote(model_field(kind.model, name).column)

    keys = [column(name) for name in kind.key_fields]
    types = [model_field(kind.model, name).db_type(connection) for name in kind.key_fields]
    arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
    matches = "".join(f" AND t.{key} = k.{key}" for key in keys)
    scope = "".join(f" AND t.{column(name)} = %s" for name in kind.scope)
    selected = ", ".join(f"t.{column(name)}" for name in (*kind.key_fields, *kind.compared))
    statement = (
        f"SELECT s.* FROM unnest({arrays}) AS k({', '.join(keys)}) CROSS JOIN LATERAL ("
        f"SELECT {selected} FROM {quote(meta.db_table)} t "
        f"WHERE t.{quote('external_id')} <> ''{matches}{scope} LIMIT 1) AS s"
    )
    parameters = [[row[position] for row in rows] for position in kind.key_positions]
    parameters += [getattr(value, "pk", value) for value in kind.scope.values()]
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        return cursor.fetchall()


def insert(kind: BatchKind, rows: list[Row]) -> None:
    """Insert the rows, and capture each in the ledger (an entry per row, with its id): binary
    COPY on PostgreSQL (the rows hold plain Python values, str, int, bool, Decimal, aware
    datetime, timedelta, that psycopg adapts as it does for Django's own inserts; batch_fields
    refuses any other kind of field), with ids taken from the table's sequence first so that
    each entry names its row; bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        instances = [kind.model(**dict(zip(kind.attnames, row, strict=True))) for row in rows]
        kind.model._default_manager.bulk_create(instances, batch_size=INSERT_BATCH_SIZE)
        # As stored: bulk_create sets auto_now fields itself, on the instances.
        stored = [kind.read_row(instance) for instance in instances]
        capture.inserted_rows(kind.model, kind.columns, [i.pk for i in instances], stored)
        return
    quote = connection.ops.quote_name
    meta = kind.model._meta
    table = quote(meta.db_table)
    primary = quote(meta.pk.column)
    columns = ", ".join(quote(column.column) for column in kind.columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        ids = [found for (found,) in cursor.fetchall()]
        # Binary COPY needs each column's exact type: the table itself says so.
        cursor.execute(f"SELECT {primary}, {columns} FROM {table} LIMIT 0")
        types = [column.type_code for column in cursor.description]
        statement = f"COPY {table} ({primary}, {columns}) FROM STDIN (FORMAT BINARY)"
        with cursor.cursor.copy(statement) as copy:
            copy.set_types(types)
            for key, row in zip(ids, rows, strict=True):
                copy.write_row((key, *row))
    capture.inserted_rows(kind.model, kind.columns, ids, rows)
