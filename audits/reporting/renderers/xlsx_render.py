"""The report as an XLSX workbook (XlsxWriter, constant memory: rows are streamed to disk).

Sheets, each a plain table with its header in the first row (read with
`pandas.read_excel(path, sheet_name=NAME)`, no skiprows):

- about: field/value pairs: title, generated_at, interval_method, group_by, ledger_head,
  ledger_seq and one `filter: <name>` row per filter;
- summary: one row per group (the columns of `audits.reporting.flatten`, as in the CSV, each
  headed in words: "False alert rate per face, 95% interval low" for the CSV's
  false_alert_rate_per_face_ci_low, `flatten.heading`);
- totals: the same columns without the key, one row for everything in the report;
- per_deployment, by_threshold, lab_vs_field, demographics (one row per attribute and
  group), data_quality, definitions.

Rates stay proportions of 0..1; their cells are only displayed as percentages. Days (a
deployment's date, a period's first and last day) are date cells, shown DD/MM/YYYY. XlsxWriter
stores numbers to 16 significant digits: counts come back exactly, rates to about 1e-16.

Data is written with write_string/write_number, never as a formula, and strings that a
spreadsheet would run as a formula are escaped with a leading apostrophe.
"""

import io
import json
from datetime import date
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from audits.metrics import MetricDefinition
from audits.reporting.flatten import (
    Cell,
    Table,
    demographic_rows,
    escape_cell,
    flatten,
    heading,
)
from audits.reporting.report import (
    AttributeGroup,
    DeploymentRow,
    Finding,
    GroupRow,
    LabVsField,
    Report,
    Totals,
)

OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
ABOUT_FIELDS = (
    "title",
    "generated_at",
    "interval_method",
    "group_by",
    "ledger_head",
    "ledger_seq",
    "counted",
    "drafts",
    "withdrawn",
    "aggregate_rows",
    "alert_rows_differ",
)
# Columns of days (YYYY-MM-DD in the report), written as date cells shown the UK way.
DATE_COLUMNS = frozenset({"date", "from", "to"})
DATE_FORMAT = "dd/mm/yyyy"
WIDE_COLUMNS = {"message": 90, "note": 90, "formula": 45, "value": 70, "location": 24}


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def about_table(report: Report) -> Table:
    rows: list[list[Cell]] = [[name, _text(getattr(report, name))] for name in ABOUT_FIELDS]
    for name, value in report.filters.items():
        rows.append([f"filter: {name}", _text(value)])
    return Table(columns=["field", "value"], rows=rows)


def sheets(report: Report) -> dict[str, Table]:
    return {
        "about": about_table(report),
        "summary": flatten(report.groups, GroupRow, report.group_by),
        "totals": flatten([report.totals] if report.totals else [], Totals),
        "per_deployment": flatten(report.deployments, DeploymentRow),
        "by_threshold": flatten(report.by_threshold, GroupRow, ["threshold"]),
        "lab_vs_field": flatten(report.lab_vs_field, LabVsField),
        "demographics": flatten(demographic_rows(report.demographics), AttributeGroup),
        "data_quality": flatten(report.data_quality, Finding),
        "definitions": flatten(report.definitions, MetricDefinition),
    }


def _write_cell(sheet: Worksheet, row: int, column: int, value: Cell, fmt: Format | None) -> None:
    if fmt is not None and fmt.num_format == DATE_FORMAT and isinstance(value, str):
        day = _day(value)
        if day is not None:
            sheet.write_datetime(row, column, day, fmt)
            return
    if value is None:
        sheet.write_blank(row, column, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, fmt)
    else:
        sheet.write_string(row, column, str(escape_cell(value)))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None  # not a day (an empty key): written as the text it is


def _write_table(
    workbook: Workbook, name: str, table: Table, formats_of: dict[str, Format]
) -> None:
    sheet = workbook.add_worksheet(name)
    for column, title in enumerate(table.columns):
        shown = heading(title)
        width = WIDE_COLUMNS.get(title, min(max(len(shown) + 2, 10), 36))
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, str(escape_cell(shown)), formats_of["header"])
    sheet.freeze_panes(1, 0)
    formats = [
        formats_of["percent"]
        if title in table.proportion_columns
        else formats_of["date"]
        if title in DATE_COLUMNS
        else None
        for title in table.columns
    ]
    for row_number, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            _write_cell(sheet, row_number, column, value, formats[column])


def render_xlsx(report: Report) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, OPTIONS)
    formats_of = {
        "header": workbook.add_format({"bold": True, "bottom": 1}),
        "percent": workbook.add_format({"num_format": "0.0000%"}),
        "date": workbook.add_format({"num_format": DATE_FORMAT}),
    }
    for name, table in sheets(report).items():
        _write_table(workbook, name, table, formats_of)
    workbook.close()
    return output.getvalue()
