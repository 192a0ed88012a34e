"""Layouts: which published column holds which of the register's fields.

A force prints its own headers, and changes them between editions ("Duration of Deployment",
then "Duration"; "LFR Purpose Reference", then "LFR Use Case"). A layout lists, for each field
it holds, every header it has been published under; headers are compared without case,
spacing, line breaks, punctuation or footnote marks ("True Alerts¹" is "true alerts"). The
layouts of the Met's grids and the register's own CSV layout are built in, and recognised from
a file's headers; a commissioner describes another force's layout in a small TOML file
(docs/layouts.md), without code.

Field names are those of the register's own layout (the columns of
met_lfr_deployments_2020_2023.csv).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The register's fields, in its own layout's order.
FIELDS: tuple[str, ...] = (
    "row_id",
    "force",
    "date",
    "location",
    "start",
    "end",
    "duration",
    "purpose",
    "watchlist_size",
    "threshold",
    "faces_seen_estimate",
    "total_alerts",
    "true_alerts_total",
    "true_confirmed",
    "true_unconfirmed",
    "false_confirmed",
    "false_unconfirmed",
    "true_alert_engagements",
    "false_alert_engagements",
    "arrests",
    "other_disposal",
    "no_action",
    "published_false_alert_rate",
    "notes",
    "source_doc",
    "page",
)
REQUIRED_FIELDS = ("date", "location")
DATE_ORDERS = ("dmy", "mdy")
RATE_BASES = ("faces", "alerts")


class LayoutError(ValueError):
    """A layout file that cannot be used, naming what is wrong in it."""


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    columns: Mapping[str, tuple[str, ...]]  # field -> the headers it is published under
    # How a date of numbers alone reads: day first (the UK) or month first.
    date_order: str = "dmy"
    # What the published false alert rate is a share of: faces seen (the Met) or alerts.
    rate_of: str = "faces"
    # A remark in brackets after the place is the row's note ("Oxford Circus (technical fault
    # stopped deployment)"), as the 2020-22 grid prints one.
    location_remarks: bool = False
    # Fields a file in this layout must have: a missing one refuses it.
    required: tuple[str, ...] = REQUIRED_FIELDS
    # Columns a file in this layout may leave out (a grid that prints no times).
    optional: tuple[str, ...] = ()
    builtin: bool = True
    _by_header: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name, variants in self.columns.items():
            for variant in variants:
                self._by_header[normal_header(variant)] = name

    def field_of(self, header: str) -> str | None:
        """The field this header holds in this layout, or None (a column it ignores)."""
        return self._by_header.get(normal_header(header))


@dataclass(frozen=True)
class Match:
    """How a table's headers read in a layout."""

    layout: Layout
    fields: tuple[str | None, ...]  # per column: its field, or None if ignored
    missing: tuple[str, ...]  # required fields no header gave

    @property
    def ignored(self) -> list[int]:
        return [i for i, name in enumerate(self.fields) if name is None]


_FOOTNOTE = re.compile(r"(?<=[a-z)])\d+\b|[*†‡§]+")


def normal_header(text: str) -> str:
    """A header as compared: "True\\nAlerts¹" and "true alerts" are one header."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _FOOTNOTE.sub(" ", folded)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def match(layout: Layout, headers: Sequence[str]) -> Match:
    fields: list[str | None] = []
    seen: set[str] = set()
    for header in headers:
        name = layout.field_of(header) if header.strip() else None
        if name in seen:
            name = None  # the first column of a field holds it; a repeat is reported
        fields.append(name)
        if name:
            seen.add(name)
    missing = tuple(name for name in layout.required if name not in seen)
    return Match(layout, tuple(fields), missing)


def recognise(header_sets: Iterable[Sequence[str]], layouts: Sequence[Layout]) -> list[Match]:
    """Per distinct header, its match in the first layout (of `layouts`, best first) that reads
    every one of them with all its required fields and every column it defines; an empty list
    if none does."""
    sets = list(dict.fromkeys(tuple(headers) for headers in header_sets))
    ranked = sorted(layouts, key=lambda layout: -min(_score(layout, headers) for headers in sets))
    for layout in ranked:
        matches = [match(layout, headers) for headers in sets]
        if all(not m.missing and _complete(m) for m in matches):
            return matches
    return []


def closest(header_sets: Iterable[Sequence[str]], layouts: Sequence[Layout]) -> Match:
    """The layout that reads most of the first header, for a refusal that says what is missing."""
    headers = next(iter(header_sets))
    best = max(layouts, key=lambda layout: _score(layout, headers))
    found = match(best, headers)
    absent = tuple(
        name for name in best.columns if name not in found.fields and name not in best.optional
    )
    return Match(best, found.fields, tuple(dict.fromkeys((*found.missing, *absent))))


def _score(layout: Layout, headers: Sequence[str]) -> int:
    return sum(layout.field_of(header) is not None for header in headers)


def _complete(found: Match) -> bool:
    """A built-in layout is recognised only when every column it defines is there (an edition
    is told from another by its headers); a described one needs only its required fields."""
    if not found.layout.builtin:
        return True
    expected = set(found.layout.columns) - set(found.layout.optional)
    return expected <= set(filter(None, found.fields))


# The built-in layouts.


def _own(name: str) -> tuple[str, ...]:
    return (name, name.replace("_", " "))


REGISTER = Layout(
    name="register",
    title="The register's own layout (met_lfr_deployments_2020_2023.csv)",
    columns={name: _own(name) for name in FIELDS},
    required=tuple(name for name in FIELDS if name not in ("start", "end")),
    optional=("start", "end"),
)

MET_2020_2022 = Layout(
    name="met-2020-2022",
    title="Met LFR deployment grid, 2020-2022 edition",
    columns={
        "location": ("Deployment",),
        "date": ("Date (DD/MM/YY)", "Date"),
        "purpose": ("Purpose Reference",),
        "watchlist_size": ("Watchlist Size",),
        "total_alerts": ("Total Alerts",),
        "false_confirmed": ("False Alert / Confirmed False Alerts",),
        "false_alert_engagements": ("False Alert / Confirmed False Alert Engagements",),
        "true_alerts_total": ("True Alerts",),
        "true_alert_engagements": ("True Alert Engagements",),
        "arrests": ("Arrests / Disposals",),
        "faces_seen_estimate": ("Faces seen (Estimate)",),
        "published_false_alert_rate": ("False Alert Rate",),
    },
    location_remarks=True,
)

_MET_SINCE_2023 = {
    "location": ("Deployment Location",),
    "date": ("Date",),
    "duration": ("Duration of Deployment", "Duration"),
    "purpose": ("LFR Purpose Reference / LFR Purpose", "LFR Use Case", "LFR Purpose"),
    "watchlist_size": ("Watchlist Size",),
    "threshold": ("Min Threshold Setting", "Threshold"),
    "total_alerts": ("Total Alerts",),
    "true_confirmed": ("True Alerts Confirmed",),
    "true_unconfirmed": ("True Alerts Unconfirmed",),
    "false_confirmed": ("False Alerts Confirmed",),
    "false_unconfirmed": ("False Alerts Unconfirmed",),
    "published_false_alert_rate": ("False Alert Rate",),
    "faces_seen_estimate": ("Faces seen (Estimate)", "Faces seen"),
}

MET_2023_TO_DATE = Layout(
    name="met-2023-to-date",
    title="Met LFR deployment grid, 2023-to-date edition",
    columns=_MET_SINCE_2023
    | {
        "arrests": ("Engagement Outcomes Arrest",),
        "other_disposal": ("Engagement Outcomes Other Disposal",),
        "no_action": ("Engagement Outcomes No Action",),
    },
)

MET_2025 = Layout(
    name="met-2025",
    title="Met LFR deployment grid, 2025 edition",
    columns=_MET_SINCE_2023
    | {
        "duration": ("Time of Deployment", "Deployment Time", "Duration of Deployment"),
        "arrests": ("Outcome - Arrest", "Outcome Arrest"),
        "other_disposal": ("Outcome - Other Disposal", "Outcome Other Disposal"),
        "no_action": ("Outcome - No Action", "Outcome No Action"),
    },
)

BUILTIN: tuple[Layout, ...] = (REGISTER, MET_2020_2022, MET_2023_TO_DATE, MET_2025)


def builtin(name: str) -> Layout:
    for layout in BUILTIN:
        if layout.name == name:
            return layout
    known = ", ".join(layout.name for layout in BUILTIN)
    raise LayoutError(f"no built-in layout {name!r} (built in: {known})")


def layout_load(path: Path) -> Layout:
    """A layout described in a TOML file (docs/layouts.md): every mistake in it named."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path.name}: cannot be read: {exc}") from exc
    return layout_parse(text, path.name)


def layout_parse(text: str, source: str) -> Layout:
    """A layout from the text of its TOML file (an upload, say)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{source}: cannot be read as TOML: {exc}") from exc
    return layout_from_mapping(data, source=source)


def layout_from_mapping(data: Mapping[str, Any], *, source: str) -> Layout:
    problems: list[str] = []
    known_keys = {"name", "title", "columns", "date_order", "rate_of", "location_remarks"}
    problems += [f"unknown setting {key!r}" for key in data if key not in known_keys]
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name: a name is required")
    columns = data.get("columns")
    parsed: dict[str, tuple[str, ...]] = {}
    if not isinstance(columns, Mapping) or not columns:
        problems.append("columns: a table of field = [headers] is required")
    else:
        for key, variants in columns.items():
            if key not in FIELDS:
                problems.append(f"columns.{key}: not a field (fields: {', '.join(FIELDS)})")
            elif isinstance(variants, str):
                parsed[key] = (variants,)
            elif (
                isinstance(variants, list)
                and variants
                and all(isinstance(v, str) and v.strip() for v in variants)
            ):
                parsed[key] = tuple(variants)
            else:
                problems.append(f"columns.{key}: a header or a list of headers is required")
        problems += [
            f"columns.{name_}: required (every layout has a date and a location)"
            for name_ in REQUIRED_FIELDS
            if isinstance(columns, Mapping) and name_ not in columns
        ]
    date_order = data.get("date_order", "dmy")
    if date_order not in DATE_ORDERS:
        problems.append(f"date_order: {date_order!r} is not one of {', '.join(DATE_ORDERS)}")
    rate_of = data.get("rate_of", "faces")
    if rate_of not in RATE_BASES:
        problems.append(f"rate_of: {rate_of!r} is not one of {', '.join(RATE_BASES)}")
    remarks = data.get("location_remarks", False)
    if not isinstance(remarks, bool):
        problems.append("location_remarks: true or false")
    if problems:
        raise LayoutError(f"{source}: " + "; ".join(problems))
    return Layout(
        name=str(name).strip(),
        title=str(data.get("title") or name).strip(),
        columns=parsed,
        date_order=str(date_order),
        rate_of=str(rate_of),
        location_remarks=bool(remarks),
        builtin=False,
    )
