"""The CSV export: one row per group, read back by pandas to the same numbers."""

import dataclasses
import io
import math

import pandas as pd
import pytest

from audits.reporting.renderers.csv_render import render_csv
from tests.reporting.renderers.conftest import GENERATED_AT, LEDGER_HEAD, LEDGER_SEQ, build

COUNTS = ("deployments", "faces_seen", "alerts", "true_alerts", "false_alerts", "arrests")
RATES = (
    "false_alert_rate_per_face",
    "false_alert_share_of_alerts",
    "precision",
    "precision_strict",
    "unconfirmed_share",
    "engagement_rate",
    "arrest_yield_per_alert",
)


def read(report) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(render_csv(report)), dtype={"ledger_head": str})


def same(read_back, expected, tolerance: float = 0.0) -> bool:
    if expected is None:
        return pd.isna(read_back)
    return math.isclose(read_back, expected, rel_tol=0, abs_tol=tolerance)


def test_pandas_reads_back_one_row_per_group_with_the_exact_counts(report):
    table = read(report)
    assert list(table["year"]) == [2020, 2022, 2023]
    for (_, row), group in zip(table.iterrows(), report.groups, strict=True):
        for name in COUNTS:
            assert same(row[name], getattr(group, name)), name
    assert list(table["faces_seen"]) == [13_200, 144_366, 326_392]


def test_pandas_reads_back_every_rate_and_its_interval(report):
    table = read(report)
    for (_, row), group in zip(table.iterrows(), report.groups, strict=True):
        for name in RATES:
            figure = getattr(group, name)
            for suffix, part in (("", "value"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high")):
                assert same(row[name + suffix], getattr(figure, part), 1e-12), name + suffix
            assert same(row[name + "_k"], figure.k)
            assert same(row[name + "_n"], figure.n)


def test_every_row_carries_the_ledger_head_and_time_of_generation(report):
    table = read(report)
    assert set(table["ledger_head"]) == {LEDGER_HEAD}
    assert set(table["generated_at"]) == {GENERATED_AT}
    assert set(table["interval_method"]) == {"wilson"}
    assert set(table["ledger_seq"]) == {LEDGER_SEQ}
    # Which records are counted, on every row too.
    assert set(table["counted"]) == {report.counted}
    assert set(table["withdrawn"]) == {report.withdrawn}
    provenance = ["interval_method", "generated_at", "ledger_head", "ledger_seq"]
    provenance += ["counted", "drafts", "withdrawn"]
    assert list(table.columns[-7:]) == provenance


def test_threshold_groups_read_back_as_a_number_and_an_empty_cell(met_frame):
    table = read(build(met_frame, group_by=["threshold"]))
    assert table["threshold"].iloc[0] == 0.6
    assert pd.isna(table["threshold"].iloc[1])


@pytest.mark.parametrize(
    "location", ['=HYPERLINK("http://example.org","x")', "+44 20", "-1", "@SUM(A1)"]
)
def test_a_location_that_a_spreadsheet_would_run_is_escaped(met_frame, location):
    frame = met_frame.assign(location=[location, *met_frame["location"].iloc[1:]])
    raw = render_csv(build(frame, group_by=["location"])).decode("utf-8")
    locations = set(pd.read_csv(io.StringIO(raw))["location"])
    assert "'" + location in locations
    assert location not in locations
    assert not any(line.startswith(location[0]) for line in raw.splitlines()[1:])


@pytest.mark.parametrize("key", ["\tx", "\rx"])
def test_a_key_starting_with_a_tab_or_carriage_return_is_escaped(report, key):
    group = dataclasses.replace(report.groups[0], key={"year": key})
    table = pd.read_csv(io.BytesIO(render_csv(dataclasses.replace(report, groups=[group]))))
    assert table["year"].iloc[0] == "'" + key


def test_a_line_break_inside_a_cell_does_not_break_the_row(report):
    group = dataclasses.replace(report.groups[0], key={"year": "a\nb\rc"})
    with_break = dataclasses.replace(report, groups=[group, *report.groups])
    table = pd.read_csv(io.BytesIO(render_csv(with_break)))
    assert len(table) == 4
    assert table["year"].iloc[0] == "a\nb\rc"


def test_numbers_are_written_as_numbers_not_escaped(report):
    raw = render_csv(report).decode("utf-8")
    assert "'" not in raw


def test_no_groups_give_the_header_and_no_rows(empty_report):
    table = read(empty_report)
    assert table.empty
    assert {"year", "faces_seen", "false_alert_rate_per_face_ci_high", "ledger_head"} <= set(
        table.columns
    )
