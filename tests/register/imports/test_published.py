import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audits.metrics.quality import data_quality_checks
from audits.register.imports.layouts import REGISTER
from audits.register.imports.published import (
    THRESHOLD_GAP,
    THRESHOLD_WITNESSES,
    ParseResult,
    PublishedDeployment,
    RowError,
    _threshold_out_of_sequence,
    format_errors,
    parse_published_table,
    published_frame,
)

MET_GRID = Path("/work/shared/data/met_lfr_deployments_2020_2023.csv")


@pytest.fixture(scope="module")
def met() -> ParseResult:
    return parse_published_table(MET_GRID)


def row(result: ParseResult, row_id: str) -> PublishedDeployment:
    (match,) = [r for r in result.rows if r.row_id == row_id]
    return match


def read_grid() -> pd.DataFrame:
    return pd.read_csv(MET_GRID, dtype=str, keep_default_na=False)


def write_grid(frame: pd.DataFrame, tmp_path: Path, name: str = "grid.csv") -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def grid_with(tmp_path: Path, edits: dict[tuple[str, str], str]) -> Path:
    """The Met grid with some cells changed, keyed by (row_id, column)."""
    frame = read_grid()
    for (row_id, column), value in edits.items():
        frame.loc[frame["row_id"] == row_id, column] = value
    return write_grid(frame, tmp_path)


def flags(result: ParseResult) -> list[tuple[str, str]]:
    """The data-quality findings of the rows as read, as the preview shows them."""
    assert result.ok, format_errors(result.errors)
    return [(f["check"], f["message"]) for f in data_quality_checks(published_frame(result.rows))]


def as_read(rows: list[PublishedDeployment]) -> list[PublishedDeployment]:
    """The rows without their cells' text: a spreadsheet prints 0.6 and dates its own way."""
    return [dataclasses.replace(r, cells={}) for r in rows]


def only_error(result: ParseResult) -> RowError:
    assert not result.ok
    assert result.rows == []
    (error,) = result.errors
    return error


# The real file


def test_the_met_grid_parses_every_row_without_errors(met):
    assert met.ok, format_errors(met.errors)
    assert len(met.rows) == 32
    assert [r.row_number for r in met.rows] == list(range(2, 34))  # under the header, row 1
    assert {r.force for r in met.rows} == {"MPS"}


def test_a_blank_count_is_unknown_not_zero(met):
    fault = row(met, "MPS-002")
    assert fault.faces_seen is None
    assert fault.total_alerts is None
    assert fault.published_false_alert_rate is None


def test_a_published_zero_stays_zero(met):
    first = row(met, "MPS-001")
    assert first.faces_seen == 4600
    assert first.total_alerts == 0
    assert first.false_unconfirmed is None


def test_durations_are_read_as_published(met):
    assert row(met, "MPS-030").duration == dt.timedelta(hours=8, minutes=22)
    assert row(met, "MPS-016").duration == dt.timedelta(hours=5, minutes=40)
    assert row(met, "MPS-014").duration == dt.timedelta(hours=8)
    assert row(met, "MPS-001").duration is None


def test_threshold_is_an_exact_decimal(met):
    assert row(met, "MPS-010").threshold == Decimal("0.6")
    assert str(row(met, "MPS-010").threshold) == "0.6"
    assert row(met, "MPS-001").threshold is None


def test_purpose_and_published_rate_are_kept_as_published(met):
    assert row(met, "MPS-001").purpose == "1, 2"
    assert row(met, "MPS-010").purpose == "1,2,3,4"
    assert row(met, "MPS-004").published_false_alert_rate == "0.008%"


def test_text_fields_and_dates_come_through(met):
    deployment = row(met, "MPS-027")
    assert deployment.date == dt.date(2023, 12, 7)
    assert deployment.location == "Croydon, George St"
    assert deployment.source_doc.startswith("MPS LFR DEPLOYMENTS 2023")
    assert row(met, "MPS-030").page == 2


def test_technical_fault_is_read_from_the_notes(met):
    assert row(met, "MPS-002").technical_fault
    assert row(met, "MPS-002").notes == "technical fault stopped deployment"
    assert not row(met, "MPS-001").technical_fault


def test_grids_without_times_have_no_start_or_end(met):
    assert all(r.start is None and r.end is None for r in met.rows)


# XLSX


def test_the_same_grid_as_xlsx_parses_to_identical_rows(met, tmp_path):
    # Default dtypes, so counts are written as numbers and blanks as empty cells, as Excel would.
    path = tmp_path / "grid.xlsx"
    pd.read_csv(MET_GRID).to_excel(path, index=False)
    assert as_read(parse_published_table(path).rows) == as_read(met.rows)


def test_xlsx_date_cells_read_as_their_dates(met, tmp_path):
    frame = pd.read_csv(MET_GRID)
    frame["date"] = pd.to_datetime(frame["date"])
    path = tmp_path / "grid.xlsx"
    frame.to_excel(path, index=False)
    assert as_read(parse_published_table(path).rows) == as_read(met.rows)


def test_a_utf8_bom_is_tolerated(met, tmp_path):
    path = tmp_path / "grid.csv"
    path.write_bytes(b"\xef\xbb\xbf" + MET_GRID.read_bytes())
    assert parse_published_table(path).rows == met.rows


def test_other_file_types_are_refused(tmp_path):
    path = tmp_path / "grid.json"
    path.write_text("{}")
    error = only_error(parse_published_table(path))
    assert error.row is None
    assert str(error) == "file: grid.json: expected a .csv or .xlsx file, not '.json'"


def test_a_corrupt_xlsx_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "grid.xlsx"
    path.write_text("not a spreadsheet")
    assert "grid.xlsx cannot be read" in str(only_error(parse_published_table(path)))


def test_an_empty_file_is_an_error(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text("")
    assert "cannot be read" in str(only_error(parse_published_table(path)))


# Layout errors


def test_a_missing_column_is_named_and_no_rows_are_returned(tmp_path):
    path = write_grid(read_grid().drop(columns=["threshold"]), tmp_path)
    error = only_error(parse_published_table(path))
    assert error == RowError(1, "threshold", "missing required column")
    assert str(error) == "header, column threshold: missing required column"


def test_each_missing_column_is_its_own_error(tmp_path):
    path = write_grid(read_grid().drop(columns=["arrests", "page"]), tmp_path)
    result = parse_published_table(path)
    assert [e.column for e in result.errors] == ["arrests", "page"]
    assert result.rows == []


def test_an_unknown_extra_column_is_ignored_and_named(met, tmp_path):
    frame = read_grid().assign(borough="Camden")
    result = parse_published_table(write_grid(frame, tmp_path))
    assert result.ok and result.ignored_columns == ["borough"]
    assert result.layout is REGISTER
    assert [r.cells for r in result.rows] == [r.cells for r in met.rows]


def test_headers_are_read_without_case_spacing_or_footnote_marks(met, tmp_path):
    frame = read_grid().rename(
        columns={"total_alerts": "Total Alerts¹", "faces_seen_estimate": " FACES  SEEN estimate"}
    )
    result = parse_published_table(write_grid(frame, tmp_path))
    assert result.ok, format_errors(result.errors)
    assert [r.total_alerts for r in result.rows] == [r.total_alerts for r in met.rows]


def test_a_repeated_column_is_an_error(tmp_path):
    path = tmp_path / "grid.csv"
    header = ",".join([*REGISTER.required, "page"])
    path.write_text(header + "\n", encoding="utf-8")
    error = only_error(parse_published_table(path))
    assert error.column == "page"
    assert "appears twice" in error.reason


def test_an_empty_unnamed_column_from_a_trailing_comma_is_ignored(met, tmp_path):
    path = tmp_path / "grid.csv"
    lines = MET_GRID.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(f"{line}," for line in lines) + "\n", encoding="utf-8")
    assert parse_published_table(path).rows == met.rows


def test_start_and_end_columns_are_optional_and_parsed(tmp_path):
    frame = read_grid().assign(start="", end="")
    frame.loc[0, ["start", "end"]] = ["2020-02-11T10:00", "2020-02-11T16:30"]
    result = parse_published_table(write_grid(frame, tmp_path))
    assert result.ok, format_errors(result.errors)
    assert result.rows[0].start == dt.datetime(2020, 2, 11, 10, 0)
    assert result.rows[0].end == dt.datetime(2020, 2, 11, 16, 30)
    assert result.rows[1].start is None


# Cell errors: each names the row and the column


@pytest.mark.parametrize(
    ("row_id", "column", "value", "message"),
    [
        (
            "MPS-010",
            "threshold",
            "abc",
            "row 11 (MPS-010), column threshold: 'abc' is not a number",
        ),
        (
            "MPS-010",
            "threshold",
            "1.5",
            "row 11 (MPS-010), column threshold: '1.5' is outside 0..1",
        ),
        ("MPS-005", "arrests", "-1", "row 6 (MPS-005), column arrests: '-1' is negative"),
        (
            "MPS-005",
            "faces_seen_estimate",
            "3.5",
            "row 6 (MPS-005), column faces_seen_estimate: '3.5' is not a whole number",
        ),
        ("MPS-005", "watchlist_size", "many", "row 6 (MPS-005), column watchlist_size: "),
        ("MPS-012", "duration", "about 5 hours", "row 13 (MPS-012), column duration: "),
        ("MPS-012", "date", "April 2023", "row 13 (MPS-012), column date: "),
        ("MPS-012", "date", "31/02/2023", "row 13 (MPS-012), column date: '31/02/2023' is not a"),
        ("MPS-012", "date", "", "row 13 (MPS-012), column date: a date is required"),
        ("MPS-012", "location", " ", "row 13 (MPS-012), column location: a value is required"),
        ("MPS-012", "page", "0", "row 13 (MPS-012), column page: page numbers start at 1"),
        ("MPS-012", "row_id", "", "row 13, column row_id: a value is required"),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(tmp_path, row_id, column, value, message):
    path = grid_with(tmp_path, {(row_id, column): value})
    assert str(only_error(parse_published_table(path))).startswith(message)


def test_a_count_with_thousands_separators_is_accepted(tmp_path):
    path = grid_with(tmp_path, {("MPS-004", "faces_seen_estimate"): "12,120"})
    assert row(parse_published_table(path), "MPS-004").faces_seen == 12120


def test_na_in_any_spelling_means_unknown(tmp_path):
    edits = {("MPS-004", "arrests"): "n/a", ("MPS-004", "watchlist_size"): " NA "}
    deployment = row(parse_published_table(grid_with(tmp_path, edits)), "MPS-004")
    assert deployment.arrests is None
    assert deployment.watchlist_size is None


def test_a_duplicate_row_id_is_an_error_naming_the_first_row(tmp_path):
    path = grid_with(tmp_path, {("MPS-007", "row_id"): "MPS-006"})
    error = only_error(parse_published_table(path))
    assert str(error) == "row 8 (MPS-006), column row_id: duplicate row_id, first used on row 7"


def test_an_end_before_its_start_is_read_as_published_and_flagged(tmp_path):
    frame = read_grid().assign(start="", end="")
    frame.loc[2, ["start", "end"]] = ["2020-02-27T16:00", "2020-02-27T09:00"]
    result = parse_published_table(write_grid(frame, tmp_path))
    assert row(result, "MPS-003").end == dt.datetime(2020, 2, 27, 9, 0)
    assert (
        "end_before_start",
        "MPS-003: end 2020-02-27 09:00:00+00:00 is before start 2020-02-27 16:00:00+00:00",
    ) in flags(result)


def test_mixing_a_timezone_and_none_in_start_and_end_is_an_error(tmp_path):
    frame = read_grid().assign(start="", end="")
    frame.loc[2, ["start", "end"]] = ["2020-02-27T09:00", "2020-02-27T16:00+00:00"]
    assert only_error(parse_published_table(write_grid(frame, tmp_path))).column == "end"


def test_a_bare_date_is_not_a_start_time(tmp_path):
    frame = read_grid().assign(start="", end="")
    frame.loc[2, "start"] = "2020-02-27"
    assert only_error(parse_published_table(write_grid(frame, tmp_path))).column == "start"


def test_total_alerts_that_are_not_true_plus_false_are_read_and_flagged(tmp_path):
    result = parse_published_table(grid_with(tmp_path, {("MPS-027", "total_alerts"): "7"}))
    assert row(result, "MPS-027").total_alerts == 7  # as published, not "fixed"
    assert (
        "alerts_do_not_add_up",
        "MPS-027: alerts is 7 but true alerts (5) + false alerts (1) = 6",
    ) in flags(result)


def test_a_true_total_that_is_not_its_split_is_read_and_flagged(tmp_path):
    result = parse_published_table(grid_with(tmp_path, {("MPS-025", "true_alerts_total"): "6"}))
    assert row(result, "MPS-025").true_alerts_total == 6
    assert (
        "true_alerts_do_not_add_up",
        "MPS-025: true alerts in total is 6 but confirmed + unconfirmed = 7",
    ) in flags(result)


def test_without_a_true_split_the_true_total_is_checked_against_total_alerts(tmp_path):
    edits = {
        ("MPS-025", "true_confirmed"): "",
        ("MPS-025", "true_unconfirmed"): "",
        ("MPS-025", "true_alerts_total"): "6",
    }
    assert (
        "alerts_do_not_add_up",
        "MPS-025: alerts is 7 but true alerts (6) + false alerts (0) = 6",
    ) in flags(parse_published_table(grid_with(tmp_path, edits)))


def test_a_split_with_one_part_blank_is_judged_by_its_known_part(tmp_path):
    # MPS-003 prints no false_unconfirmed (the 2020-22 grid's one false figure is in
    # false_confirmed): the known part stands for the split, as in every report.
    edits = {("MPS-003", "total_alerts"): "99"}
    assert (
        "alerts_do_not_add_up",
        "MPS-003: alerts is 99 but true alerts (1) + false alerts (7) = 8",
    ) in flags(parse_published_table(grid_with(tmp_path, edits)))


def test_a_wrong_published_rate_is_not_a_parse_error(met):
    # MPS-027 publishes 0.01% for 1 / 3,940 (0.025%); that is a data-quality flag, not a bad row.
    assert row(met, "MPS-027").published_false_alert_rate == "0.01%"


def test_every_bad_row_is_reported_not_just_the_first(tmp_path):
    edits = {
        ("MPS-003", "arrests"): "-1",
        ("MPS-010", "threshold"): "abc",
        ("MPS-010", "duration"): "five hours",
        ("MPS-031", "page"): "two",
    }
    result = parse_published_table(grid_with(tmp_path, edits))
    assert result.rows == []
    assert [(e.record, e.column) for e in result.errors] == [
        ("MPS-003", "arrests"),
        ("MPS-010", "duration"),
        ("MPS-010", "threshold"),
        ("MPS-031", "page"),
    ]
    assert len(format_errors(result.errors).splitlines()) == 4


def test_blank_lines_are_skipped_but_still_counted(tmp_path):
    path = tmp_path / "grid.csv"
    lines = MET_GRID.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:3], "", *lines[3:]]) + "\n", encoding="utf-8")
    result = parse_published_table(path)
    assert len(result.rows) == 32
    # The blank line is row 4, so MPS-003 is now on row 5, where a person would find it.
    assert row(result, "MPS-003").row_number == 5


# Force


def test_rows_of_another_force_are_errors(tmp_path):
    path = grid_with(tmp_path, {("MPS-005", "force"): "SWP"})
    error = only_error(parse_published_table(path, force="MPS"))
    assert (
        str(error) == "row 6 (MPS-005), column force: 'SWP' is not the force being imported ('MPS')"
    )


def test_a_blank_force_is_filled_from_the_force_being_imported(tmp_path):
    path = grid_with(tmp_path, {("MPS-005", "force"): ""})
    assert row(parse_published_table(path, force="MPS"), "MPS-005").force == "MPS"


def test_a_blank_force_is_an_error_when_no_force_is_given(tmp_path):
    path = grid_with(tmp_path, {("MPS-005", "force"): ""})
    assert only_error(parse_published_table(path)).column == "force"


def test_format_errors_gives_one_line_per_error():
    errors = [
        RowError(1, "page", "missing required column"),
        RowError(28, "threshold", "'abc' is not a number", value="abc", record="MPS-027"),
        RowError(4, None, "something else"),
        RowError(None, None, "grid.csv cannot be read: it is empty"),
    ]
    assert format_errors(errors) == (
        "header, column page: missing required column\n"
        "row 28 (MPS-027), column threshold: 'abc' is not a number\n"
        "row 4: something else\n"
        "file: grid.csv cannot be read: it is empty"
    )


BLANK_ROW = PublishedDeployment(
    row_number=1, row_id=None, force="MPS", date=dt.date(2024, 1, 1), location="X",
    duration=None, purpose="", watchlist_size=None, threshold=None, faces_seen=None,
    total_alerts=None, true_alerts_total=None, true_confirmed=None, true_unconfirmed=None,
    false_confirmed=None, false_unconfirmed=None, true_alert_engagements=None,
    false_alert_engagements=None, arrests=None, other_disposals=None, no_action=None,
    published_false_alert_rate=None, notes="", source_doc="", page=None,
)  # fmt: skip


def brute_force_threshold_out_of_sequence(rows):
    """The check as first written, every row against every other: the oracle of the fast one."""
    dated = [r for r in rows if r.threshold is not None]
    for index, r in enumerate(rows):
        if r.threshold is None:
            continue
        others = [o for o in dated if o is not r]
        same = [o for o in others if o.threshold == r.threshold]
        if not same or len(others) < THRESHOLD_WITNESSES:
            continue
        # The nearest; of two as near, the earlier (as the check names it).
        nearest = min(same, key=lambda o: (abs(o.date - r.date), o.date))
        if abs(nearest.date - r.date) <= THRESHOLD_GAP:
            continue
        distances = sorted(abs(o.date - r.date) for o in others)
        reach = distances[THRESHOLD_WITNESSES - 1]  # and every row as near as the third
        witnesses = [o for o in others if abs(o.date - r.date) <= reach]
        if all(o.threshold != r.threshold for o in witnesses):
            yield index, nearest.date


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400),
            st.sampled_from([None, Decimal("0.6"), Decimal("0.62"), Decimal("0.64"), Decimal(0)]),
        ),
        max_size=30,
    )
)
def test_the_threshold_sequence_check_finds_what_comparing_every_pair_finds(printed):
    rows = [
        dataclasses.replace(
            BLANK_ROW, date=dt.date(2024, 1, 1) + dt.timedelta(days=day), threshold=threshold
        )
        for day, threshold in printed
    ]
    expected = [
        (index, f"is dated {day:%d/%m/%Y}")
        for index, day in brute_force_threshold_out_of_sequence(rows)
    ]
    found = [
        (index, flag["message"][flag["message"].index("is dated") :])
        for index, flag in _threshold_out_of_sequence(rows)
    ]
    assert found == expected
