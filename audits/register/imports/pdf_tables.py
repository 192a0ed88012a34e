"""Read the deployment grid a force published as a PDF: its ruled table, as printed.

pdfplumber finds each page's tables from their ruling lines (the lines and rectangles drawn
around cells) and gives each cell's box and text; nothing is guessed from the look of the page
and no model reads it, so the same file always gives the same rows. From those cells:

- the grid's **columns** are the cells of its first row of figures: a header printed over
  several rows, or merged over several columns, is read against them;
- each column's **header** is the text of every header cell above it, top to bottom, lines
  joined. A header cell over several columns ("True Alerts" over "Confirmed" and
  "Unconfirmed") belongs to each of them; when the words of one such cell each sit inside one
  column ("Confirmed Unconfirmed" printed side by side in one box), each word goes to its own;
- a **row** is a row of cells of which at least half are filled: the empty spacer rows between
  printed rows are skipped, and so are tables of another shape (a legend of purpose codes);
- a cell **wrapped** over several lines is one value, its lines joined by a space.

Rows keep where they were printed: the page, and the row's number among the page's rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfexceptions import PDFException, PSException
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.page import Page
from pdfplumber.table import Table
from pdfplumber.utils.exceptions import PdfminerException

from audits.register.imports.limits import CELL_CHARS, COLUMNS, ROWS
from audits.register.imports.pdf_limits import DocumentCheck
from audits.register.imports.protocol import file_digest
from audits.register.imports.tables import UnreadableFile, check_file_size

# A printed figure: digits with separators, dates, times, durations, percentages, "N/A", "-".
_FIGURE = re.compile(
    r"(?:n/?a|nil|-|\u2013|\d[\d\s.,:/%hm\-\u2013]*|\d+\s*(?:hrs?|mins?)\b.*|1 in [\d,]+)",
    re.IGNORECASE | re.ASCII,
)
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?")
# A box this much wider than the column it is read against still belongs to it (points).
_SLACK = 1.5


@dataclass(frozen=True)
class Document:
    """The published document, as the records cite it."""

    file_name: str
    title: str  # the heading printed above the grid, else the PDF's own title
    created: dt.datetime | None  # the PDF's creation date, UTC
    sha256: str
    pages: int


@dataclass(frozen=True)
class PrintedRow:
    page: int
    row: int  # among the page's rows, from 1
    cells: tuple[str, ...]  # one per column, lines joined
    headers: tuple[str, ...]  # the header of each column, as printed above it


@dataclass
class PrintedTable:
    document: Document
    rows: list[PrintedRow] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # what was printed but is not the grid


def read_pdf(path: Path) -> PrintedTable:
    """The grid of a PDF, or UnreadableFile saying why there is none."""
    check_file_size(path)
    try:
        with pdfplumber.open(path) as pdf:
            return _read(path, pdf)
    except (
        PdfminerException,
        PDFException,
        PSException,
        PDFSyntaxError,
        ValueError,
        KeyError,
        TypeError,
    ) as exc:
        # pdfminer raises these on a damaged file; the message names the file.
        raise UnreadableFile(f"{path.name} cannot be read as a PDF: {exc}") from exc


_Filled = list[tuple[tuple[float, float, float, float], str]]


@dataclass
class _Grid:
    """The columns of the table being read and their headers."""

    columns: list[tuple[float, float]]
    headers: list[str]


def _read(path: Path, pdf: Any) -> PrintedTable:
    table: PrintedTable | None = None
    grid: _Grid | None = None
    check = DocumentCheck(path.name, pdf)
    for number, page in enumerate(pdf.pages, start=1):
        check.page(number, page)
        pending: list[tuple[Page, _Filled]] = []  # header rows above the next row of figures
        on_page = 0
        for found in _grid_tables(page):
            if table is None:
                table = PrintedTable(_document(path, pdf, page, found))
            here: _Grid | None = None  # this table's columns, once its first figures are seen
            for boxes, filled in _rows(found):
                if not filled:
                    continue  # a spacer
                if here is None and grid and not pending and _continues(grid, boxes, filled):
                    # a cell wrapped over the page break ("Rd, Waterloo" atop page 7)
                    if table.rows:
                        table.rows[-1] = _continued(table.rows[-1], grid, filled)
                    continue
                if not _is_figures(filled):
                    if here is None or len(filled) * 2 >= len(here.columns):
                        pending.append((page, filled))  # a header, first or repeated
                        here = None
                    else:
                        table.ignored.append(_shown(number, filled))
                    continue
                if here is None:
                    here = grid = _grid(path, number, filled, pending, grid)
                    pending = []
                if len(filled) * 2 < len(here.columns):
                    table.ignored.append(_shown(number, filled))
                    continue
                on_page += 1
                table.rows.append(
                    PrintedRow(number, on_page, _place(here.columns, filled), tuple(here.headers))
                )
                if len(table.rows) > ROWS:
                    raise UnreadableFile(f"{path.name}: more than {ROWS:,} rows")
        table_ignored = [] if table is None else table.ignored
        table_ignored.extend(_shown(number, filled) for _, filled in pending)
        page.close()  # its objects are not kept while the next page is read
    if table is None or not table.rows:
        raise UnreadableFile(
            f"{path.name}: no ruled table with a row of figures was found; a grid printed "
            "without ruling lines (or scanned as an image) cannot be read"
        )
    return table


def _grid(
    path: Path, page: int, filled: _Filled, pending: list[tuple[Page, _Filled]], last: _Grid | None
) -> _Grid:
    columns = [(box[0], box[2]) for box, _ in filled]
    if pending:
        return _Grid(columns, _headers(columns, pending))
    if last is not None and len(last.columns) == len(columns):
        return _Grid(columns, last.headers)  # the grid goes on from the page before
    raise UnreadableFile(
        f"{path.name}: page {page} has a table of {len(columns)} columns without a header, "
        "and it does not continue the table before it"
    )


def _continues(grid: _Grid, boxes: list[Any], filled: _Filled) -> bool:
    """A row of the grid's own cells with only words in fewer than half of them: the rest of
    the row above, wrapped over a page break."""
    if len(boxes) != len(grid.columns) or _is_figures(filled):
        return False
    aligned = all(
        abs(box[0] - a) <= 3 * _SLACK and abs(box[2] - b) <= 3 * _SLACK
        for box, (a, b) in zip(boxes, grid.columns, strict=True)
    )
    return aligned and len(filled) * 2 < len(grid.columns)


def _continued(row: PrintedRow, grid: _Grid, filled: _Filled) -> PrintedRow:
    cells = list(row.cells)
    for box, text in filled:
        for index in _column_of(grid.columns, box[0], box[2])[:1]:
            cells[index] = f"{cells[index]} {text}".strip()
    return PrintedRow(row.page, row.row, tuple(cells), row.headers)


def _shown(page: int, filled: _Filled) -> str:
    return f"page {page}: {' | '.join(text for _, text in filled)[:80]}"


def _grid_tables(page: Page) -> Iterator[Table]:
    """The page's tables of three columns or more, top to bottom, leaving out the boxes that
    lie inside another table (a header cell drawn as a table of its own)."""
    tables = [t for t in page.find_tables() if max(len(r.cells) for r in t.rows) >= 3]
    for found in sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0])):
        inside = any(other is not found and _contains(other.bbox, found.bbox) for other in tables)
        if not inside:
            yield found


def _contains(outer: Sequence[float], inner: Sequence[float]) -> bool:
    return (
        outer[0] - _SLACK <= inner[0]
        and outer[1] - _SLACK <= inner[1]
        and inner[2] <= outer[2] + _SLACK
        and inner[3] <= outer[3] + _SLACK
        and tuple(outer) != tuple(inner)
    )


def _rows(found: Table) -> Iterator[tuple[list[Any], _Filled]]:
    """Each row's cell boxes, and its cells that hold text."""
    texts = found.extract()
    for row, row_texts in zip(found.rows, texts, strict=True):
        if len(row.cells) > COLUMNS:
            raise UnreadableFile(f"a table has {len(row.cells):,} columns; the limit is {COLUMNS}")
        boxes = [box for box in row.cells if box is not None]
        filled = [
            (box, _joined(text))
            for box, text in zip(row.cells, row_texts, strict=True)
            if box is not None and text and text.strip()
        ]
        yield boxes, filled


def _joined(text: str | None) -> str:
    """A cell's lines as one value: "Westminster Bridge\\nStreet" is one place."""
    if not text:
        return ""
    if len(text) > CELL_CHARS:
        raise UnreadableFile(f"a cell has {len(text):,} characters; the limit is {CELL_CHARS:,}")
    return " ".join(text.split())


def _is_figures(filled: list[tuple[Any, str]]) -> bool:
    """A row of figures, not of headings: at least half its cells are figures."""
    figures = sum(bool(_FIGURE.fullmatch(text)) for _, text in filled)
    return len(filled) >= 3 and figures * 2 >= len(filled)


def _column_of(columns: list[tuple[float, float]], left: float, right: float) -> list[int]:
    """The columns whose middle lies inside [left, right]; else the one it overlaps most."""
    inside = [
        i for i, (a, b) in enumerate(columns) if left - _SLACK <= (a + b) / 2 <= right + _SLACK
    ]
    if inside:
        return inside
    overlaps = [min(b, right) - max(a, left) for a, b in columns]
    best = max(range(len(columns)), key=overlaps.__getitem__)
    return [best] if overlaps[best] > 0 else []


def _place(columns: list[tuple[float, float]], filled: _Filled) -> tuple[str, ...]:
    cells = [""] * len(columns)
    for box, text in filled:
        spanned = _column_of(columns, box[0], box[2])
        if spanned:  # a cell over several columns is the first's value
            first = spanned[0]
            cells[first] = f"{cells[first]} {text}".strip()
    return tuple(cells)


def _headers(
    columns: list[tuple[float, float]],
    header_rows: list[tuple[Page, list[tuple[tuple[float, float, float, float], str]]]],
) -> list[str]:
    pieces: list[list[str]] = [[] for _ in columns]
    for page, filled in header_rows:
        for box, text in filled:
            spanned = _column_of(columns, box[0], box[2])
            split = _words_by_column(page, box, columns, spanned) if len(spanned) > 1 else None
            for index in spanned:
                pieces[index].append(split[index] if split else text)
    return [_without_repeats(" ".join(p for p in parts if p)) for parts in pieces]


def _words_by_column(
    page: Page,
    box: tuple[float, float, float, float],
    columns: list[tuple[float, float]],
    spanned: list[int],
) -> dict[int, str] | None:
    """The words of a header cell over several columns, each under its own column, if every
    word sits inside one column and they sit under more than one; else None (a heading over
    all of them)."""
    words = page.within_bbox(box, strict=False).extract_words()
    placed: dict[int, list[str]] = {}
    for word in words:
        owner = [
            i
            for i in spanned
            if columns[i][0] - _SLACK <= word["x0"] and word["x1"] <= columns[i][1] + _SLACK
        ]
        if len(owner) != 1:
            return None
        placed.setdefault(owner[0], []).append(word["text"])
    if len(placed) < 2:
        return None
    return {index: " ".join(placed.get(index, [])) for index in spanned}


def _without_repeats(text: str) -> str:
    """ "False Alerts Confirmed Confirmed" (the word in a cell and again below it) once."""
    words: list[str] = []
    for word in text.split():
        if not words or words[-1].casefold() != word.casefold():
            words.append(word)
    return " ".join(words)


def _document(path: Path, pdf: Any, page: Page, first: Table) -> Document:
    """The document, its title the last line printed above its first table."""
    above = page.crop((0, 0, page.width, first.bbox[1]), strict=False).extract_text() or ""
    lines = [line.strip() for line in above.splitlines() if line.strip()]
    metadata = pdf.metadata or {}
    title = lines[-1] if lines else str(metadata.get("Title", "")).strip()
    return Document(
        file_name=path.name,
        title=title or path.stem,
        created=_pdf_date(metadata.get("CreationDate")),
        sha256=file_digest(path),
        pages=len(pdf.pages),
    )


def _pdf_date(value: Any) -> dt.datetime | None:
    """A PDF date ("D:20250111114837+00'00'") in UTC; None if absent or unreadable."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    match = _PDF_DATE.match(str(value or ""))
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except ValueError:
        return None
    offset = re.search(r"([+-])(\d{2})'?(\d{2})?", str(value)[16:])
    if offset:
        sign = 1 if offset[1] == "+" else -1
        moment -= sign * dt.timedelta(hours=int(offset[2]), minutes=int(offset[3] or 0))
    return moment
