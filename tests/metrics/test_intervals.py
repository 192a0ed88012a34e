"""Intervals: the worked examples of the domain reference (section 4), checked against scipy and
against the rounded percentages printed there; properties over all k and n; input validation."""

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from scipy.stats.contingency import relative_risk

from audits.metrics.intervals import (
    Rate,
    clopper_pearson,
    rate,
    rate_ratio,
    rule_of_three_upper,
    wilson,
)

# (case, k, n, rate %, Wilson low %, Wilson high %, exact low %, exact high %), as printed.
WORKED_EXAMPLES = [
    ("met_2024_fa_per_face", 10, 3_147_436, "0.00032", "0.00017", "0.00058", "0.00015", "0.00058"),
    ("met_2024_fa_share_of_alerts", 10, 2_077, "0.48", "0.26", "0.88", "0.23", "0.88"),
    ("oxford_circus_2022_fa_per_face", 1, 12_120, "0.0083", "0.0015", "0.047", "0.0002", "0.046"),
    ("zero_events", 0, 30_000, "0", "0", "0.0128", "0", "0.0123"),
]
CASE_IDS = [case[0] for case in WORKED_EXAMPLES]
WORKED_COUNTS = [(k, n) for _, k, n, *_ in WORKED_EXAMPLES]


def as_printed(proportion: float, printed: str) -> str:
    """The proportion as a percentage with as many decimals as the printed figure."""
    decimals = max(0, -Decimal(printed).as_tuple().exponent)
    return f"{proportion * 100:.{decimals}f}"


def assert_close(actual: float, expected: float) -> None:
    assert actual == pytest.approx(expected, rel=1e-6, abs=0 if expected else 1e-15)


@pytest.mark.parametrize(("k", "n"), WORKED_COUNTS, ids=CASE_IDS)
def test_wilson_matches_scipy_for_worked_example(k, n):
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson(k, n)
    assert_close(low, expected.low)
    assert_close(high, expected.high)


@pytest.mark.parametrize(("k", "n"), WORKED_COUNTS, ids=CASE_IDS)
def test_clopper_pearson_matches_scipy_for_worked_example(k, n):
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    low, high = clopper_pearson(k, n)
    assert_close(low, expected.low)
    assert_close(high, expected.high)


@pytest.mark.parametrize(
    ("case", "k", "n", "value", "wilson_low", "wilson_high", "exact_low", "exact_high"),
    WORKED_EXAMPLES,
    ids=CASE_IDS,
)
def test_worked_examples_round_to_the_printed_percentages(
    case, k, n, value, wilson_low, wilson_high, exact_low, exact_high
):
    by_wilson, exact = rate(k, n, "wilson"), rate(k, n, "exact")
    assert as_printed(by_wilson.value, value) == value
    assert as_printed(by_wilson.ci_low, wilson_low) == wilson_low
    assert as_printed(by_wilson.ci_high, wilson_high) == wilson_high
    assert as_printed(exact.ci_low, exact_low) == exact_low
    assert as_printed(exact.ci_high, exact_high) == exact_high


def test_wilson_matches_worked_example_for_met_2024():
    low, high = wilson(10, 3_147_436)
    assert f"{low * 100:.5f}% to {high * 100:.5f}%" == "0.00017% to 0.00058%"


def test_rule_of_three_for_zero_in_30000_is_one_hundredth_of_a_percent():
    upper = rule_of_three_upper(30_000)
    assert upper == pytest.approx(1 - 0.05 ** (1 / 30_000), rel=1e-12)
    assert f"{upper * 100:.4f}" == "0.0100"
    assert upper == pytest.approx(3 / 30_000, rel=0.01)


def test_rate_with_zero_events_carries_the_one_sided_upper_bound():
    zero = rate(0, 30_000)
    assert zero.value == 0
    assert zero.zero_events_upper_bound == rule_of_three_upper(30_000)
    assert zero.to_dict()["zero_events_upper_bound"] == pytest.approx(0.0000998, rel=1e-3)


def test_rate_with_events_has_no_zero_events_bound():
    assert rate(1, 12_120).zero_events_upper_bound is None
    assert rate(0, 0).zero_events_upper_bound is None


def test_rate_of_nothing_is_unknown_not_zero():
    empty = rate(0, 0)
    assert (empty.value, empty.ci_low, empty.ci_high) == (None, None, None)
    assert empty.to_dict() == {
        "k": 0,
        "n": 0,
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "method": "wilson",
        "zero_events_upper_bound": None,
    }


def test_rate_to_dict_carries_counts_method_and_interval():
    as_dict = rate(7, 13_200, method="exact").to_dict()
    assert set(as_dict) == {
        "k",
        "n",
        "value",
        "ci_low",
        "ci_high",
        "method",
        "zero_events_upper_bound",
    }
    assert (as_dict["k"], as_dict["n"], as_dict["method"]) == (7, 13_200, "exact")
    assert as_dict["value"] == 7 / 13_200


def test_rate_is_frozen():
    with pytest.raises(AttributeError):
        rate(1, 2).value = 0.7  # type: ignore[misc]


def test_rate_accepts_whole_floats_from_pandas_sums():
    assert rate(7.0, 8.0) == rate(7, 8)


@pytest.mark.parametrize(
    ("k", "n"), [(3, 2), (-1, 5), (1, -5), (1.5, 4), (float("nan"), 4), (True, 4), ("1", 4)]
)
def test_rate_rejects_impossible_counts(k, n):
    with pytest.raises(ValueError):
        rate(k, n)


def test_rate_rejects_unknown_method():
    with pytest.raises(ValueError, match="method"):
        rate(1, 2, method="wald")


def test_intervals_need_trials():
    with pytest.raises(ValueError):
        wilson(0, 0)
    with pytest.raises(ValueError):
        clopper_pearson(0, 0)
    with pytest.raises(ValueError):
        rule_of_three_upper(0)


def test_all_events_gives_an_upper_bound_of_one():
    assert wilson(5, 5)[1] == 1.0
    assert clopper_pearson(5, 5)[1] == 1.0


counts = st.integers(min_value=1, max_value=5_000_000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
)


@settings(max_examples=300, deadline=None)
@given(counts, st.sampled_from(["wilson", "exact"]))
def test_every_interval_lies_in_0_1_and_contains_the_estimate(k_n, method):
    k, n = k_n
    result = rate(k, n, method)
    assert 0.0 <= result.ci_low <= result.value <= result.ci_high <= 1.0


@settings(max_examples=200, deadline=None)
@given(counts, st.sampled_from(["wilson", "exact"]))
def test_interval_bounds_do_not_fall_as_events_rise(k_n, method):
    k, n = k_n
    k = min(k, n - 1)
    fewer, more = rate(k, n, method), rate(k + 1, n, method)
    assert fewer.ci_low <= more.ci_low
    assert fewer.ci_high <= more.ci_high


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=60), st.sampled_from(["wilson", "exact"]))
def test_bounds_rise_across_every_k_for_small_n(n, method):
    results = [rate(k, n, method) for k in range(n + 1)]
    lows = [result.ci_low for result in results]
    highs = [result.ci_high for result in results]
    assert lows == sorted(lows)
    assert highs == sorted(highs)


def test_rate_ratio_for_3_in_10_against_1_in_20_is_six_with_katz_interval():
    result = rate_ratio(3, 10, 1, 20)
    expected = relative_risk(3, 10, 1, 20).confidence_interval(confidence_level=0.95)
    assert result.value == pytest.approx(6.0)
    assert result.ci_low == pytest.approx(expected.low, rel=1e-9)
    assert result.ci_high == pytest.approx(expected.high, rel=1e-9)
    assert result.method == "katz_log"
    assert (result.k1, result.n1, result.k0, result.n0) == (3, 10, 1, 20)
    assert f"{result.ci_low:.2f} to {result.ci_high:.1f}" == "0.71 to 50.6"


def test_rate_ratio_with_zero_events_in_one_group_uses_continuity_correction():
    result = rate_ratio(0, 50, 5, 200)
    # Haldane: 0.5 added to every cell, so 0.5 of 51 against 5.5 of 201.
    assert result.value == pytest.approx((0.5 / 51) / (5.5 / 201))
    standard_error = math.sqrt(1 / 0.5 - 1 / 51 + 1 / 5.5 - 1 / 201)
    assert result.ci_high == pytest.approx(result.value * math.exp(1.959964 * standard_error))
    assert result.method == "katz_log_cc"
    assert result.zero_events is True
    assert result.ci_low < result.value < result.ci_high
    assert "continuity correction" in result.note


def test_rate_ratio_with_zero_events_in_both_groups_is_not_reported_as_one():
    result = rate_ratio(0, 500, 0, 500)
    assert result.value is None
    assert (result.ci_low, result.ci_high) == (None, None)
    assert (result.k1, result.n1, result.k0, result.n0) == (0, 500, 0, 500)
    assert "no events" in result.note


def test_rate_ratio_with_an_empty_group_has_no_value():
    assert rate_ratio(1, 10, 0, 0).value is None


def test_rate_is_a_dataclass_with_the_contract_fields():
    assert list(Rate.__dataclass_fields__) == [
        "k",
        "n",
        "value",
        "ci_low",
        "ci_high",
        "method",
        "zero_events_upper_bound",
        "invalid",
    ]
