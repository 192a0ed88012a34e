"""Deployment figures: the golden numbers of the Met's published grid (domain reference,
section 5) and the unknown-handling rules on small hand-made frames."""

import math

import pandas as pd
import pytest

from audits.metrics.deployments import derive_counts, summarise
from tests.metrics.frames import deployments
from tests.metrics.met_grid import load_met_deployments

# year: (deployments, faces, alerts, true, false, FA per face %, FA share %, arrests), as printed.
GOLDEN_YEARS = {
    2020: (3, 13_200, 8, 1, 7, "0.053", "87.5", 1),
    2022: (6, 144_366, 20, 17, 3, "0.0021", "15.0", 8),
    2023: (23, 326_392, 58, 56, 2, "0.00061", "3.4", 34),
}


@pytest.fixture(scope="module")
def met() -> pd.DataFrame:
    return load_met_deployments()


def percent(proportion: float, printed: str) -> str:
    decimals = len(printed.partition(".")[2])
    return f"{proportion * 100:.{decimals}f}"


def test_met_grid_by_year_gives_the_published_years(met):
    assert [group["key"] for group in summarise(met, ["year"])] == [
        {"year": 2020},
        {"year": 2022},
        {"year": 2023},
    ]


@pytest.mark.parametrize("year", GOLDEN_YEARS)
def test_met_grid_reproduces_the_golden_yearly_table(met, year):
    deployed, faces, alerts, true, false, per_face, share, arrests = GOLDEN_YEARS[year]
    group = next(g for g in summarise(met, ["year"]) if g["key"] == {"year": year})
    assert isinstance(group["key"]["year"], int)
    assert (group["deployments"], group["faces_seen"], group["alerts"]) == (deployed, faces, alerts)
    assert (group["true_alerts"], group["false_alerts"], group["arrests"]) == (true, false, arrests)
    rate_per_face = group["false_alert_rate_per_face"]
    assert (rate_per_face.k, rate_per_face.n) == (false, faces)
    assert rate_per_face.value == false / faces
    assert percent(rate_per_face.value, per_face) == per_face
    share_of_alerts = group["false_alert_share_of_alerts"]
    assert (share_of_alerts.k, share_of_alerts.n) == (false, alerts)
    assert share_of_alerts.value == false / alerts
    assert percent(share_of_alerts.value, share) == share


def test_met_2020_leaves_the_technical_fault_deployment_out_of_every_sum(met):
    group = summarise(met[met["date"].dt.year == 2020], [])[0]
    # MPS-002 was stopped by a fault and published with no figures: counted, but not as zero.
    assert group["deployments"] == 3
    assert group["known"]["faces_seen"] == 2
    assert group["arrests_per_deployment"] == 1 / 2
    assert group["hours"] is None
    assert group["arrests_per_hour"] is None


def test_met_oxford_circus_2020_to_2022_matches_the_press_figures(met):
    oxford = met[
        (met["location"] == "Oxford Circus")
        & met["date"].between(pd.Timestamp("2020-02-27"), pd.Timestamp("2022-07-16"))
    ]
    group = summarise(oxford, [])[0]
    assert group["key"] == {}
    assert (group["deployments"], group["faces_seen"], group["arrests"]) == (5, 125_786, 9)
    assert group["faces_per_arrest"] == 125_786 / 9


def test_met_2023_split_gives_strict_precision_and_unconfirmed_share(met):
    group = next(g for g in summarise(met, ["year"]) if g["key"] == {"year": 2023})
    assert (group["precision_strict"].k, group["precision_strict"].n) == (56, 58)
    assert (group["unconfirmed_share"].k, group["unconfirmed_share"].n) == (0, 58)
    assert group["unconfirmed_share"].zero_events_upper_bound == pytest.approx(1 - 0.05 ** (1 / 58))
    assert group["one_in"] == 326_392 / 2
    assert group["hours"] == pytest.approx(117.8)


def test_met_2022_without_a_split_has_no_strict_precision(met):
    group = next(g for g in summarise(met, ["year"]) if g["key"] == {"year": 2022})
    assert group["precision_strict"].n == 0
    assert group["precision_strict"].value is None
    assert group["precision"].value == 17 / 20


def test_derive_counts_adds_confirmed_and_unconfirmed_where_a_split_exists():
    frame = deployments(
        {"alerts": 6, "true_confirmed": 5, "true_unconfirmed": 0, "false_confirmed": 1},
        {"alerts": 4, "true_confirmed": 2, "true_unconfirmed": 1, "false_unconfirmed": 1},
    )
    derived = derive_counts(frame)
    assert derived["true_alerts"].tolist() == [5, 3]
    assert derived["false_alerts"].tolist() == [1, 1]


def test_derive_counts_uses_the_published_true_total_without_a_split():
    frame = deployments({"alerts": 11, "true_total": 10, "false_confirmed": 1})
    derived = derive_counts(frame)
    assert derived["true_alerts"].tolist() == [10]
    assert derived["false_alerts"].tolist() == [1]


def test_derive_counts_prefers_the_split_over_the_published_total():
    derived = derive_counts(deployments({"true_total": 9, "true_unconfirmed": 2}))
    assert derived["true_alerts"].tolist() == [2]


def test_derive_counts_leaves_unknown_as_unknown_not_zero():
    derived = derive_counts(deployments({"alerts": 3}))
    assert math.isnan(derived["true_alerts"].iloc[0])
    assert math.isnan(derived["false_alerts"].iloc[0])


def test_derive_counts_does_not_change_the_input_frame():
    frame = deployments({"alerts": 3, "true_total": 3, "false_confirmed": 0})
    derive_counts(frame)
    assert "true_alerts" not in frame.columns


def test_per_face_rate_leaves_out_deployments_with_faces_unknown_from_both_sides():
    frame = deployments(
        {"faces_seen": 1_000, "alerts": 2, "true_total": 1, "false_confirmed": 1},
        {"alerts": 5, "true_total": 0, "false_confirmed": 5},
    )
    group = summarise(frame, [])[0]
    assert group["false_alerts"] == 6
    assert (group["false_alert_rate_per_face"].k, group["false_alert_rate_per_face"].n) == (
        1,
        1_000,
    )
    assert group["false_alert_share_of_alerts"].value == 6 / 7
    assert group["one_in"] == 1_000


def test_summarise_gives_rates_as_proportions_and_ratios_for_hand_counts():
    frame = deployments(
        {
            "faces_seen": 20_000,
            "alerts": 10,
            "true_confirmed": 6,
            "true_unconfirmed": 2,
            "false_confirmed": 1,
            "false_unconfirmed": 1,
            "engagements": 7,
            "arrests": 4,
            "other_disposals": 2,
            "no_action": 1,
            "hours": 5.0,
        },
        {"faces_seen": 10_000, "alerts": 0, "true_total": 0, "false_confirmed": 0, "arrests": 0},
    )
    group = summarise(frame, [])[0]
    assert group["precision"].value == 8 / 10
    assert group["precision_strict"].value == 6 / 10
    assert group["unconfirmed_share"].value == 3 / 10
    assert group["engagement_rate"].value == 7 / 10
    assert group["arrest_yield_per_alert"].value == 4 / 10
    assert group["false_alert_rate_per_face"].value == 2 / 30_000
    assert group["arrests_per_deployment"] == 4 / 2
    assert group["arrests_per_hour"] == 4 / 5
    assert group["faces_per_arrest"] == 30_000 / 4
    assert group["one_in"] == 15_000
    assert all(
        0 <= group[name].value <= 1
        for name in ("precision", "engagement_rate", "false_alert_share_of_alerts")
    )


def test_summarise_uses_exact_intervals_on_request():
    frame = deployments({"faces_seen": 3_940, "alerts": 6, "true_total": 5, "false_confirmed": 1})
    group = summarise(frame, [], method="exact")[0]
    assert group["false_alert_rate_per_face"].method == "exact"


def test_ratios_are_none_when_the_denominator_is_zero():
    frame = deployments(
        {"faces_seen": 500, "alerts": 0, "true_total": 0, "false_confirmed": 0, "arrests": 0}
    )
    group = summarise(frame, [])[0]
    assert group["faces_per_arrest"] is None
    assert group["one_in"] is None
    assert group["arrests_per_hour"] is None
    assert group["false_alert_share_of_alerts"].value is None


def test_a_numerator_above_its_denominator_is_marked_invalid_not_fatal():
    frame = deployments({"alerts": 2, "true_total": 2, "false_confirmed": 0, "arrests": 3})
    result = summarise(frame, [])[0]["arrest_yield_per_alert"]
    assert result.value is None
    assert "exceeds" in result.invalid


def test_summarise_groups_by_quarter_month_and_threshold_with_unknowns_last():
    frame = deployments(
        {"date": "2023-12-07", "threshold": 0.6, "alerts": 1},
        {"date": "2023-11-16", "threshold": None, "alerts": 2},
        {"date": "2024-01-03", "threshold": 0.64, "alerts": 4},
    )
    keys = [group["key"] for group in summarise(frame, ["quarter", "month", "threshold"])]
    assert keys == [
        {"quarter": "2023-Q4", "month": "2023-11", "threshold": None},
        {"quarter": "2023-Q4", "month": "2023-12", "threshold": 0.6},
        {"quarter": "2024-Q1", "month": "2024-01", "threshold": 0.64},
    ]
    by_threshold = summarise(frame, ["threshold"])
    assert [group["key"]["threshold"] for group in by_threshold] == [0.6, 0.64, None]
    assert [group["alerts"] for group in by_threshold] == [1, 4, 2]


def test_summarise_groups_by_force_use_case_location_and_mode_as_text():
    frame = deployments(
        {"force": "SWP", "use_case": "event", "location": "Cardiff", "alerts": 1},
        {"force": "MPS", "use_case": None, "location": "Camden", "alerts": 2},
    )
    groups = summarise(frame, ["force", "use_case", "location", "mode"])
    assert [group["key"] for group in groups] == [
        {"force": "MPS", "use_case": None, "location": "Camden", "mode": "LFR"},
        {"force": "SWP", "use_case": "event", "location": "Cardiff", "mode": "LFR"},
    ]


def test_summarise_sums_only_known_values_and_reports_how_many_were_known():
    frame = deployments({"faces_seen": 100, "hours": 2.5}, {"faces_seen": None, "hours": None})
    group = summarise(frame, [])[0]
    assert (group["deployments"], group["faces_seen"], group["hours"]) == (2, 100, 2.5)
    assert group["known"]["faces_seen"] == 1
    assert group["alerts"] is None


def test_summarise_without_groups_on_an_empty_frame_gives_one_empty_group():
    empty = deployments().iloc[0:0]
    assert summarise(empty, [])[0]["deployments"] == 0
    assert summarise(empty, ["year"]) == []


def test_summarise_rejects_an_unsupported_group_key():
    with pytest.raises(ValueError, match="cannot group by"):
        summarise(deployments({}), ["borough"])


def test_summarise_names_missing_columns():
    with pytest.raises(ValueError, match="hours"):
        summarise(deployments({}).drop(columns=["hours"]), [])
