"""Flattening report rows into the shared CSV/XLSX columns, and formula-injection escaping."""

from dataclasses import fields, replace

import pytest

from audits.metrics import Rate, RateRatio
from audits.reporting.flatten import demographic_rows, escape_cell, flatten
from audits.reporting.report import DemographicRow, GroupRow

RATE = Rate(k=1, n=4, value=0.25, ci_low=0.05, ci_high=0.7, method="wilson")


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_string_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-1, -0.5, 3, 2.5e-05, True, None, "Oxford Circus", "2023-Q4"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert escape_cell(value) == value


SCALARS = [
    "deployments",
    "faces_seen",
    "alerts",
    "true_alerts",
    "false_alerts",
    "engagements",
    "arrests",
    "other_disposals",
    "no_action",
    "hours",
    "arrests_per_deployment",
    "arrests_per_hour",
    "faces_per_arrest",
    "one_in",
]
KNOWN = [
    "known_faces_seen",
    "known_alerts",
    "known_true_alerts",
    "known_false_alerts",
    "known_engagements",
    "known_arrests",
    "known_other_disposals",
    "known_no_action",
    "known_hours",
]


def demographic(group: str, ratio: RateRatio | None) -> DemographicRow:
    return DemographicRow(
        group=group,
        alerts=4,
        false_alerts=1,
        unknown_kind=0,
        is_reference=ratio is None,
        false_alert_share_of_alerts=RATE,
        rate_ratio=ratio,
    )


def test_columns_are_keys_then_counts_then_known_then_rates_with_their_interval(report):
    group = report.groups[0]
    table = flatten([group], GroupRow, ["year"])
    assert table.columns[:24] == ["year", *SCALARS, *KNOWN]
    assert table.columns[24:31] == [
        "false_alert_rate_per_face",
        "false_alert_rate_per_face_ci_low",
        "false_alert_rate_per_face_ci_high",
        "false_alert_rate_per_face_k",
        "false_alert_rate_per_face_n",
        "false_alert_rate_per_face_method",
        "false_alert_rate_per_face_zero_events_upper_bound",
    ]
    assert table.columns[-7] == "arrest_yield_per_alert"
    assert len(table.columns) == 1 + 14 + 9 + 7 * 7
    per_face = group.false_alert_rate_per_face
    assert table.rows[0][:3] == [2020, group.deployments, group.faces_seen]
    assert table.rows[0][15] == group.known.faces_seen
    assert table.rows[0][24:31] == [
        per_face.value,
        per_face.ci_low,
        per_face.ci_high,
        per_face.k,
        per_face.n,
        "wilson",
        per_face.zero_events_upper_bound,
    ]
    assert "false_alert_share_of_alerts_ci_high" in table.proportion_columns
    assert "false_alert_share_of_alerts_k" not in table.proportion_columns
    assert "known_faces_seen" not in table.proportion_columns


def test_a_missing_ratio_in_one_row_leaves_its_cells_empty_in_that_row_only():
    ratio = RateRatio(1, 4, 1, 8, 2.0, 1.0, 4.0, "katz_log", False, None)
    table = flatten([demographic("a", None), demographic("b", ratio)], DemographicRow)
    assert table.columns[:5] == ["group", "alerts", "false_alerts", "unknown_kind", "is_reference"]
    assert table.columns[12:] == [
        "rate_ratio",
        "rate_ratio_ci_low",
        "rate_ratio_ci_high",
        "rate_ratio_k1",
        "rate_ratio_n1",
        "rate_ratio_k0",
        "rate_ratio_n0",
        "rate_ratio_method",
        "rate_ratio_zero_events",
        "rate_ratio_note",
    ]
    assert table.rows[0][12:] == [None] * 10
    assert table.rows[1][12:] == [2.0, 1.0, 4.0, 1, 4, 1, 8, "katz_log", False, None]
    assert "rate_ratio_ci_low" not in table.proportion_columns


def test_an_invalid_rate_adds_its_reason_as_a_column():
    invalid = Rate(5, 4, None, None, None, "wilson", invalid="numerator 5 exceeds denominator 4")
    valid = flatten([demographic("a", None)], DemographicRow)
    table = flatten(
        [
            demographic("a", None),
            replace(demographic("b", None), false_alert_share_of_alerts=invalid),
        ],
        DemographicRow,
    )
    assert "false_alert_share_of_alerts_invalid" not in valid.columns
    assert table.columns[len(valid.columns) - 10] == "false_alert_share_of_alerts_invalid"
    assert table.rows[0][len(valid.columns) - 10] is None
    assert table.rows[1][len(valid.columns) - 10] == "numerator 5 exceeds denominator 4"


def test_no_groups_still_give_the_full_header_from_the_type():
    table = flatten([], GroupRow, ["year"])
    assert table.columns[:24] == ["year", *SCALARS, *KNOWN]
    assert "precision_ci_high" in table.columns
    assert table.rows == []


def test_an_unknown_key_value_stays_empty_not_zero(report):
    group = replace(report.groups[0], key={"threshold": None})
    table = flatten([group], GroupRow, ["threshold"])
    assert table.rows[0][:2] == [None, group.deployments]


def test_demographic_rows_put_the_attribute_and_reference_first(report):
    rows = demographic_rows(report.demographics)
    assert {row.attribute for row in rows} == set(report.demographics)
    assert [item.name for item in fields(rows[0])][:3] == ["attribute", "reference", "group"]
    assert rows[0].reference == report.demographics[rows[0].attribute].reference
