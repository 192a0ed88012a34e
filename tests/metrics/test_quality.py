"""Data-quality checks: flag, never fix. The Met grid's one wrong published rate is MPS-027."""

from decimal import Decimal

import pandas as pd
import pytest

from audits.metrics.quality import (
    data_quality_checks,
    parse_published_percentage,
    published_rate,
)
from tests.metrics.frames import deployments
from tests.metrics.met_grid import load_met_deployments


def checks_named(findings, check):
    return [finding for finding in findings if finding["check"] == check]


def published(rate, false_alerts, faces):
    return deployments(
        {
            "published_false_alert_rate": rate,
            "faces_seen": faces,
            "alerts": false_alerts,
            "true_total": 0,
            "false_confirmed": false_alerts,
        }
    )


@pytest.fixture(scope="module")
def met_findings():
    return data_quality_checks(load_met_deployments())


def test_met_grid_flags_mps_027_as_the_only_published_rate_mismatch(met_findings):
    mismatches = checks_named(met_findings, "published_rate_mismatch")
    assert [finding["record"] for finding in mismatches] == ["MPS-027"]
    message = mismatches[0]["message"]
    assert "MPS-027" in message
    assert "published_false_alert_rate" in message
    assert "0.01%" in message
    assert "1 / 3,940" in message
    assert "0.0254%" in message


def test_met_grid_alerts_all_add_up(met_findings):
    assert checks_named(met_findings, "alerts_do_not_add_up") == []


def test_met_grid_findings_are_the_outcomes_the_rate_mismatch_and_the_january_2022_watchlist(
    met_findings,
):
    # The 2023 grid prints "Other Disposal" again as "No Action", so wherever an alert had
    # another disposal the outcomes add up to more than the alerts: flagged, as published.
    # MPS-004 (January 2022) used 9,756 images; the five 2022 deployments after it used about
    # 6,700-6,860. The robust rule flags it; 2023's steady growth is not flagged.
    outcomes = ["012", "015", "016", "019", "020", "022", "025", "029", "030"]
    assert [(finding["record"], finding["check"]) for finding in met_findings] == [
        *((f"MPS-{number}", "outcomes_above_alerts") for number in outcomes),
        ("MPS-027", "published_rate_mismatch"),
        ("MPS-004", "watchlist_size_outlier"),
    ]
    assert checks_named(met_findings, "outcomes_above_alerts")[-1]["message"] == (
        "MPS-030: its outcomes (arrests 5 + other disposals 6 + no action 6 = 17) are more "
        "than its 11 alerts"
    )


@pytest.mark.parametrize(
    ("rate", "false_alerts", "faces"),
    [
        ("0.08%", 7, 8_600),  # 0.0814%: truncated, fine
        ("0.08%", 7, 8_000),  # 0.0875%: truncated by more than half a unit, still fine
        ("0.003%", 1, 34_360),  # 0.00291%: rounded, fine
        ("0.008%", 1, 12_120),  # 0.00825%
        ("0.01%", 1, 8_285),  # 0.01207%
        ("0%", 0, 5_460),
        ("0.00%", 0, 4_600),
        ("0%", 1, 8_285),  # 0.012% truncated to whole percent
        ("N/A", 3, 1_000),
        ("", 3, 1_000),
        (None, 3, 1_000),
        ("0.05%", 1, None),  # nothing to recompute from
    ],
)
def test_published_rates_truncated_or_rounded_to_their_printed_places_are_fine(
    rate, false_alerts, faces
):
    findings = data_quality_checks(published(rate, false_alerts, faces))
    assert checks_named(findings, "published_rate_mismatch") == []


@pytest.mark.parametrize(
    ("rate", "false_alerts", "faces"),
    [
        ("0.01%", 1, 3_940),  # 0.0254%
        ("0.00%", 1, 50),  # 2%
        ("0.07%", 7, 8_600),  # 0.0814%: off by just over one unit
        ("0.10%", 7, 8_600),
        ("0.09%", 7, 8_600),  # 0.0814%: neither truncated (0.08) nor rounded (0.08)
        ("0.0007", 7, 8_600),  # a fraction: 0.000814
        ("1 in 1,000", 7, 8_600),  # 1 in 1,228.6
    ],
)
def test_published_rates_neither_truncated_nor_rounded_are_flagged(rate, false_alerts, faces):
    findings = data_quality_checks(published(rate, false_alerts, faces))
    assert [finding["check"] for finding in findings] == ["published_rate_mismatch"]


@pytest.mark.parametrize(
    ("rate", "false_alerts", "faces"),
    [
        ("0.0008", 7, 8_600),  # a fraction, truncated
        ("1 in 1,228", 7, 8_600),  # 1 in 1,228.57: truncated
        ("1 in 1,229", 7, 8_600),  # rounded
        ("1 in 2,251", 1, 2_251),
    ],
)
def test_rates_printed_as_fractions_or_one_in_n_are_read_and_checked(rate, false_alerts, faces):
    assert published_rate(rate) is not None  # read, not passed over as unreadable
    findings = data_quality_checks(published(rate, false_alerts, faces))
    assert checks_named(findings, "published_rate_mismatch") == []


def test_one_in_n_printed_where_there_was_no_false_alert_is_flagged_not_a_crash():
    findings = data_quality_checks(published("1 in 5,000", 0, 8_600))
    (finding,) = checks_named(findings, "published_rate_mismatch")
    assert "false alerts / faces seen = 0 / 8,600 = none (no false alert)" in finding["message"]


def test_a_rate_of_alerts_is_checked_against_alerts_where_the_force_prints_that():
    frame = deployments(
        {
            "published_false_alert_rate": "12.5%",
            "alerts": 8,
            "true_total": 7,
            "false_confirmed": 1,
            "faces_seen": 10_000,
            "rate_of": "alerts",
        },
        {
            "published_false_alert_rate": "12.5%",
            "alerts": 8,
            "true_total": 7,
            "false_confirmed": 1,
            "faces_seen": 10_000,
        },
    )
    findings = checks_named(data_quality_checks(frame), "published_rate_mismatch")
    assert [finding["record"] for finding in findings] == ["T-002"]
    assert "1 / 10,000" in findings[0]["message"]


def test_published_percentage_parser_keeps_the_printed_decimals():
    assert parse_published_percentage("0.00%") == Decimal("0.00")
    assert parse_published_percentage(" 0.003% ") == Decimal("0.003")
    assert parse_published_percentage("N/A") is None
    assert parse_published_percentage("1 in 6,000") is None
    assert parse_published_percentage(None) is None


def test_alerts_that_do_not_add_up_are_flagged_with_the_figures():
    frame = deployments({"alerts": 8, "true_total": 1, "false_confirmed": 6})
    findings = data_quality_checks(frame)
    assert [finding["check"] for finding in findings] == ["alerts_do_not_add_up"]
    assert findings[0]["message"] == (
        "T-001: alerts is 8 but true alerts (1) + false alerts (6) = 7"
    )


def test_alerts_with_an_unknown_part_are_not_judged_unless_the_known_part_exceeds_them():
    assert data_quality_checks(deployments({"alerts": 8, "true_total": 1})) == []
    findings = data_quality_checks(deployments({"alerts": 1, "true_total": 3}))
    assert [f["message"] for f in findings] == [
        "T-001: alerts is 1 but true alerts alone are 3 (the other part is not published)"
    ]


def test_westminster_10_january_2024_one_alert_one_confirmed_one_unconfirmed_is_flagged_once():
    frame = deployments(
        {
            "alerts": 1,
            "true_confirmed": 1,
            "true_unconfirmed": 1,
            "false_confirmed": 0,
            "false_unconfirmed": 0,
            "true_total": None,
        }
    )
    assert [(f["check"], f["message"]) for f in data_quality_checks(frame)] == [
        ("alerts_do_not_add_up", "T-001: alerts is 1 but true alerts (2) + false alerts (0) = 2"),
    ]


def test_a_true_total_that_is_not_its_split_is_flagged():
    frame = deployments(
        {
            "alerts": 3,
            "true_total": 3,
            "true_confirmed": 1,
            "true_unconfirmed": 1,
            "false_confirmed": 0,
        },
        {"alerts": 3, "true_total": 2, "true_confirmed": 3, "false_confirmed": 0},
    )
    findings = checks_named(data_quality_checks(frame), "true_alerts_do_not_add_up")
    assert [f["message"] for f in findings] == [
        "T-001: true alerts in total is 3 but confirmed + unconfirmed = 2",
        "T-002: true alerts in total is 2 but confirmed + unconfirmed = 3",
    ]


def test_outcomes_or_engagements_above_alerts_and_faces_below_alerts_are_flagged():
    # Hounslow 07/03/25: 1 + 2 + 5 outcomes for 7 alerts.
    frame = deployments(
        {
            "alerts": 7,
            "true_total": 7,
            "false_confirmed": 0,
            "arrests": 1,
            "other_disposals": 2,
            "no_action": 5,
        },
        {"alerts": 2, "true_total": 2, "false_confirmed": 0, "engagements": 3},
        {"alerts": 20, "true_total": 20, "false_confirmed": 0, "faces_seen": 12},
        {"alerts": 7, "true_total": 7, "false_confirmed": 0, "arrests": 1, "no_action": 6},
    )
    assert [(f["record"], f["check"], f["message"]) for f in data_quality_checks(frame)] == [
        (
            "T-001",
            "outcomes_above_alerts",
            "T-001: its outcomes (arrests 1 + other disposals 2 "
            "+ no action 5 = 8) are more than its 7 alerts",
        ),
        (
            "T-002",
            "engagements_above_alerts",
            "T-002: its engagements (engagements 3 = 3) are more than its 2 alerts",
        ),
        (
            "T-003",
            "faces_seen_below_alerts",
            "T-003: faces seen is 12, fewer than its 20 alerts (every alert is a face seen)",
        ),
    ]


def test_defects_found_in_a_published_table_are_reported_with_their_record():
    frame = deployments({}, {}).assign(
        published_flags=[
            [{"check": "date_out_of_sequence", "message": "printed among July 2024 rows"}],
            None,
        ]
    )
    assert data_quality_checks(frame) == [
        {
            "record": "T-001",
            "check": "date_out_of_sequence",
            "message": "T-001: printed among July 2024 rows",
        }
    ]


def test_end_before_start_is_flagged_when_the_frame_has_times():
    frame = deployments({}, {}).assign(
        start=pd.to_datetime(["2023-06-01 10:00", "2023-06-01 10:00"]),
        end=pd.to_datetime(["2023-06-01 09:00", "2023-06-01 16:00"]),
    )
    findings = data_quality_checks(frame)
    assert [(f["record"], f["check"]) for f in findings] == [("T-001", "end_before_start")]


def test_watchlist_size_far_from_the_force_year_median_is_flagged():
    sizes = [6_700, 6_710, 6_720, 6_730, 6_740, 9_800]
    findings = data_quality_checks(deployments(*({"watchlist_size": size} for size in sizes)))
    assert [(f["record"], f["check"]) for f in findings] == [("T-006", "watchlist_size_outlier")]
    assert "9,800" in findings[0]["message"]
    assert "MPS 2023" in findings[0]["message"]


def test_watchlist_sizes_within_a_quarter_of_the_median_are_not_flagged_even_with_zero_mad():
    sizes = [10_000, 10_000, 10_000, 10_000, 12_400]
    assert data_quality_checks(deployments(*({"watchlist_size": s} for s in sizes))) == []


def test_watchlist_sizes_of_a_force_with_fewer_than_five_deployments_are_not_judged():
    sizes = [100, 100, 100, 50_000]
    assert data_quality_checks(deployments(*({"watchlist_size": s} for s in sizes))) == []


def test_watchlist_sizes_are_judged_per_force_and_year():
    rows = [{"watchlist_size": 6_000, "date": "2022-07-01"} for _ in range(5)]
    rows += [{"watchlist_size": 12_000, "date": "2023-07-01"} for _ in range(5)]
    rows += [{"watchlist_size": 400, "force": "SWP"} for _ in range(5)]
    assert data_quality_checks(deployments(*rows)) == []


def test_revised_faces_seen_is_flagged():
    frame = deployments({"faces_seen": 34_286, "faces_seen_revised": True}, {})
    findings = data_quality_checks(frame)
    assert [(f["record"], f["check"]) for f in findings] == [("T-001", "faces_seen_revised")]
    assert "34,286" in findings[0]["message"]


def test_quality_checks_name_missing_columns():
    with pytest.raises(ValueError, match="published_false_alert_rate"):
        data_quality_checks(deployments({}).drop(columns=["published_false_alert_rate"]))
