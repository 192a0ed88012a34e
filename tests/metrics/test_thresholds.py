"""Threshold compliance and the lab-vs-field comparison."""

import pytest

from audits.metrics.thresholds import (
    DEFAULT_FPIR_TABLE,
    expected_fpir,
    lab_vs_field,
    threshold_compliance,
)
from tests.metrics.frames import deployments
from tests.metrics.met_grid import load_met_deployments


def test_compliance_counts_known_thresholds_at_or_above_the_minimum():
    frame = deployments(
        {"threshold": 0.6},
        {"threshold": 0.64},
        {"threshold": 0.55},
        {"threshold": None},
        {"threshold": 0.62 - 1e-12},
    )
    result = threshold_compliance(frame, minimum=0.62)
    assert result["threshold_compliance"].k == 2
    assert result["threshold_compliance"].n == 4
    assert result["unknown_threshold"] == 1
    assert result["deployments"] == 5
    assert result["below_minimum"] == ["T-001", "T-003"]


def test_met_grid_2023_deployments_all_meet_a_060_minimum_and_2020_22_are_unknown():
    result = threshold_compliance(load_met_deployments(), minimum=0.6)
    assert (result["threshold_compliance"].k, result["threshold_compliance"].n) == (23, 23)
    assert result["unknown_threshold"] == 9


def test_expected_fpir_reproduces_the_npl_table():
    assert expected_fpir(0.6, 10_000) == pytest.approx(1 / 6_000)
    assert expected_fpir(0.6, 1_000) == pytest.approx(1 / 60_000)


def test_expected_fpir_is_linear_in_watchlist_size_between_rows():
    halfway = (1 / 60_000 + 1 / 6_000) / 2
    assert expected_fpir(0.6, 5_500) == pytest.approx(halfway)


def test_expected_fpir_scales_with_watchlist_size_outside_the_table():
    assert expected_fpir(0.6, 20_000) == pytest.approx(2 / 6_000)
    assert expected_fpir(0.6, 500) == pytest.approx(1 / 120_000)


def test_expected_fpir_is_none_without_a_row_for_the_threshold_or_unknown_inputs():
    assert expected_fpir(0.64, 10_000) is None
    assert expected_fpir(None, 10_000) is None
    assert expected_fpir(0.6, float("nan")) is None


def test_expected_fpir_reads_a_configured_table():
    table = [{"threshold": 0.64, "watchlist_size": 10_000, "fpir": 1 / 100_000}]
    assert expected_fpir(0.64, 5_000, table) == pytest.approx(1 / 200_000)
    assert expected_fpir(0.6, 5_000, table) is None
    assert DEFAULT_FPIR_TABLE[0]["threshold"] == 0.6


def test_lab_vs_field_sets_observed_per_face_beside_expected_at_mean_watchlist_size():
    frame = deployments(
        {"threshold": 0.6, "watchlist_size": 9_000, "faces_seen": 20_000, "false_confirmed": 1},
        {"threshold": 0.6, "watchlist_size": 11_000, "faces_seen": 30_000, "false_confirmed": 0},
        {"threshold": None, "watchlist_size": 11_000, "faces_seen": 5_000, "false_confirmed": 3},
        {"threshold": 0.64, "watchlist_size": 11_000, "faces_seen": 5_000, "false_confirmed": 0},
    )
    first, second = lab_vs_field(frame)
    assert first["threshold"] == 0.6
    assert first["deployments"] == 2
    assert first["mean_watchlist_size"] == 10_000
    observed = first["observed_false_alert_rate_per_face"]
    assert (observed.k, observed.n) == (1, 50_000)
    assert first["expected_fpir"] == pytest.approx(1 / 6_000)
    assert first["expected_one_in"] == pytest.approx(6_000)
    assert first["expected_within_interval"] is False
    assert second["threshold"] == 0.64
    assert second["expected_fpir"] is None
    assert second["expected_within_interval"] is None


def test_met_grid_2023_field_rate_is_far_below_the_lab_expectation():
    (row,) = lab_vs_field(load_met_deployments())
    assert row["observed_false_alert_rate_per_face"].value == 2 / 326_392
    assert row["mean_watchlist_size"] == pytest.approx(262_780 / 23)
    assert row["observed_false_alert_rate_per_face"].ci_high < row["expected_fpir"]
