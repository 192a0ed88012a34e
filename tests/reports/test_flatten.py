"""Flattening report rows into the shared CSV/XLSX columns, and formula-injection escaping."""

import pytest

from audits.reporting.flatten import demographic_rows, escape_cell, flatten

RATE = {"k": 1, "n": 4, "value": 0.25, "ci_low": 0.05, "ci_high": 0.7, "method": "wilson"}


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_string_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-1, -0.5, 3, 2.5e-05, True, None, "Oxford Circus", "2023-Q4"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert escape_cell(value) == value


def test_columns_are_keys_then_counts_then_known_then_rates_with_their_interval():
    row = {
        "key": {"year": 2021},
        "deployments": 2,
        "false_alert_share_of_alerts": RATE,
        "known": {"faces_seen": 2},
        "one_in": 4.0,
    }
    table = flatten([row], ["year"])
    assert table.columns == [
        "year",
        "deployments",
        "one_in",
        "known_faces_seen",
        "false_alert_share_of_alerts",
        "false_alert_share_of_alerts_ci_low",
        "false_alert_share_of_alerts_ci_high",
        "false_alert_share_of_alerts_k",
        "false_alert_share_of_alerts_n",
        "false_alert_share_of_alerts_method",
    ]
    assert table.rows == [[2021, 2, 4.0, 2, 0.25, 0.05, 0.7, 1, 4, "wilson"]]
    assert "false_alert_share_of_alerts_ci_high" in table.proportion_columns
    assert "false_alert_share_of_alerts_k" not in table.proportion_columns


def test_a_missing_ratio_in_one_row_leaves_its_cells_empty_in_that_row_only():
    ratio = {"value": 2.0, "ci_low": 1.0, "ci_high": 4.0, "note": None}
    table = flatten([{"group": "a", "rate_ratio": None}, {"group": "b", "rate_ratio": ratio}])
    assert table.columns == [
        "group",
        "rate_ratio",
        "rate_ratio_ci_low",
        "rate_ratio_ci_high",
        "rate_ratio_note",
    ]
    assert table.rows[0] == ["a", None, None, None, None]
    assert table.rows[1] == ["b", 2.0, 1.0, 4.0, None]


def test_no_groups_still_give_the_full_header_from_the_template():
    table = flatten([], ["year"], {"deployments": 0, "precision": RATE})
    assert table.columns[:3] == ["year", "deployments", "precision"]
    assert table.rows == []


def test_an_unknown_key_value_stays_empty_not_zero():
    table = flatten([{"key": {"threshold": None}, "deployments": 9}], ["threshold"])
    assert table.rows == [[None, 9]]


def test_demographic_rows_put_the_attribute_and_reference_first(report):
    rows = demographic_rows(report["demographics"])
    assert {row["attribute"] for row in rows} == set(report["demographics"])
    first = rows[0]
    assert list(first)[:3] == ["attribute", "reference", "group"]
