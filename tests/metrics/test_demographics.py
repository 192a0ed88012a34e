"""Demographic differential: false alert share per perceived group, and its ratio to a
reference group with an interval (ISO/IEC 19795-10)."""

import pandas as pd
import pytest
from scipy.stats.contingency import relative_risk

from audits.metrics.demographics import demographic_differential


def alerts(*groups: tuple[str | None, str | None, int]) -> pd.DataFrame:
    """An alert frame from (perceived_ethnic_group, kind, how many) triples."""
    rows = [
        {"record": "MPS-100", "kind": kind, "perceived_ethnic_group": group, "perceived_sex": None}
        for group, kind, count in groups
        for _ in range(count)
    ]
    return pd.DataFrame(rows, columns=["record", "kind", "perceived_ethnic_group", "perceived_sex"])


EXAMPLE = alerts(
    ("Black", "false_confirmed", 2),
    ("Black", "false_unconfirmed", 1),
    ("Black", "true_confirmed", 7),
    ("White", "false_confirmed", 1),
    ("White", "true_confirmed", 15),
    ("White", "true_unconfirmed", 4),
    ("White", None, 3),
    (None, "true_confirmed", 2),
)


def group(result, name):
    return next(entry for entry in result["groups"] if entry["group"] == name)


def test_group_with_3_in_10_false_against_reference_1_in_20_has_ratio_six():
    result = demographic_differential(EXAMPLE, "perceived_ethnic_group")
    black = group(result, "Black")
    assert (black["alerts"], black["false_alerts"]) == (10, 3)
    assert black["false_alert_share_of_alerts"].value == 0.3
    ratio = black["rate_ratio"]
    assert ratio.value == pytest.approx(6.0)
    expected = relative_risk(3, 10, 1, 20).confidence_interval(confidence_level=0.95)
    assert (ratio.ci_low, ratio.ci_high) == pytest.approx((expected.low, expected.high))
    assert (ratio.k1, ratio.n1, ratio.k0, ratio.n0) == (3, 10, 1, 20)


def test_default_reference_is_the_group_with_most_adjudicated_alerts():
    result = demographic_differential(EXAMPLE, "perceived_ethnic_group")
    assert result["reference"] == "White"
    white = group(result, "White")
    assert white["is_reference"] is True
    assert white["rate_ratio"] is None
    assert white["false_alert_share_of_alerts"].value == 1 / 20


def test_alerts_of_unknown_kind_are_excluded_and_counted():
    result = demographic_differential(EXAMPLE, "perceived_ethnic_group")
    assert result["unknown_kind"] == 3
    assert group(result, "White")["unknown_kind"] == 3
    assert group(result, "White")["alerts"] == 20


def test_missing_demographic_value_is_its_own_group_listed_last():
    result = demographic_differential(EXAMPLE, "perceived_ethnic_group")
    assert [entry["group"] for entry in result["groups"]] == ["Black", "White", "unknown"]
    unknown = group(result, "unknown")
    assert (unknown["alerts"], unknown["false_alerts"]) == (2, 0)
    assert unknown["rate_ratio"].method == "katz_log_cc"


def test_unknown_is_not_the_default_reference_even_when_largest():
    frame = alerts(
        (None, "true_confirmed", 50), ("A", "false_confirmed", 1), ("B", "true_confirmed", 4)
    )
    assert demographic_differential(frame, "perceived_ethnic_group")["reference"] == "B"


def test_default_reference_tie_goes_to_the_first_group_by_name():
    frame = alerts(("Y", "true_confirmed", 4), ("X", "false_confirmed", 4))
    assert demographic_differential(frame, "perceived_ethnic_group")["reference"] == "X"


def test_an_explicit_reference_group_is_used():
    result = demographic_differential(EXAMPLE, "perceived_ethnic_group", reference="Black")
    assert group(result, "White")["rate_ratio"].value == pytest.approx(1 / 6)


def test_a_reference_group_without_alerts_is_refused():
    with pytest.raises(ValueError, match="Asian"):
        demographic_differential(EXAMPLE, "perceived_ethnic_group", reference="Asian")


def test_per_face_rates_are_added_where_the_crowd_make_up_is_estimated():
    result = demographic_differential(
        EXAMPLE, "perceived_ethnic_group", faces_by_group={"Black": 30_000, "White": 100_000}
    )
    assert group(result, "Black")["false_alert_rate_per_face"].value == 3 / 30_000
    assert group(result, "unknown")["false_alert_rate_per_face"] is None


def test_zero_false_alerts_in_both_groups_gives_no_ratio():
    frame = alerts(("A", "true_confirmed", 5), ("B", "true_confirmed", 9))
    result = demographic_differential(frame, "perceived_ethnic_group")
    assert group(result, "A")["rate_ratio"].value is None
    assert group(result, "A")["false_alert_share_of_alerts"].zero_events_upper_bound > 0


def test_unknown_attribute_or_kind_is_refused():
    with pytest.raises(ValueError, match="attribute"):
        demographic_differential(EXAMPLE, "postcode")
    with pytest.raises(ValueError, match="maybe"):
        demographic_differential(alerts(("A", "maybe", 1)), "perceived_ethnic_group")


def test_an_empty_alert_frame_gives_no_groups():
    result = demographic_differential(alerts(), "perceived_sex")
    assert result["groups"] == []
    assert result["unknown_kind"] == 0
