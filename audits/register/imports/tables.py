"""Reading an uploaded table (CSV or XLSX) as text, for every import, within
audits.register.imports.limits.

Every cell comes back as the text a person sees, header included, so that nothing is coerced on
the way in: each import parses its own columns and reports what it cannot read. Every limit is
checked before what it bounds is allocated: the file's size before it is opened, an XLSX's
inflated size from its zip directory, a row's columns before the row is built, and the sheet's
extent cell by cell as it streams (its <dimension> tag is not trusted either way). Row numbers
count records as a spreadsheet shows them: a line break inside a quoted CSV cell stays in it.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.functions import iterparse

from audits.register.imports.limits import (
    CELL_CHARS,
    COLUMNS,
    ROWS,
    UPLOAD_BYTES,
    XLSX_MEMBER_BYTES,
    XLSX_TOTAL_BYTES,
)

SUFFIXES = (".csv", ".xlsx")
MAX_TABLE_ROWS = ROWS + 1  # the records and their header row
# The longest physical CSV line that can hold COLUMNS cells of CELL_CHARS, quoted.
_MAX_LINE_CHARS = COLUMNS * (CELL_CHARS + 3)

_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _FORMULA = f"{_SHEET}row", f"{_SHEET}c", f"{_SHEET}f"
_VALUE, _INLINE = f"{_SHEET}v", f"{_SHEET}is"


class UnreadableFile(Exception):
    pass


def read_table(path: Path) -> list[list[str]]:
    """Every cell of a .csv (UTF-8, BOM tolerated) or of the first sheet of an .xlsx, as text,
    every row as wide as the widest. Raises UnreadableFile naming the limit a file exceeds."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(f"{path.name}: expected a .csv or .xlsx file, not {suffix!r}")
    check_file_size(path)
    try:
        rows = _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path)
    except (OSError, ValueError, KeyError, csv.Error, zipfile.BadZipFile) as exc:
        # ValueError covers bad UTF-8 and malformed sheet XML; KeyError a zip without a sheet.
        raise UnreadableFile(f"{path.name} cannot be read: {exc}") from exc
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def check_file_size(path: Path) -> None:
    """Refuse a file above UPLOAD_BYTES before any of it is read."""
    size = path.stat().st_size
    if size > UPLOAD_BYTES:
        message = f"the file is {size:,} bytes; the limit is {UPLOAD_BYTES:,}"
        raise UnreadableFile(f"{path.name}: {message}")


def _too_many_rows(path: Path, number: int) -> UnreadableFile:
    return UnreadableFile(
        f"{path.name}: row {number:,} is beyond the limit of {MAX_TABLE_ROWS:,} rows "
        f"(a header and {ROWS:,} records): split the file"
    )


def _too_long(path: Path, where: str, length: int) -> UnreadableFile:
    return UnreadableFile(
        f"{path.name}: {where} has {length:,} characters; the limit is {CELL_CHARS:,} per cell"
    )


# CSV


def _csv_rows(path: Path) -> list[list[str]]:
    """A CSV as people save one: UTF-8 with or without a byte-order mark, or Windows-1252 (what
    Excel on Windows writes as "CSV"), separated by commas or, where a comma is the decimal
    mark, semicolons."""
    text = _decoded(path)
    delimiter = _delimiter(text)
    rows = []
    lines = _bounded_lines(path, io.StringIO(text, newline=""), delimiter)
    for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        if number > MAX_TABLE_ROWS:
            raise _too_many_rows(path, number)
        for column, cell in enumerate(row, start=1):
            if len(cell) > CELL_CHARS:
                raise _too_long(path, f"row {number:,}, column {column:,}", len(cell))
        rows.append(row)
    return rows


def _decoded(path: Path) -> str:
    data = path.read_bytes()  # within UPLOAD_BYTES: read_table checked its size
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"{path.name} is neither UTF-8 nor Windows-1252 text (byte {exc.start:,}): save it "
            "as CSV UTF-8"
        ) from None


def _delimiter(text: str) -> str:
    """Semicolons if the header has more of them than commas (outside quotes), else commas."""
    header = text.split("\n", 1)[0]
    unquoted = "".join(header.split('"')[::2])
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _bounded_lines(path: Path, file: IO[str], delimiter: str = ",") -> Iterator[str]:
    """The file's physical lines for csv.reader, each checked before the reader splits it: no
    line longer than a full row can be, and no record with more than COLUMNS cells (separators
    inside quotes are not counted; a quote left open carries over to the next line)."""
    record, commas, quoted = 1, 0, False
    while line := file.readline(_MAX_LINE_CHARS + 1):
        if len(line) > _MAX_LINE_CHARS:
            raise UnreadableFile(
                f"{path.name}: row {record:,} has a line of more than {_MAX_LINE_CHARS:,} "
                f"characters, longer than {COLUMNS:,} cells of {CELL_CHARS:,} can be"
            )
        parts = line.split('"')
        commas += sum(part.count(delimiter) for part in parts[int(quoted) :: 2])
        if commas >= COLUMNS:
            raise UnreadableFile(
                f"{path.name}: row {record:,} has at least {commas + 1:,} columns; "
                f"the limit is {COLUMNS:,} columns"
            )
        quoted ^= len(parts) % 2 == 0  # an odd number of quotes opens or closes a cell
        if not quoted:
            record, commas = record + 1, 0
        yield line


# XLSX


def _xlsx_rows(path: Path) -> list[list[str]]:
    _check_inflated_size(path)
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        # The sheet's XML, streamed from the zip, through openpyxl's own parser: the attributes
        # are private, so its stubs (types-openpyxl) do not declare them.
        with sheet._get_source() as source:  # type: ignore[attr-defined]
            cells = WorkSheetParser(
                source,
                sheet._shared_strings,  # type: ignore[attr-defined]
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,  # type: ignore[attr-defined]
                timedelta_formats=workbook._timedelta_formats,  # type: ignore[attr-defined]
            )
            rows = _sheet_rows(path, source, cells, _percent_styles(workbook))
    finally:
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()  # trailing empty rows are formatting, not records
    return rows


def _check_inflated_size(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    for member in members:
        if member.file_size > XLSX_MEMBER_BYTES:
            raise UnreadableFile(
                f"{path.name}: {member.filename} inflates to {member.file_size:,} bytes; "
                f"the limit is {XLSX_MEMBER_BYTES:,}"
            )
    total = sum(member.file_size for member in members)
    if total > XLSX_TOTAL_BYTES:
        raise UnreadableFile(
            f"{path.name}: the workbook inflates to {total:,} bytes; "
            f"the limit is {XLSX_TOTAL_BYTES:,}"
        )


def _percent_styles(workbook: Any) -> dict[int, int]:
    """The cell styles that show a number as a percentage, with the places they show: a cell
    shown as 0.008% holds 8e-05, and the force published the 0.008%."""
    formats = workbook._number_formats  # openpyxl's own stylesheet, read with the workbook
    percent = {}
    for style_id, style in enumerate(workbook._cell_styles):
        number = style.numFmtId
        custom = number - 164
        # A style may name a format the workbook never defines: Excel shows it as General.
        shown = (
            BUILTIN_FORMATS.get(number)
            if custom < 0
            else (formats[custom] if custom < len(formats) else None)
        )
        if shown and "%" in shown:
            places = shown.split("%")[0].partition(".")[2]
            percent[style_id] = sum(mark == "0" for mark in places)
    return percent


def _sheet_rows(
    path: Path, source: IO[bytes], cells: WorkSheetParser, percent: dict[int, int]
) -> list[list[str]]:
    """Stream the sheet's XML cell by cell (openpyxl's own cell parser reads each value), so a
    cell beyond the limits is refused before anything is allocated for the space before it."""
    rows: list[list[str]] = []
    for event, element in iterparse(source, events=("start", "end")):
        if element.tag == _ROW and event == "start":
            row = element.get("r")
            cells.row_counter = int(row) if row else cells.row_counter + 1
            cells.col_counter = 0
        elif element.tag == _CELL and event == "end":
            _add_cell(path, rows, element, cells, percent)
            element.clear()
        elif element.tag == _ROW and event == "end":
            element.clear()
    return rows


def _add_cell(
    path: Path,
    rows: list[list[str]],
    element: Any,
    cells: WorkSheetParser,
    percent: dict[int, int],
) -> None:
    cell = cells.parse_cell(element)
    has_formula = element.find(_FORMULA) is not None
    has_content = has_formula or cell["value"] is not None or element.find(_INLINE) is not None
    if not has_content:
        return  # a formatted empty cell: no value, wherever it sits
    row, column = cell["row"], cell["column"]
    name = f"cell {get_column_letter(column)}{row}" if column <= 16_384 else f"column {column:,}"
    if column > COLUMNS:
        raise UnreadableFile(
            f"{path.name}: {name} is in column {column:,}, beyond the limit of {COLUMNS:,} columns"
        )
    if row > MAX_TABLE_ROWS:
        raise _too_many_rows(path, row)
    text = _cell_text(path, name, cell, has_formula, percent)
    if len(text) > CELL_CHARS:
        raise _too_long(path, name, len(text))
    while len(rows) < row:
        rows.append([])
    cells_of_row = rows[row - 1]
    cells_of_row.extend([""] * (column - len(cells_of_row)))
    cells_of_row[column - 1] = text


def _cell_text(
    path: Path, name: str, cell: dict[str, Any], has_formula: bool, percent: dict[int, int]
) -> str:
    """The cell as pandas' read_excel showed it (whole numbers without ".0", dates as
    "2023-12-07 00:00:00"). A formula without a saved value, or a spreadsheet error, is refused:
    reading either as blank would publish an unknown the force never wrote."""
    value = cell["value"]
    if value is None and has_formula:
        raise UnreadableFile(
            f"{path.name}: {name} holds a formula with no saved value: open the file in a "
            "spreadsheet and save it, or paste the values"
        )
    if cell["data_type"] == "e":
        raise UnreadableFile(f"{path.name}: {name} holds the spreadsheet error {value}")
    if value is None:
        return ""
    places = percent.get(cell["style_id"])
    if places is not None and isinstance(value, int | float) and not isinstance(value, bool):
        shown = (Decimal(repr(value)) * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        return f"{shown}%"  # as the sheet shows it
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)  # dates and times as str() writes them, as pandas did
