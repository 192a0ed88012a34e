"""Summaries from condensed frames and demographic figures from alert tallies: the small inputs
a selector computes in SQL give exactly the figures of the frames of rows they stand for."""

import math
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from audits.metrics import (
    DEMOGRAPHIC_ATTRIBUTES,
    demographic_counts,
    demographic_differential,
    differential_from_counts,
    summarise,
    tally_alerts,
)
from audits.metrics._frame import text_or_none
from audits.metrics._grouping import columns_for, key_values
from audits.metrics.deployments import COUNT_COLUMNS
from audits.metrics.intervals import _z, rate_ratio, wilson
from tests.metrics.frames import deployments
from tests.metrics.met_grid import load_met_deployments
from tests.reporting.renderers.conftest import synthetic_alerts

SUMMED = [*COUNT_COLUMNS, "hours"]
GROUPINGS = [[], ["year"], ["force", "month"], ["threshold"], ["location"], ["mode", "quarter"]]


def condense(frame: pd.DataFrame, group_by: list[str]) -> pd.DataFrame:
    """What `selectors.condensed_deployments` does in SQL: add up the rows that share their
    group_by keys (dates truncated to the month) and their unknown fields, the complete rows
    (every count known but perhaps the true total, which a split replaces) by their keys
    alone; `deployments` says how many rows each stands for."""
    keys = columns_for(group_by)
    columns = frame[keys].assign(date=frame["date"].dt.to_period("M").dt.start_time)
    unknown = frame[SUMMED].isna()
    complete = ~unknown.drop(columns="true_total").any(axis=1)
    unknown = unknown.mask(complete, False).add_prefix("unknown_")
    grouped = pd.concat([columns[keys], unknown, frame[SUMMED]], axis=1).groupby(
        [*keys, *unknown.columns], dropna=False, sort=False
    )
    sums = grouped[SUMMED].sum(min_count=1)
    sums["deployments"] = grouped.size()
    return sums.reset_index().drop(columns=list(unknown.columns))


def assert_same(actual: Any, expected: Any) -> None:
    """Equal, floats to a relative 1e-12 (sums of hours may be added in another order);
    dataclasses (a `Rate`, a report's row) field by field."""
    if is_dataclass(expected):
        assert type(actual) is type(expected)
        for item in fields(expected):
            assert_same(getattr(actual, item.name), getattr(expected, item.name))
    elif isinstance(expected, dict):
        assert list(actual) == list(expected)
        for name in expected:
            assert_same(actual[name], expected[name])
    elif isinstance(expected, list):
        assert len(actual) == len(expected)
        for one, other in zip(actual, expected, strict=True):
            assert_same(one, other)
    elif isinstance(expected, float):
        assert isinstance(actual, float) and math.isclose(actual, expected, rel_tol=1e-12)
    else:
        assert actual == expected and type(actual) is type(expected)


@pytest.fixture(scope="module")
def met() -> pd.DataFrame:
    return load_met_deployments()


@pytest.mark.parametrize("group_by", GROUPINGS, ids=str)
def test_a_condensed_met_grid_gives_the_figures_of_its_rows(met, group_by):
    condensed = condense(met, group_by)
    assert len(condensed) < len(met)
    assert_same(summarise(condensed, group_by), summarise(met, group_by))
    assert_same(summarise(condensed, []), summarise(met, []))


def test_a_row_of_a_condensed_frame_counts_as_that_many_deployments():
    frame = deployments({"faces_seen": 10, "alerts": 1}, {"faces_seen": 20, "alerts": None})
    condensed = frame.assign(deployments=[3, 2])
    group = summarise(condensed, [])[0]
    assert group["deployments"] == 5
    assert group["known"]["faces_seen"] == 5
    assert group["known"]["alerts"] == 3


KNOWN = st.integers(0, 40)
COUNT = st.one_of(KNOWN, KNOWN, KNOWN, st.none())  # a quarter unknown: some rows complete
ROW = st.fixed_dictionaries(
    {
        "force": st.sampled_from(["MPS", "SWP"]),
        "date": st.sampled_from(["2023-01-05", "2023-04-30", "2024-02-01"]),
        "threshold": st.sampled_from([0.6, 0.64, None]),
        "faces_seen": st.one_of(st.none(), st.integers(0, 5_000)),
        "alerts": COUNT,
        "true_total": COUNT,
        "true_confirmed": COUNT,
        "true_unconfirmed": COUNT,
        "false_confirmed": COUNT,
        "false_unconfirmed": COUNT,
        "engagements": COUNT,
        "arrests": COUNT,
        "hours": st.sampled_from([None, 0.5, 1.25, 7 / 3, 8.4]),
    }
)


def twin(row: dict[str, Any]) -> dict[str, Any]:
    """Another deployment with the same keys and unknown fields, other counts; its true total
    is known where the first's is not and the other way round (ignored beside a split)."""
    other = {
        name: value + 1 if name in SUMMED and value is not None else value
        for name, value in row.items()
    }
    other["true_total"] = 3 if row["true_total"] is None else None
    return other


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=8), group_by=st.sampled_from(GROUPINGS))
def test_condensing_any_frame_keeps_its_figures(rows, group_by):
    frame = deployments(*rows, *map(twin, rows))
    assert_same(summarise(condense(frame, group_by), group_by), summarise(frame, group_by))


def test_complete_deployments_add_up_whether_or_not_a_true_total_was_published():
    counts = {
        "faces_seen": 900,
        "alerts": 5,
        "true_confirmed": 3,
        "true_unconfirmed": 1,
        "false_confirmed": 1,
        "false_unconfirmed": 0,
        "engagements": 4,
        "arrests": 2,
        "other_disposals": 1,
        "no_action": 1,
        "hours": 2.5,
    }
    frame = deployments({**counts, "true_total": 4}, counts, {**counts, "faces_seen": None})
    condensed = condense(frame, ["force"])
    assert condensed["deployments"].tolist() == [2, 1]
    assert_same(summarise(condensed, ["force"]), summarise(frame, ["force"]))


def test_demographic_figures_from_a_tally_equal_those_from_every_alert():
    alerts = synthetic_alerts(200)
    tallies = tally_alerts(alerts)
    assert tallies["count"].sum() == len(alerts)
    for attribute in DEMOGRAPHIC_ATTRIBUTES:
        from_tally = differential_from_counts(demographic_counts(tallies, attribute), attribute)
        assert from_tally == demographic_differential(alerts, attribute)


def test_demographic_counts_merge_values_that_read_as_the_same_group():
    tallies = pd.DataFrame(
        {
            "kind": ["false_confirmed", "true_confirmed", None, "true_unconfirmed"],
            "perceived_sex": ["female", " female ", "", None],
            "count": [2, 5, 4, 1],
        }
    )
    counts = demographic_counts(tallies, "perceived_sex")
    assert counts.to_dict("records") == [
        {"group": "female", "alerts": 7, "false_alerts": 2, "unknown_kind": 0},
        {"group": "unknown", "alerts": 1, "false_alerts": 0, "unknown_kind": 4},
    ]


def test_tallying_categorical_alerts_lists_only_values_that_occur():
    alerts = synthetic_alerts(12).astype({"perceived_sex": "category"})
    alerts["perceived_sex"] = alerts["perceived_sex"].cat.add_categories(["not seen"])
    assert "not seen" not in set(tally_alerts(alerts)["perceived_sex"])


def test_key_values_read_text_keys_as_one_value_at_a_time_would():
    frame = pd.DataFrame({"location": ["Camden", " Camden ", "", None, np.nan, 7, "  "]})
    assert key_values(frame, "location") == [text_or_none(v) for v in frame["location"]]


def test_key_values_give_year_quarter_and_month_with_unknown_dates_as_none():
    frame = pd.DataFrame({"date": pd.to_datetime(["2023-12-31", None, "2024-01-01"])})
    assert key_values(frame, "year") == [2023, None, 2024]
    assert key_values(frame, "quarter") == ["2023-Q4", None, "2024-Q1"]
    assert key_values(frame, "month") == ["2023-12", None, "2024-01"]


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
def test_the_normal_quantile_is_computed_once_and_is_scipys(confidence):
    assert _z(confidence) == float(norm.ppf(0.5 + confidence / 2))
    z = float(norm.ppf(0.5 + confidence / 2))
    p, n = 3 / 40, 40
    centre = (2 * n * p + z * z) / (2 * (n + z * z))
    half = z * math.sqrt(4 * n * p * (1 - p) + z * z) / (2 * (n + z * z))
    assert wilson(3, 40, confidence) == (centre - half, centre + half)
    log_ratio = math.log((3 / 40) / (5 / 90))
    error = math.sqrt(1 / 3 - 1 / 40 + 1 / 5 - 1 / 90)
    assert rate_ratio(3, 40, 5, 90, confidence).ci_high == math.exp(log_ratio + z * error)
