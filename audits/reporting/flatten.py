"""Report rows as flat tables, shared by the CSV and XLSX renderers so both have the same columns.

A row of the report (a group, a deployment, a demographic group) holds scalars, rate dicts
({"k", "n", "value", "ci_low", "ci_high", ...}), ratio dicts (a "value" with its interval) and
plain nested dicts (such as "known"). Columns come in this order:

1. the group key columns (``year``, ``force``, ...), in the report's ``group_by`` order;
2. the scalar fields (counts, hours, plain ratios), in the row's own order;
3. plain nested dicts as ``<name>_<part>`` (``known_faces_seen``);
4. each measured field (a dict with a "value"): ``<name>``, ``<name>_ci_low``,
   ``<name>_ci_high``, then its other parts (``<name>_k``, ``<name>_n``, ``<name>_method``,
   ``<name>_zero_events_upper_bound``).

Nothing is computed here: every cell is a value of the report as it stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Cell = str | int | float | bool | None

# A spreadsheet treats a cell starting with one of these as a formula (or the start of one).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MEASURED_FIRST = ("value", "ci_low", "ci_high")
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


@dataclass
class _Field:
    name: str
    nested: bool = False
    measured: bool = False
    parts: list[str] = field(default_factory=list)

    def observe(self, value: Any) -> None:
        if not isinstance(value, Mapping):
            return
        self.nested = True
        self.measured = self.measured or "value" in value
        for part in value:
            if part not in self.parts:
                self.parts.append(part)

    def columns(self) -> list[tuple[str, str | None]]:
        """(column name, part of the nested dict, or None for a scalar field)."""
        if not self.nested:
            return [(self.name, None)]
        if not self.measured:
            return [(f"{self.name}_{part}", part) for part in self.parts]
        first = [part for part in MEASURED_FIRST if part in self.parts]
        rest = [part for part in self.parts if part not in MEASURED_FIRST]
        return [
            (self.name if part == "value" else f"{self.name}_{part}", part)
            for part in (*first, *rest)
        ]

    def proportion_columns(self) -> list[str]:
        if not {"k", "n"} <= set(self.parts):
            return []
        return [name for name, part in self.columns() if part in PROPORTION_PARTS]

    def cells(self, row: Mapping[str, Any]) -> list[Cell]:
        value = row.get(self.name)
        if not self.nested:
            return [_scalar(value)]
        parts = [part for _, part in self.columns()]
        if not isinstance(value, Mapping):
            return [None] * len(parts)
        return [_scalar(value.get(part)) for part in parts]


@dataclass(frozen=True)
class Table:
    """Column names and rows of cells, ready for a writer (cells are not yet escaped)."""

    columns: list[str]
    rows: list[list[Cell]]
    # Columns holding a proportion of 0..1 (a rate's value, interval and zero-events bound),
    # which a spreadsheet may display as a percentage without changing the number.
    proportion_columns: frozenset[str] = frozenset()


def key_names(rows: Iterable[Mapping[str, Any]], group_by: Sequence[str] = ()) -> list[str]:
    """Key columns: ``group_by`` first, then any other key found in the rows."""
    names = list(group_by)
    for row in rows:
        for name in row.get("key") or {}:
            if name not in names:
                names.append(name)
    return names


def _fields(rows: Iterable[Mapping[str, Any]]) -> list[_Field]:
    fields: dict[str, _Field] = {}
    for row in rows:
        for name, value in row.items():
            if name == "key":
                continue
            fields.setdefault(name, _Field(name)).observe(value)
    scalars = [item for item in fields.values() if not item.nested]
    plain = [item for item in fields.values() if item.nested and not item.measured]
    measured = [item for item in fields.values() if item.measured]
    return [*scalars, *plain, *measured]


def flatten(
    rows: Sequence[Mapping[str, Any]],
    group_by: Sequence[str] = (),
    template: Mapping[str, Any] | None = None,
) -> Table:
    """The rows as one table. ``template`` (such as the report's totals) only adds columns, so
    that an empty list of groups still has its full header.
    """
    keys = key_names(rows, group_by)
    fields = _fields([*rows, template] if template else rows)
    columns = [*keys, *(name for item in fields for name, _ in item.columns())]
    table = [
        [
            *(_scalar((row.get("key") or {}).get(key)) for key in keys),
            *(cell for item in fields for cell in item.cells(row)),
        ]
        for row in rows
    ]
    proportions = frozenset(name for item in fields for name in item.proportion_columns())
    return Table(columns=columns, rows=table, proportion_columns=proportions)


def demographic_rows(demographics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per (attribute, group) of the demographic differentials, attribute first."""
    rows = []
    for attribute, differential in demographics.items():
        for group in differential.get("groups") or []:
            rows.append(
                {
                    "attribute": attribute,
                    "reference": differential.get("reference"),
                    **group,
                }
            )
    return rows
