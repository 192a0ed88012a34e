"""The XLSX export: every sheet read back by pandas to the same numbers; no formulas."""

import io
import math

import openpyxl
import pandas as pd
import pytest

from audits.reporting.flatten import heading
from audits.reporting.renderers.xlsx_render import render_xlsx
from tests.reporting.renderers.conftest import LEDGER_HEAD, build
from tests.reporting.renderers.test_csv_render import COUNTS, RATES, same

SHEETS = [
    "about",
    "summary",
    "totals",
    "per_deployment",
    "by_threshold",
    "lab_vs_field",
    "demographics",
    "data_quality",
    "definitions",
]


def read_workbook(content: bytes, **options) -> dict[str, pd.DataFrame] | pd.DataFrame:
    """The sheets with their columns by name again: each heading must be exactly the words of
    a report column (`flatten.heading`), so that the names below are the CSV's."""
    book = pd.read_excel(io.BytesIO(content), sheet_name=options.pop("sheet_name", None))
    named = {**NAMES_OF_HEADINGS}

    def by_name(sheet: pd.DataFrame) -> pd.DataFrame:
        unknown = [column for column in sheet.columns if column not in named]
        assert not unknown, f"headings that are no column's: {unknown}"
        return sheet.rename(columns=named)

    if isinstance(book, dict):
        return {name: by_name(sheet) for name, sheet in book.items()}
    return by_name(book)


def _names_of_headings() -> dict[str, str]:
    from dataclasses import fields

    from audits.metrics import MetricDefinition
    from audits.reporting import report as rows
    from audits.reporting.flatten import flatten

    names: set[str] = {"field", "value", "year", "location", "threshold", "force", "quarter"}
    for row_type in (
        rows.GroupRow,
        rows.Totals,
        rows.DeploymentRow,
        rows.LabVsField,
        rows.AttributeGroup,
        rows.Finding,
        MetricDefinition,
    ):
        names |= set(flatten([], row_type).columns) | {f.name for f in fields(row_type)}
    return {heading(name): name for name in names}


NAMES_OF_HEADINGS = _names_of_headings()


@pytest.fixture(scope="module")
def workbook(report) -> dict[str, pd.DataFrame]:
    return read_workbook(render_xlsx(report))


def test_headings_are_words_and_days_are_date_cells(report):
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    summary = [cell.value for cell in book["summary"][1]]
    assert summary[:3] == ["Year", "Deployments", "Faces seen"]
    assert "False alert rate per face, 95% interval low" in summary
    sheet = book["per_deployment"]
    headings = [cell.value for cell in sheet[1]]
    day = sheet.cell(row=2, column=headings.index("Date") + 1)
    assert day.is_date and day.value.date().isoformat() == report.deployments[0].date
    assert day.number_format == "dd/mm/yyyy"


def assert_rows_match(table: pd.DataFrame, groups, counts=COUNTS, rates=RATES) -> None:
    assert len(table) == len(groups)
    for (_, row), group in zip(table.iterrows(), groups, strict=True):
        for name in counts:
            assert same(row[name], getattr(group, name)), name
        for name in rates:
            figure = getattr(group, name)
            for suffix, part in (("", "value"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high")):
                assert same(row[name + suffix], getattr(figure, part), 1e-12), name + suffix


def test_the_workbook_has_its_sheets_in_order(workbook):
    assert list(workbook) == SHEETS


def test_summary_reads_back_with_no_skiprows_to_the_same_numbers(workbook, report):
    summary = workbook["summary"]
    assert list(summary["year"]) == [2020, 2022, 2023]
    assert_rows_match(summary, report.groups)


def test_summary_has_the_same_columns_as_the_csv(workbook, report):
    from audits.reporting.renderers.csv_render import PROVENANCE
    from tests.reporting.renderers.test_csv_render import read

    csv_columns = list(read(report).columns[: -len(PROVENANCE)])
    assert list(workbook["summary"].columns) == csv_columns


def test_totals_read_back(workbook, report):
    assert_rows_match(workbook["totals"], [report.totals])
    assert workbook["totals"]["faces_seen"].iloc[0] == 483_958


def test_by_threshold_reads_back_with_an_empty_cell_for_unknown(workbook, report):
    table = workbook["by_threshold"]
    assert table["threshold"].iloc[0] == 0.6 and pd.isna(table["threshold"].iloc[1])
    assert_rows_match(table, report.by_threshold)


def test_per_deployment_reads_back_every_deployment(workbook, report):
    table = workbook["per_deployment"]
    assert list(table["record"]) == [row.record for row in report.deployments]
    for (_, row), deployment in zip(table.iterrows(), report.deployments, strict=True):
        for name in ("faces_seen", "alerts", "false_alerts", "arrests", "watchlist_size"):
            assert same(row[name], getattr(deployment, name)), name
        rate = deployment.false_alert_rate_per_face
        assert same(row["false_alert_rate_per_face"], rate, 1e-12)
        assert row["date"].date().isoformat() == deployment.date  # a date cell


def test_demographics_read_back_one_row_per_attribute_and_group(workbook, report):
    table = workbook["demographics"]
    expected = [
        (attribute, group)
        for attribute, differential in report.demographics.items()
        for group in differential.groups
    ]
    assert len(table) == len(expected)
    for (_, row), (attribute, group) in zip(table.iterrows(), expected, strict=True):
        assert row["attribute"] == attribute and row["group"] == group.group
        assert row["false_alerts"] == group.false_alerts
        share = group.false_alert_share_of_alerts
        assert same(row["false_alert_share_of_alerts_ci_low"], share.ci_low, 1e-12)
        ratio = group.rate_ratio
        assert same(row["rate_ratio"], None if ratio is None else ratio.value, 1e-12)


def test_data_quality_and_definitions_read_back(workbook, report):
    flags = workbook["data_quality"]
    assert list(flags["record"]) == [flag.record for flag in report.data_quality]
    assert "MPS-027" in set(flags["record"])
    definitions = workbook["definitions"]
    assert list(definitions["name"]) == [item.name for item in report.definitions]


def test_about_holds_the_ledger_head_filters_and_time(workbook, report):
    about = dict(zip(workbook["about"]["field"], workbook["about"]["value"], strict=True))
    assert about["ledger_head"] == LEDGER_HEAD
    assert about["generated_at"] == report.generated_at
    assert about["filter: forces"] == "MPS"
    assert about["group_by"] == "year"


def test_rate_cells_are_displayed_as_percentages_but_hold_the_proportion(report):
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["totals"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("False alert rate per face") + 1)
    assert math.isclose(cell.value, 12 / 483_958, rel_tol=1e-12)
    assert cell.number_format.endswith("%")


def test_strings_a_spreadsheet_would_run_are_escaped_and_nothing_is_a_formula(met_frame):
    frame = met_frame.assign(location=["=1+1", "@SUM(A1)", *met_frame["location"].iloc[2:]])
    content = render_xlsx(build(frame, group_by=["location"]))
    summary = read_workbook(content, sheet_name="summary")
    assert {"'=1+1", "'@SUM(A1)"} <= set(summary["location"])
    book = openpyxl.load_workbook(io.BytesIO(content))
    formulas = [
        cell.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_an_empty_report_still_has_every_sheet_with_a_header(empty_report):
    book = read_workbook(render_xlsx(empty_report))
    assert list(book) == SHEETS
    assert book["summary"].empty and "false_alert_rate_per_face" in book["summary"].columns
    assert list(book["data_quality"].columns) == ["record", "check", "message"]
