"""Report rows as flat tables, shared by the CSV and XLSX renderers so both have the same columns.

A row is one of the report's dataclasses (`audits.reporting.report`): a group, a deployment, a
demographic group. Its columns follow from its fields' types, never from the values:

1. the group key columns (``year``, ``force``, ...), in the report's ``group_by`` order;
2. the scalar fields (counts, hours, plain ratios), in field order;
3. nested dataclasses as ``<name>_<part>`` (``known_faces_seen``);
4. each `Rate` or `RateRatio`: ``<name>``, ``<name>_ci_low``, ``<name>_ci_high``, then its other
   parts (``<name>_k``, ``<name>_n``, ``<name>_method``, ``<name>_zero_events_upper_bound``,
   and ``<name>_invalid`` when a row's rate is invalid).

Nothing is computed here: every cell is a value of the report as it stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, get_type_hints

from audits.reporting.report import AttributeGroup, Differential, FieldKind, field_kinds

Cell = str | int | float | bool | None

# A spreadsheet treats a cell starting with one of these as a formula (or the start of one).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MEASURED_FIRST = ("value", "ci_low", "ci_high")
RATE_PARTS = (*MEASURED_FIRST, "k", "n", "method", "zero_events_upper_bound")
RATIO_PARTS = (*MEASURED_FIRST, "k1", "n1", "k0", "n0", "method", "zero_events", "note")
PROPORTION_PARTS = (*MEASURED_FIRST, "zero_events_upper_bound")


def escape_cell(value: Cell) -> Cell:
    """A string that a spreadsheet could run as a formula gets a leading apostrophe.

    Numbers and booleans are left alone: they are never formulas, and a reader must get the
    exact number back.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _scalar(value: Any) -> Cell:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


def _parts(kind: FieldKind, row_type: type, name: str, rows: Sequence[Any]) -> list[str]:
    """The parts of a nested field, in column order."""
    if kind == "nested":
        return [item.name for item in fields(get_type_hints(row_type)[name])]
    parts = RATE_PARTS if kind == "rate" else RATIO_PARTS
    # A rate's reason for having no value is a column only when a row has one.
    if kind == "rate" and any(getattr(getattr(row, name), "invalid", None) for row in rows):
        parts = (*parts, "invalid")
    return list(parts)


@dataclass(frozen=True)
class _Field:
    name: str
    kind: FieldKind
    parts: list[str]

    def columns(self) -> list[str]:
        if self.kind == "scalar":
            return [self.name]
        return [
            self.name if part == "value" and self.kind != "nested" else f"{self.name}_{part}"
            for part in self.parts
        ]

    def proportion_columns(self) -> list[str]:
        if self.kind != "rate":
            return []
        return [
            column
            for column, part in zip(self.columns(), self.parts, strict=True)
            if part in PROPORTION_PARTS
        ]

    def cells(self, row: Any) -> list[Cell]:
        value = getattr(row, self.name)
        if self.kind == "scalar":
            return [_scalar(value)]
        if value is None:
            return [None] * len(self.parts)
        return [_scalar(getattr(value, part)) for part in self.parts]


# The words a column name's parts read as (the rest: underscores as spaces).
HEADING_WORDS = {"ci": "95% interval", "fpir": "FPIR", "url": "URL"}


def heading(name: str) -> str:
    """A column name as a person reads it: "false_alert_rate_per_face_ci_low" -> "False alert
    rate per face, 95% interval low". The CSV and JSON keep the names; the spreadsheet and the
    pages show these."""
    text = str(name).replace("_ci_", ", 95% interval ").replace("_", " ")
    words = [HEADING_WORDS.get(word, word) for word in text.split(" ")]
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:]


@dataclass(frozen=True)
class Table:
    """Column names and rows of cells, ready for a writer (cells are not yet escaped)."""

    columns: list[str]
    rows: list[list[Cell]]
    # Columns holding a proportion of 0..1 (a rate's value, interval and zero-events bound),
    # which a spreadsheet may display as a percentage without changing the number.
    proportion_columns: frozenset[str] = frozenset()


def key_names(rows: Iterable[Any], group_by: Sequence[str] = ()) -> list[str]:
    """Key columns: ``group_by`` first, then any other key found in the rows."""
    names = list(group_by)
    for row in rows:
        for name in row.key:
            if name not in names:
                names.append(name)
    return names


def _fields(row_type: type, rows: Sequence[Any]) -> list[_Field]:
    kinds = field_kinds(row_type)
    found = [
        _Field(name, kind, [] if kind == "scalar" else _parts(kind, row_type, name, rows))
        for name, kind in kinds.items()
        if name != "key"
    ]
    scalars = [item for item in found if item.kind == "scalar"]
    nested = [item for item in found if item.kind == "nested"]
    measured = [item for item in found if item.kind in ("rate", "ratio")]
    return [*scalars, *nested, *measured]


def flatten(rows: Sequence[Any], row_type: type, group_by: Sequence[str] = ()) -> Table:
    """The rows (instances of the dataclass `row_type`) as one table; the header comes from
    the type, so that an empty list of rows still has its full header. A keyed row type
    (`report.GroupRow`) starts with the key columns, ``group_by`` first."""
    keyed = "key" in field_kinds(row_type)
    keys = key_names(rows, group_by) if keyed else []
    items = _fields(row_type, rows)
    columns = [*keys, *(name for item in items for name in item.columns())]
    table = [
        [
            *(_scalar(row.key.get(key)) for key in keys),
            *(cell for item in items for cell in item.cells(row)),
        ]
        for row in rows
    ]
    proportions = frozenset(name for item in items for name in item.proportion_columns())
    return Table(columns=columns, rows=table, proportion_columns=proportions)


def demographic_rows(demographics: Mapping[str, Differential]) -> list[AttributeGroup]:
    """One row per (attribute, group) of the demographic differentials, attribute first."""
    return [
        AttributeGroup(
            attribute=attribute,
            reference=differential.reference,
            **{item.name: getattr(group, item.name) for item in fields(group)},
        )
        for attribute, differential in demographics.items()
        for group in differential.groups
    ]
