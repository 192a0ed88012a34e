"""Read a force's published "LFR Deployment Grid" (one row per deployment) into typed rows.

This is the parsing half of `import_deployments`: pure code, no ORM. It reads CSV or XLSX,
checks the layout, parses every cell and collects every error in the file, so that a person can
fix them all in one pass. Writing the rows to the register is the caller's job, and the caller
imports nothing unless `ParseResult.ok`.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from audits.register.imports import values
from audits.register.imports.protocol import FIRST_ROW, HEADER_ROW, RowError
from audits.register.imports.tables import UnreadableFile, read_table

REQUIRED_COLUMNS: tuple[str, ...] = (
    "row_id",
    "force",
    "date",
    "location",
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
# Grids that publish times carry these; grids that publish only a date and a duration do not.
OPTIONAL_COLUMNS: tuple[str, ...] = ("start", "end")

# Count columns, keyed by the published column name, valued by the PublishedDeployment field.
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

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class PublishedDeployment:
    """One deployment as the force published it.

    `row_number` counts rows as a spreadsheet does (protocol.RowError): the header is row 1, the
    first deployment row 2. Blank rows count, so the number always points at the row a person
    sees. Every count is None when the force did not publish it, never 0.
    """

    row_number: int
    row_id: str
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

    @property
    def technical_fault(self) -> bool:
        """True when the notes report a technical fault (the grids have no column for it).

        Derived from the notes rather than stored, so the flag can never disagree with them; the
        notes themselves are kept in full for anyone who wants to read them differently.
        """
        return TECHNICAL_FAULT_PHRASE in self.notes.casefold()


@dataclasses.dataclass(frozen=True)
class ParseResult:
    """Either every row, parsed, or every error found: `rows` is empty whenever `errors` is not,
    so a caller cannot import half a file by mistake."""

    rows: list[PublishedDeployment] = dataclasses.field(default_factory=list)
    errors: list[RowError] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_published_table(path: Path, force: str | None = None) -> ParseResult:
    """Parse a published deployment grid from a .csv (UTF-8, BOM tolerated) or .xlsx (first sheet).

    If `force` is given, a row naming another force is an error, and a row whose force cell is
    blank takes `force`; without it, every row must name its force.
    """
    try:
        table = read_table(Path(path))
    except UnreadableFile as exc:
        return ParseResult(errors=[RowError(None, None, str(exc))])
    if not table:
        empty = f"{Path(path).name} cannot be read: it is empty"
        return ParseResult(errors=[RowError(None, None, empty)])
    header, body = _split_header(table)
    header_errors = _check_header(header, body)
    if any(error.reason == _MISSING for error in header_errors):
        return ParseResult(errors=header_errors)
    rows: list[PublishedDeployment] = []
    errors = list(header_errors)
    first_use_of_row_id: dict[str, int] = {}
    for row_number, cells in enumerate(body, start=FIRST_ROW):
        record = dict(zip(header, cells, strict=True))
        if all(not value.strip() for value in record.values()):
            continue  # a blank line carries nothing to import or to lose
        row, row_errors = _parse_row(row_number, record, force)
        errors.extend(_duplicate_row_id(row_number, record["row_id"], first_use_of_row_id))
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    return ParseResult(rows=[] if errors else rows, errors=errors)


def format_errors(errors: Iterable[RowError]) -> str:
    """One line per error, in file order, for the command line."""
    return "\n".join(str(error) for error in errors)


# Reading


def _split_header(table: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    if not table:
        return [], []
    return [name.strip() for name in table[0]], table[1:]


# Layout

_MISSING = "missing required column"


def _check_header(header: Sequence[str], body: Sequence[Sequence[str]]) -> list[RowError]:
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    errors = [RowError(HEADER_ROW, name, _MISSING) for name in missing]
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name and name in seen:
            reason = f"appears twice (columns {seen[name]} and {position})"
            errors.append(RowError(HEADER_ROW, name, reason))
        seen.setdefault(name, position)
        if not name and _column_has_values(body, position - 1):
            reason = f"column {position} has values but no header"
            errors.append(RowError(HEADER_ROW, None, reason))
        elif name and name not in known:
            reason = "unknown column (not in the published layout)"
            errors.append(RowError(HEADER_ROW, name, reason))
    return errors


def _column_has_values(body: Sequence[Sequence[str]], index: int) -> bool:
    # An unnamed, empty column is what a stray trailing comma leaves; it holds nothing to drop.
    return any(row[index].strip() for row in body)


# Rows


class _RowReader:
    """Parses the cells of one row, collecting an error per bad cell instead of stopping."""

    def __init__(self, row_number: int, record: dict[str, str]) -> None:
        self.row_number = row_number
        self.record = record
        self.row_id: str | None = record["row_id"].strip() or None
        self.errors: list[RowError] = []

    def take(self, column: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(self.record.get(column, ""))
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def fail(self, column: str | None, reason: str) -> None:
        value = self.record.get(column) if column else None
        error = RowError(self.row_number, column, reason, value=value, record=self.row_id)
        self.errors.append(error)


def _parse_row(
    row_number: int, record: dict[str, str], force: str | None
) -> tuple[PublishedDeployment | None, list[RowError]]:
    reader = _RowReader(row_number, record)
    counts = {
        field: reader.take(column, values.parse_count) for column, field in COUNT_COLUMNS.items()
    }
    start = reader.take("start", values.parse_datetime)
    end = reader.take("end", values.parse_datetime)
    row_id = reader.take("row_id", values.parse_required_text)
    force_code = reader.take("force", _force_parser(force))
    date = reader.take("date", values.parse_date)
    location = reader.take("location", _required_verbatim)
    duration = reader.take("duration", values.parse_duration)
    threshold = reader.take("threshold", values.parse_threshold)
    rate = reader.take("published_false_alert_rate", values.parse_published_text)
    page = reader.take("page", values.parse_page)
    _check_times(reader, start, end)
    _check_alert_totals(reader, counts)
    if reader.errors:
        # Errors come out in column order, whatever order the cells were parsed in.
        return None, sorted(reader.errors, key=_column_order)
    # A required cell reads as None only with its error, and those returned above.
    assert row_id is not None and force_code is not None
    assert date is not None and location is not None
    deployment = PublishedDeployment(
        row_number=row_number,
        row_id=row_id,
        force=force_code,
        date=date,
        location=location,
        duration=duration,
        purpose=record["purpose"],
        threshold=threshold,
        published_false_alert_rate=rate,
        notes=record["notes"],
        source_doc=record["source_doc"],
        page=page,
        start=start,
        end=end,
        **counts,
    )
    return deployment, []


def _force_parser(expected: str | None) -> Callable[[str], str]:
    def parse(text: str) -> str:
        published = text.strip()
        if expected is None:
            return values.parse_required_text(published)
        if published and published != expected:
            raise ValueError(f"{published!r} is not the force being imported ({expected!r})")
        return expected

    return parse


def _required_verbatim(text: str) -> str:
    """Prose such as a location is kept exactly as published, but must be there."""
    if not text.strip():
        raise ValueError("a value is required")
    return text


# Cross-field checks: these flag a grid that contradicts itself. A published rate that disagrees
# with the recomputed one is not checked here: it is a data-quality flag for the metrics.


def _check_times(reader: _RowReader, start: dt.datetime | None, end: dt.datetime | None) -> None:
    if start is None or end is None:
        return
    if (start.tzinfo is None) != (end.tzinfo is None):
        reader.fail("end", "start and end must both carry a UTC offset, or neither")
    elif end < start:
        reader.fail("end", f"{end.isoformat()} is before start {start.isoformat()}")


def _check_alert_totals(reader: _RowReader, counts: dict[str, int | None]) -> None:
    true_split = _sum_if_known(counts["true_confirmed"], counts["true_unconfirmed"])
    true_total = counts["true_alerts_total"]
    if true_split is not None and true_total is not None and true_total != true_split:
        reader.fail(
            "true_alerts_total",
            f"{true_total} is not true_confirmed + true_unconfirmed ({true_split})",
        )
    # The split, when published, is the finer record; otherwise the grid's single true figure.
    true_alerts = true_split if true_split is not None else true_total
    false_alerts = _sum_if_known(counts["false_confirmed"], counts["false_unconfirmed"])
    parts = _sum_if_known(true_alerts, false_alerts)
    total = counts["total_alerts"]
    if parts is not None and total is not None and total != parts:
        reader.fail(
            "total_alerts",
            f"{total} is not true ({true_alerts}) + false ({false_alerts}) alerts ({parts})",
        )


def _sum_if_known(*counts: int | None) -> int | None:
    """The sum, or None if any part is unknown: an unknown part is not a zero."""
    known = [count for count in counts if count is not None]
    return sum(known) if len(known) == len(counts) else None


def _duplicate_row_id(row_number: int, text: str, first_use: dict[str, int]) -> list[RowError]:
    """An error if this row reuses a row id; `first_use` remembers where each id was first seen."""
    row_id = text.strip()
    if not row_id:
        return []
    if row_id not in first_use:
        first_use[row_id] = row_number
        return []
    reason = f"duplicate row_id, first used on row {first_use[row_id]}"
    return [RowError(row_number, "row_id", reason, value=row_id, record=row_id)]


_COLUMN_POSITION = {name: i for i, name in enumerate(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}


def _column_order(error: RowError) -> int:
    return _COLUMN_POSITION.get(error.column or "", len(_COLUMN_POSITION))
