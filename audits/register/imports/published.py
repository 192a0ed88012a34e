"""Read a force's published deployment table, as published, into typed rows.

This is the reading half of `import_deployments`: no ORM. It reads the force's own PDF
(imports/pdf_tables.py), or a CSV or XLSX; finds the layout its headers are printed in
(imports/layouts.py); reads every cell in the formats of section 6 of the domain reference
(imports/values.py), keeping each cell's text beside the value read from it; and flags what
the table itself shows to be wrong (a date out of sequence, a column that repeats another, an
approximation, a row for several days). A table's own arithmetic is never a reason to refuse
it: those defects are data-quality findings (metrics.quality), on the rows as read. A file is
refused only for what cannot be read at all: a cell no format reads, a header no layout reads;
every such error in the file is listed, so a person can fix them all in one pass, and the
caller imports nothing unless `ParseResult.ok`.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
from django.conf import settings

from audits.metrics.deployments import COUNT_COLUMNS as COUNT_COLUMNS_OF_FRAME
from audits.metrics.quality import published_rate
from audits.register.imports import values
from audits.register.imports.layouts import (
    BUILTIN,
    FIELDS,
    Layout,
    Match,
    closest,
    match,
    recognise,
)
from audits.register.imports.pdf_tables import Document, read_pdf
from audits.register.imports.protocol import FIRST_ROW, HEADER_ROW, RowError
from audits.register.imports.tables import UnreadableFile, read_table

# Count fields, keyed by the layout's field, valued by the PublishedDeployment field.
COUNT_COLUMNS: dict[str, str] = {
    "watchlist_size": "watchlist_size",
    "faces_seen_estimate": "faces_seen",
    "total_alerts": "total_alerts",
    "true_alerts_total": "true_alerts_total",
    "true_confirmed": "true_confirmed",
    "true_unconfirmed": "true_unconfirmed",
    "false_confirmed": "false_confirmed",
    "false_unconfirmed": "false_unconfirmed",
    "true_alert_engagements": "true_alert_engagements",
    "false_alert_engagements": "false_alert_engagements",
    "arrests": "arrests",
    "other_disposal": "other_disposals",
    "no_action": "no_action",
}

TECHNICAL_FAULT_PHRASE = "technical fault"
# A name for a row without a published id: its place and date, within the reference's length.
REFERENCE_CHARS = 56  # and "-WL" for its watchlist
# How many rows closest in date show which threshold was in force on a day.
THRESHOLD_WITNESSES = 3
# A threshold used again this far from a row was not the one in force on its date.
THRESHOLD_GAP = dt.timedelta(days=31)

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class PublishedDeployment:
    """One deployment as the force published it.

    `row_number` is where the row is: in a CSV or XLSX, as a spreadsheet counts rows (the
    header is row 1, the first deployment row 2; blank rows count); in a PDF, the row's
    position in the document (its page and its row on that page are `page` and
    `printed_row`). Every count is None when the force did not publish it, never 0.
    """

    row_number: int
    row_id: str | None
    force: str
    date: dt.date
    location: str
    duration: dt.timedelta | None
    purpose: str
    watchlist_size: int | None
    threshold: Decimal | None
    faces_seen: int | None
    total_alerts: int | None
    true_alerts_total: int | None
    true_confirmed: int | None
    true_unconfirmed: int | None
    false_confirmed: int | None
    false_unconfirmed: int | None
    true_alert_engagements: int | None
    false_alert_engagements: int | None
    arrests: int | None
    other_disposals: int | None
    no_action: int | None
    published_false_alert_rate: str | None
    notes: str
    source_doc: str
    page: int | None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    date_until: dt.date | None = None  # the last day, for a row covering several days
    printed_row: int | None = None  # its row on its page, in a PDF
    occurrence: int = 1  # which of the rows of this place and date it is, in print order
    cells: dict[str, str] = dataclasses.field(default_factory=dict)  # field: text as printed
    qualifiers: dict[str, str] = dataclasses.field(default_factory=dict)  # field: "just over"
    flags: tuple[dict[str, str], ...] = ()  # defects the table shows in this row
    named: str = ""  # its reference, where its place-and-date name is another record's

    @property
    def technical_fault(self) -> bool:
        """True when the notes report a technical fault (the grids have no column for it).

        Derived from the notes rather than stored, so the flag can never disagree with them; the
        notes themselves are kept in full for anyone who wants to read them differently.
        """
        return TECHNICAL_FAULT_PHRASE in self.notes.casefold()

    @property
    def natural_key(self) -> str:
        """Who published it, when and where: a later edition is matched by this, not by the
        row's position (editions re-number, insert and drop rows)."""
        return natural_key(self.force, self.date, self.location, self.occurrence)

    @property
    def reference(self) -> str:
        """Its published id, or its place and date ("Westminster 10/01/2024")."""
        if self.row_id:
            return self.row_id
        return self.named or place_reference(self.location, self.date, self.occurrence)


def place_reference(location: str, date: dt.date, number: int) -> str:
    """ "Westminster 10/01/2024", and "(2)" after the second of the day, within the length of
    a reference."""
    suffix = f" {date:%d/%m/%Y}" + (f" ({number})" if number > 1 else "")
    return location[: REFERENCE_CHARS - len(suffix)].rstrip() + suffix


def natural_key(force: str, date: dt.date, location: str, occurrence: int) -> str:
    place = " ".join(re.sub(r"[^0-9a-z]+", " ", location.casefold()).split())
    return f"{force}|{date.isoformat()}|{place}|{occurrence}"


def place_key(force: str, date: dt.date, location: str) -> str:
    """The natural key of every deployment of one force, date and place."""
    return natural_key(force, date, location, 0)


@dataclasses.dataclass
class ParseResult:
    """Either every row, read, or every error found: `rows` is empty whenever `errors` is not,
    so a caller cannot import half a file by mistake."""

    rows: list[PublishedDeployment] = dataclasses.field(default_factory=list)
    errors: list[RowError] = dataclasses.field(default_factory=list)
    layout: Layout | None = None
    document: Document | None = None
    ignored_columns: list[str] = dataclasses.field(default_factory=list)
    ignored: list[str] = dataclasses.field(default_factory=list)  # printed, not the grid
    table_flags: list[dict[str, str]] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# A row as read: (row_number, page, printed_row, headers, cells).
_SourceRow = tuple[int, int | None, int | None, tuple[str, ...], list[str]]


@dataclasses.dataclass(frozen=True)
class _Source:
    """A table as read, before its layout: each row's cells under its headers."""

    document: Document | None
    rows: list[_SourceRow]
    ignored: list[str]
    header_sets: list[tuple[str, ...]]  # every header the table prints


def parse_published_table(
    path: Path, force: str | None = None, layout: Layout | None = None
) -> ParseResult:
    """Read a published deployment table: a force's PDF, a .csv (UTF-8 with or without a BOM,
    or Windows-1252; comma or semicolon) or an .xlsx (first sheet).

    Without `layout`, the layout is recognised from the headers among the built-in ones. If
    `force` is given, a row naming another force is an error and a row without one takes it;
    without it, every row must name its force.
    """
    path = Path(path)
    try:
        source = _source(path)
    except UnreadableFile as exc:
        return ParseResult(errors=[RowError(None, None, str(exc))])
    header_sets = source.header_sets
    matches = [match(layout, h) for h in dict.fromkeys(header_sets)] if layout else None
    if matches is None:
        matches = recognise(header_sets, BUILTIN)
    result = ParseResult(document=source.document, ignored=source.ignored)
    if not matches or any(m.missing for m in matches):
        result.errors = _layout_errors(header_sets, matches, layout)
        return result
    by_headers = {tuple(h): m for h, m in zip(dict.fromkeys(header_sets), matches, strict=True)}
    result.layout = matches[0].layout
    result.ignored_columns = _ignored(by_headers)
    result.errors = _header_errors(source, by_headers)
    if result.errors:
        return result
    if not source.rows:
        result.errors = [RowError(None, None, f"{path.name} has no rows to import")]
        return result
    rows: list[PublishedDeployment] = []
    first_use_of_row_id: dict[str, int] = {}
    for row_number, page, printed_row, headers, cells in source.rows:
        found = by_headers[headers]
        record = _record(found, cells)
        if all(not text.strip() for text in cells):
            continue  # a blank line carries nothing to import or to lose
        context = _Context(row_number, page, printed_row, found.layout, force, source.document)
        row, row_errors = _read_row(context, record)
        result.errors.extend(_duplicate_row_id(row_number, record, first_use_of_row_id))
        result.errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if result.errors:
        return result
    rows = _numbered(rows)
    result.rows, result.table_flags = _flagged(rows)
    return result


def format_errors(errors: Iterable[RowError]) -> str:
    """One line per error, in file order, for the command line."""
    return "\n".join(str(error) for error in errors)


# Reading the table


def _source(path: Path) -> _Source:
    if path.suffix.lower() == ".pdf":
        printed = read_pdf(path)
        rows: list[_SourceRow] = [
            (position, row.page, row.row, row.headers, list(row.cells))
            for position, row in enumerate(printed.rows, start=1)
        ]
        header_sets = list(dict.fromkeys(row.headers for row in printed.rows))
        return _Source(printed.document, rows, printed.ignored, header_sets)
    table = read_table(path)
    if not table:
        raise UnreadableFile(f"{path.name} cannot be read: it is empty")
    headers = tuple(name.strip() for name in table[0])
    body: list[_SourceRow] = [
        (number, None, None, headers, cells)
        for number, cells in enumerate(table[1:], start=FIRST_ROW)
    ]
    return _Source(None, body, [], [headers])


def _record(found: Match, cells: Sequence[str]) -> dict[str, str]:
    record: dict[str, str] = {}
    for name, text in zip(found.fields, cells, strict=True):
        if name is not None:
            record[name] = text
    return record


def _ignored(by_headers: dict[tuple[str, ...], Match]) -> list[str]:
    names: dict[str, None] = {}
    for headers, found in by_headers.items():
        for index in found.ignored:
            if headers[index].strip():
                names[headers[index]] = None
    return list(names)


_MISSING = "missing required column"


def _layout_errors(
    header_sets: list[tuple[str, ...]], matches: list[Match], layout: Layout | None
) -> list[RowError]:
    """Why no layout reads these headers: the closest layout's missing columns."""
    if matches:  # a layout was given, and some header lacks a required field
        missing = dict.fromkeys(name for m in matches for name in m.missing)
        return [RowError(HEADER_ROW, name, _MISSING) for name in missing]
    best = closest(header_sets, BUILTIN)
    read = len(best.layout.columns) - len(best.missing)
    if best.layout.name == "register" and 2 * read >= len(best.layout.required):
        # the register's own layout with columns missing: each of them named
        return [RowError(HEADER_ROW, name, _MISSING) for name in best.missing]
    printed = "; ".join(h for h in header_sets[0] if h.strip())
    reason = (
        f"the headers match no known layout (closest: {best.layout.title}, which would need "
        f"{', '.join(best.missing)}); describe this force's layout in a layout file "
        f"(--layout, see docs/layouts.md). Headers found: {printed}"
    )
    return [RowError(HEADER_ROW, None, reason)]


def _header_errors(source: _Source, by_headers: dict[tuple[str, ...], Match]) -> list[RowError]:
    """A header given twice, or a column of values without a header: neither can be read."""
    errors: list[RowError] = []
    for headers in by_headers:
        seen: dict[str, int] = {}
        for position, header in enumerate(headers, start=1):
            key = header.strip().casefold()
            if key and key in seen:
                reason = f"appears twice (columns {seen[key]} and {position})"
                errors.append(RowError(HEADER_ROW, header.strip(), reason))
            seen.setdefault(key, position)
            if not key and _column_has_values(source, headers, position - 1):
                reason = f"column {position} has values but no header"
                errors.append(RowError(HEADER_ROW, None, reason))
    return errors


def _column_has_values(source: _Source, headers: tuple[str, ...], index: int) -> bool:
    # An unnamed, empty column is what a stray trailing comma leaves; it holds nothing to drop.
    return any(row[4][index].strip() for row in source.rows if row[3] == headers)


# Rows


@dataclasses.dataclass(frozen=True)
class _Context:
    row_number: int
    page: int | None
    printed_row: int | None
    layout: Layout
    force: str | None
    document: Document | None


class _RowReader:
    """Reads the cells of one row, collecting an error per unreadable cell instead of
    stopping, and what each cell says beside its value."""

    def __init__(self, context: _Context, record: dict[str, str]) -> None:
        self.context = context
        self.record = record
        self.row_id: str | None = record.get("row_id", "").strip() or None
        self.errors: list[RowError] = []
        self.qualifiers: dict[str, str] = {}
        self.flags: list[dict[str, str]] = []

    def take(self, column: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(self.record.get(column, ""))
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def count(self, column: str) -> int | None:
        count = self.take(column, values.read_count)
        if count is None:
            return None
        if count.qualifier:
            self.qualifiers[column] = count.qualifier
            shown = " ".join(self.record[column].split())
            self.flag(
                "approximate_figure",
                f"{column} is printed as {shown!r}: kept as {count.value:,} "
                f"{count.qualifier!r}, an approximation, not an exact figure",
            )
        return count.value

    def flag(self, check: str, message: str) -> None:
        self.flags.append({"check": check, "message": message})

    def fail(self, column: str | None, reason: str) -> None:
        value = self.record.get(column) if column else None
        error = RowError(
            self.context.row_number,
            column,
            reason,
            value=value,
            record=self.row_id or self._place_and_date(),
            page=self.context.page,
            printed_row=self.context.printed_row,
        )
        self.errors.append(error)

    def _place_and_date(self) -> str | None:
        if self.context.page is None:
            return None  # a file row is named by its number
        place = " ".join(self.record.get("location", "").split())
        date = " ".join(self.record.get("date", "").split())
        return f"{place} {date}".strip() or None


def _read_row(
    context: _Context, record: dict[str, str]
) -> tuple[PublishedDeployment | None, list[RowError]]:
    reader = _RowReader(context, record)
    layout = context.layout
    counts: dict[str, Any] = {
        field: reader.count(column) for column, field in COUNT_COLUMNS.items()
    }
    start = reader.take("start", values.parse_datetime)
    end = reader.take("end", values.parse_datetime)
    row_id = reader.take("row_id", values.parse_required_text) if "row_id" in record else None
    force_code = reader.take("force", _force_parser(context.force))
    days = reader.take("date", lambda text: values.read_date(text, layout.date_order))
    location = reader.take("location", _required_text)
    span = reader.take("duration", values.read_duration)
    threshold = reader.take("threshold", values.parse_threshold)
    rate = reader.take("published_false_alert_rate", _rate)
    page = reader.take("page", values.parse_page) if context.page is None else context.page
    notes = " ".join(record.get("notes", "").split()) if context.page else record.get("notes", "")
    if location and layout.location_remarks:
        location, remark = values.split_remark(location)
        notes = "; ".join(part for part in (remark, notes) if part)
    if start is not None and end is not None and (start.tzinfo is None) != (end.tzinfo is None):
        reader.fail("end", "start and end must both carry a UTC offset, or neither")
    if reader.errors:
        # Errors come out in column order, whatever order the cells were read in.
        return None, sorted(reader.errors, key=_column_order)
    # A required cell reads as None only with its error, and those returned above.
    assert force_code is not None and days is not None and location is not None
    if days.several:
        reader.flag(
            "aggregate_row",
            f"one row for {_days(days)}: kept as one published record from "
            f"{days.first:%d/%m/%Y} to {days.last:%d/%m/%Y}, an aggregate, not a deployment",
        )
    if span is not None and span.starts is not None and not days.several:
        start, end = _window(days.first, span)
    deployment = PublishedDeployment(
        row_number=context.row_number,
        row_id=row_id,
        force=force_code,
        date=days.first,
        location=location,
        duration=None if span is None else span.duration,
        purpose=" ".join(record.get("purpose", "").split()),
        threshold=threshold,
        published_false_alert_rate=rate,
        notes=notes,
        source_doc=_source_doc(context, record),
        page=page,
        start=start,
        end=end,
        date_until=days.last if days.several else None,
        printed_row=context.printed_row,
        cells={name: text for name, text in record.items()},
        qualifiers=reader.qualifiers,
        flags=tuple(reader.flags),
        **counts,
    )
    return deployment, []


def _force_parser(expected: str | None) -> Callable[[str], str]:
    def parse(text: str) -> str:
        published = text.strip()
        if expected is None:
            if not published:
                raise ValueError("a force is required: give one with --force, or a force column")
            return published
        if published and published != expected:
            raise ValueError(f"{published!r} is not the force being imported ({expected!r})")
        return expected

    return parse


def _required_text(text: str) -> str:
    """Prose such as a location is kept as published (its lines joined), but must be there."""
    if not text.strip():
        raise ValueError("a value is required")
    return text if "\n" not in text else " ".join(text.split())


def _rate(text: str) -> str | None:
    """A published rate, kept as printed, if it is a rate at all."""
    kept = values.parse_published_text(text)
    if kept is not None and published_rate(kept) is None:
        raise ValueError(f"{text!r} is not a rate like 0.008%, 0.0008 or '1 in 2,251'")
    return kept


def _source_doc(context: _Context, record: dict[str, str]) -> str:
    document = context.document
    if document is None:
        return record.get("source_doc", "")
    created = f", created {document.created:%Y-%m-%d}" if document.created else ""
    return f"{document.title} ({document.file_name}{created})"


def _window(day: dt.date, span: values.Span) -> tuple[dt.datetime, dt.datetime]:
    """A window of the day ("11:20-14:50") as times on the deployment's day, in the register's
    time zone (a window past midnight ends the next day)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    assert span.starts is not None
    start = dt.datetime.combine(day, span.starts, tzinfo=zone)
    return start, (start + span.duration).astimezone(zone)


def _days(days: values.Days) -> str:
    if days.listed > 1:
        return f"{days.listed} days"
    return f"{(days.last - days.first).days + 1} days"


def _duplicate_row_id(
    row_number: int, record: dict[str, str], first_use: dict[str, int]
) -> list[RowError]:
    """An error if this row reuses a row id; `first_use` remembers where each id was first seen."""
    row_id = record.get("row_id", "").strip()
    if not row_id:
        return []
    if row_id not in first_use:
        first_use[row_id] = row_number
        return []
    reason = f"duplicate row_id, first used on row {first_use[row_id]}"
    return [RowError(row_number, "row_id", reason, value=row_id, record=row_id)]


_COLUMN_POSITION = {name: i for i, name in enumerate(FIELDS)}


def _column_order(error: RowError) -> int:
    return _COLUMN_POSITION.get(error.column or "", len(_COLUMN_POSITION))


# What the table shows as a whole


def _numbered(rows: list[PublishedDeployment]) -> list[PublishedDeployment]:
    """Each row's occurrence among the rows of its force, place and date, in print order: the
    same place and date can be printed twice (two deployments in one day)."""
    seen: Counter[str] = Counter()
    numbered = []
    for row in rows:
        key = place_key(row.force, row.date, row.location)
        seen[key] += 1
        numbered.append(dataclasses.replace(row, occurrence=seen[key]))
    return numbered


def _flagged(
    rows: list[PublishedDeployment],
) -> tuple[list[PublishedDeployment], list[dict[str, str]]]:
    """The rows with the defects their table shows, and the table's own (identical columns)."""
    extra: dict[int, list[dict[str, str]]] = {}
    for index, flag in [*_out_of_sequence(rows), *_threshold_out_of_sequence(rows)]:
        extra.setdefault(index, []).append(flag)
    flagged = [
        dataclasses.replace(row, flags=(*row.flags, *extra.get(index, ())))
        if index in extra
        else row
        for index, row in enumerate(rows)
    ]
    return flagged, _identical_columns(rows)


def _out_of_sequence(rows: list[PublishedDeployment]) -> Iterable[tuple[int, dict[str, str]]]:
    """A row whose date is not between those of the rows printed either side of it, when
    they are in order with each other ("Dalston 11/07/23" among July 2024 rows)."""
    for index in range(1, len(rows) - 1):
        before, row, after = rows[index - 1], rows[index], rows[index + 1]
        if before.force != row.force or after.force != row.force:
            continue
        if before.date <= after.date and not before.date <= row.date <= after.date:
            yield (
                index,
                {
                    "check": "date_out_of_sequence",
                    "message": (
                        f"dated {row.date:%d/%m/%Y} but printed between rows of "
                        f"{before.date:%d/%m/%Y} and {after.date:%d/%m/%Y}: kept as published; "
                        "the date may be mistyped"
                    ),
                },
            )


def _threshold_out_of_sequence(
    rows: list[PublishedDeployment],
) -> Iterable[tuple[int, dict[str, str]]]:
    """A row at a threshold that none of the rows closest to it in date used (the three
    nearest, and any as near as the third), and that the table's other rows used only more
    than THRESHOLD_GAP away: the threshold in force on its date was another ("Dalston 11/07/23"
    at 0.62, first used on 11/07/24). In date order, so that a table of many rows is judged in
    n log n, not n squared."""
    dated = sorted(
        (row.date, index, row.threshold)
        for index, row in enumerate(rows)
        if row.threshold is not None
    )
    if len(dated) <= THRESHOLD_WITNESSES:
        return
    days_at: dict[Decimal, list[dt.date]] = {}
    on_day: dict[dt.date, Counter[Decimal]] = {}
    for day, _, threshold in dated:
        days_at.setdefault(threshold, []).append(day)
        on_day.setdefault(day, Counter())[threshold] += 1
    days = sorted(on_day)
    found = []
    for day, index, threshold in dated:
        nearest_same = _nearest_other_day(days_at[threshold], day)
        if nearest_same is None or abs(nearest_same - day) <= THRESHOLD_GAP:
            continue
        witnesses = _nearest_thresholds(days, on_day, day, threshold)
        if threshold in witnesses:
            continue
        in_force = ", ".join(sorted(str(other) for other in witnesses))
        message = (
            f"threshold {threshold} on {day:%d/%m/%Y}, when the rows closest to it in date "
            f"used {in_force}; the table's nearest other row at {threshold} is dated "
            f"{nearest_same:%d/%m/%Y}"
        )
        found.append((index, {"check": "threshold_out_of_sequence", "message": message}))
    yield from sorted(found, key=lambda item: item[0])


def _nearest_other_day(days: list[dt.date], day: dt.date) -> dt.date | None:
    """The day in `days` (sorted, holding `day` itself once at least) nearest to `day`, other
    than its own; of two as near, the earlier."""
    own = bisect.bisect_left(days, day)
    others = [days[k] for k in (own - 1, own + 1) if 0 <= k < len(days)]
    return min(others, key=lambda other: abs(other - day), default=None)


def _nearest_thresholds(
    days: list[dt.date], on_day: dict[dt.date, Counter[Decimal]], day: dt.date, own: Decimal
) -> set[Decimal]:
    """The thresholds of the THRESHOLD_WITNESSES other rows nearest in date to a row at `own`
    on `day`, and of every row as near as the farthest of them (no tie is broken by the order
    of print): whole days at a time, so a day of many rows is one step, not many."""
    here = on_day[day].copy()
    here[own] -= 1  # the row itself is no witness
    thresholds = {threshold for threshold, count in here.items() if count > 0}
    seen = here.total()
    position = bisect.bisect_left(days, day)
    before, after = position - 1, position + 1
    while seen < THRESHOLD_WITNESSES and (before >= 0 or after < len(days)):
        gap_before = day - days[before] if before >= 0 else None
        gap_after = days[after] - day if after < len(days) else None
        reach = min(gap for gap in (gap_before, gap_after) if gap is not None)
        for side, gap in ((before, gap_before), (after, gap_after)):
            if gap == reach:  # both sides when they are as near
                thresholds.update(on_day[days[side]])
                seen += on_day[days[side]].total()
        before -= gap_before == reach
        after += gap_after == reach
    return thresholds


IDENTICAL_MINIMUM_ROWS = 5


def _identical_columns(rows: list[PublishedDeployment]) -> list[dict[str, str]]:
    """A count column equal to another in every row where both are printed (at least five
    rows, not all zero): one was probably printed in place of the other. Totals are not
    compared with their parts: a total equals its part wherever the other part is 0."""
    totals = {"total_alerts", "true_alerts_total"}
    fields = [name for name in COUNT_COLUMNS.values() if name not in totals]
    flags = []
    for position, first in enumerate(fields):
        for second in fields[position + 1 :]:
            pairs = [
                (getattr(row, first), getattr(row, second))
                for row in rows
                if getattr(row, first) is not None and getattr(row, second) is not None
            ]
            if len(pairs) < IDENTICAL_MINIMUM_ROWS or not any(a for a, _ in pairs):
                continue
            if all(a == b for a, b in pairs):
                flags.append(
                    {
                        "check": "identical_columns",
                        "message": (
                            f"{second.replace('_', ' ')} equals {first.replace('_', ' ')} in "
                            f"all {len(pairs)} rows that print both: one column was probably "
                            "printed in place of the other; both are kept as published"
                        ),
                    }
                )
    return flags


# The rows as the metrics read them


def published_frame(rows: Sequence[PublishedDeployment], rate_of: str = "faces") -> pd.DataFrame:
    """The rows as a deployment frame (metrics/columns.py), named by their references, so that
    the data-quality checks judge a file before it is imported exactly as they judge the
    register after."""
    frame = pd.DataFrame(
        {
            "record": [row.reference for row in rows],
            "force": [row.force for row in rows],
            "date": pd.to_datetime([row.date for row in rows]),
            "location": [row.location for row in rows],
            "mode": "LFR",
            "use_case": None,
            "purpose": [row.purpose for row in rows],
            "threshold": [row.threshold for row in rows],
            "watchlist_size": [row.watchlist_size for row in rows],
            "faces_seen": [row.faces_seen for row in rows],
            "alerts": [row.total_alerts for row in rows],
            "true_total": [row.true_alerts_total for row in rows],
            "true_confirmed": [row.true_confirmed for row in rows],
            "true_unconfirmed": [row.true_unconfirmed for row in rows],
            "false_confirmed": [row.false_confirmed for row in rows],
            "false_unconfirmed": [row.false_unconfirmed for row in rows],
            "engagements": [_known_sum(row) for row in rows],
            "arrests": [row.arrests for row in rows],
            "other_disposals": [row.other_disposals for row in rows],
            "no_action": [row.no_action for row in rows],
            "hours": [_hours(row) for row in rows],
            "published_false_alert_rate": [row.published_false_alert_rate for row in rows],
            "faces_seen_revised": False,
            "start": pd.to_datetime(pd.Series([row.start for row in rows], dtype=object), utc=True),
            "end": pd.to_datetime(pd.Series([row.end for row in rows], dtype=object), utc=True),
            "rate_of": rate_of,
        }
    )
    for column in NUMERIC_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


# The frame's numeric columns: the metrics' own counts, and what a deployment adds to them.
NUMERIC_COLUMNS = ("threshold", "watchlist_size", *COUNT_COLUMNS_OF_FRAME, "hours")


def _known_sum(row: PublishedDeployment) -> int | None:
    parts = [row.true_alert_engagements, row.false_alert_engagements]
    known = [part for part in parts if part is not None]
    return sum(known) if known else None


def _hours(row: PublishedDeployment) -> float | None:
    span = row.end - row.start if row.start and row.end else row.duration
    return span / dt.timedelta(hours=1) if span is not None else None
