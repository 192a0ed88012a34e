"""Deployment figures: true and false alert totals, and the grouped summary of section 4.

Rules for unknowns (they decide the published figures, so they are spelled out here):
- true alerts = true_confirmed + true_unconfirmed where a split exists (either part known; the
  unknown part then counts as 0), otherwise the published true_total; false alerts likewise from
  false_confirmed + false_unconfirmed. The 2020-22 Met grid puts its single false-alert figure in
  false_confirmed, which this rule reads correctly.
- A sum leaves unknown values out; a sum with no known value is None, not 0.
- Every rate and ratio uses only the deployments where both its numerator and its denominator
  are known, so k and n describe the same deployments. For the false alert rate per face this
  means deployments with faces seen unknown drop out of both FA and F.

The summary takes two steps: `deployment_sums` turns each row into SUM_COLUMNS (counts, sums
of known values, and each rate's numerator and denominator where both are known), and
`summarise_sums` adds up the rows that share a key and computes each group's `figures` from
its sums, the one definition of every summary metric. A row is one deployment, or, in a
condensed frame (`selectors.condensed_deployments`, a GROUP BY), all the deployments with the
same keys and the same unknown fields, so that a large register never travels as rows: the
rules above give the same sums either way. `summarise` runs both steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from audits.metrics._frame import checked_rate, numeric, ratio
from audits.metrics._grouping import columns_for, group_codes
from audits.metrics.columns import require_columns
from audits.metrics.intervals import IntervalMethod, as_count

COUNT_COLUMNS = (
    "faces_seen",
    "alerts",
    "true_total",
    "true_confirmed",
    "true_unconfirmed",
    "false_confirmed",
    "false_unconfirmed",
    "engagements",
    "arrests",
    "other_disposals",
    "no_action",
)
SPLIT_COLUMNS = (
    "alerts",
    "true_total",
    "true_confirmed",
    "true_unconfirmed",
    "false_confirmed",
    "false_unconfirmed",
)
SUMMED_COUNTS = (
    "faces_seen",
    "alerts",
    "true_alerts",
    "false_alerts",
    "engagements",
    "arrests",
    "other_disposals",
    "no_action",
)
SUMMED = (*SUMMED_COUNTS, "hours")
# (name in the result, numerator, denominator), all proportions of 0..1.
RATES = (
    ("false_alert_rate_per_face", "false_alerts", "faces_seen"),
    ("false_alert_share_of_alerts", "false_alerts", "alerts"),
    ("precision", "true_alerts", "alerts"),
    ("precision_strict", "confirmed_true_alerts", "alerts"),
    ("unconfirmed_share", "unconfirmed_alerts", "alerts"),
    ("engagement_rate", "engagements", "alerts"),
    ("arrest_yield_per_alert", "arrests", "alerts"),
)
# (name in the result, numerator, denominator): plain ratios, also over both-known deployments.
RATIOS = (
    ("arrests_per_hour", "arrests", "hours"),
    ("faces_per_arrest", "faces_seen", "arrests"),
    ("one_in", "faces_seen", "false_alerts"),
)
# The per-deployment values the figures read: the counts, and the strict-precision and
# unconfirmed numerators, which follow the split rule too.
FIGURE_INPUTS = (*SUMMED, "confirmed_true_alerts", "unconfirmed_alerts")


def _pairs() -> tuple[tuple[str, str], ...]:
    """Each (numerator, denominator) once, whichever way round a figure reads it."""
    pairs: dict[frozenset[str], tuple[str, str]] = {}
    for _, numerator, denominator in (*RATES, *RATIOS):
        pairs.setdefault(frozenset((numerator, denominator)), (numerator, denominator))
    return tuple(pairs.values())


PAIRS = _pairs()


def paired_column(value: str, other: str) -> str:
    """The sum of `value` over the deployments where `other` is known too."""
    return f"{value}_where_{other}_known"


SUM_COLUMNS = (
    "deployments",
    *(f"sum_{column}" for column in SUMMED),
    *(f"known_{column}" for column in SUMMED),
    *(paired_column(first, second) for pair in PAIRS for first, second in (pair, pair[::-1])),
)
GROUP_KEYS = ("year", "quarter", "month", "force", "threshold", "use_case", "location", "mode")
KEY_COLUMNS = tuple(columns_for(GROUP_KEYS))


def _split_parts(first: pd.Series, second: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Both halves of a confirmed/unconfirmed split, an unknown half read as 0 only when the
    other half is known (a published split with one blank cell); NaN where neither is known.
    """
    split_exists = first.notna() | second.notna()
    return first.fillna(0).where(split_exists), second.fillna(0).where(split_exists)


def derive_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with `true_alerts` and `false_alerts` added (see the module docstring)."""
    require_columns(frame, SPLIT_COLUMNS, "derive_counts")
    true_confirmed, true_unconfirmed = _split_parts(
        numeric(frame, "true_confirmed"), numeric(frame, "true_unconfirmed")
    )
    false_confirmed, false_unconfirmed = _split_parts(
        numeric(frame, "false_confirmed"), numeric(frame, "false_unconfirmed")
    )
    true_split = true_confirmed + true_unconfirmed
    return frame.assign(
        alerts=numeric(frame, "alerts"),
        true_alerts=true_split.where(true_split.notna(), numeric(frame, "true_total")),
        false_alerts=false_confirmed + false_unconfirmed,
    )


def figure_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """FIGURE_INPUTS per deployment, as floats (NaN unknown), in the frame's row order."""
    derived = derive_counts(frame)
    true_confirmed, true_unconfirmed = _split_parts(
        numeric(derived, "true_confirmed"), numeric(derived, "true_unconfirmed")
    )
    _, false_unconfirmed = _split_parts(
        numeric(derived, "false_confirmed"), numeric(derived, "false_unconfirmed")
    )
    inputs = {column: numeric(derived, column) for column in SUMMED}
    inputs["confirmed_true_alerts"] = true_confirmed
    inputs["unconfirmed_alerts"] = true_unconfirmed + false_unconfirmed
    return pd.DataFrame(inputs, columns=list(FIGURE_INPUTS)).reset_index(drop=True)


def _weights(frame: pd.DataFrame) -> np.ndarray:
    """How many deployments each row stands for: its `deployments` column, else one."""
    if "deployments" not in frame.columns:
        return np.ones(len(frame), dtype=np.int64)
    return frame["deployments"].to_numpy(dtype=np.int64)


def deployment_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """SUM_COLUMNS for each row of a deployment frame, beside its key columns, so that
    `summarise_sums` can group it by any key the frame has. A value that a sum leaves out
    (unknown, or its pair's other value unknown) is NaN.

    A row is one deployment, or, with the optional `deployments` column, that many deployments
    added up, all with the same fields unknown (a selector's GROUP BY): the rules for unknowns
    then give the sums that the deployments one by one would.
    """
    require_columns(frame, ("hours", *COUNT_COLUMNS), "deployment_sums")
    inputs = {name: values.to_numpy() for name, values in figure_inputs(frame).items()}
    known = {name: ~np.isnan(values) for name, values in inputs.items()}
    weights = _weights(frame)
    sums: dict[str, Any] = {"deployments": weights}
    for column in SUMMED:
        sums[f"sum_{column}"] = inputs[column]
    for column in SUMMED:
        sums[f"known_{column}"] = np.where(known[column], weights, 0)
    for pair in PAIRS:
        both = known[pair[0]] & known[pair[1]]
        for value, other in (pair, pair[::-1]):
            sums[paired_column(value, other)] = np.where(both, inputs[value], np.nan)
    keys = frame[[column for column in KEY_COLUMNS if column in frame.columns]]
    return pd.concat([keys.reset_index(drop=True), pd.DataFrame(sums)], axis=1)


def _group_sums(values: np.ndarray, codes: np.ndarray, groups: int) -> list[float]:
    """Per group, the sum of its values that are not NaN, as pandas sums a column of them.

    Whole numbers (counts) add up exactly in any order; other values (hours) are summed group
    by group in row order, so that a frame's figures do not depend on how it was grouped.
    """
    known = ~np.isnan(values)
    values, codes = values[known], codes[known]
    if np.array_equal(values, np.trunc(values)):
        return np.bincount(codes, weights=values, minlength=groups).tolist()
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(1, groups))
    return [float(part.sum()) for part in np.split(values[order], bounds)]


def _count_sum(sums: Mapping[str, Any], column: str) -> int | None:
    """The sum of a count's known values; None when no value is known."""
    if sums[f"known_{column}"] == 0:
        return None
    return as_count(float(sums[f"sum_{column}"]), column)


def _paired(sums: Mapping[str, Any], numerator: str, denominator: str) -> tuple[float, float]:
    """Sums over the deployments where both values are known, so k and n describe the same."""
    return (
        float(sums[paired_column(numerator, denominator)]),
        float(sums[paired_column(denominator, numerator)]),
    )


def figures(sums: Mapping[str, Any], method: str) -> dict[str, Any]:
    """One group's figures from its SUM_COLUMNS: the one definition of each summary metric."""
    result: dict[str, Any] = {"deployments": int(sums["deployments"])}
    for column in SUMMED_COUNTS:
        result[column] = _count_sum(sums, column)
    result["hours"] = None if sums["known_hours"] == 0 else float(sums["sum_hours"])
    # How many deployments each sum rests on: "faces seen in 2 of 3 deployments" matters.
    result["known"] = {column: int(sums[f"known_{column}"]) for column in SUMMED}
    for name, numerator, denominator in RATES:
        result[name] = checked_rate(*_paired(sums, numerator, denominator), method)
    result["arrests_per_deployment"] = ratio(sums["sum_arrests"], sums["known_arrests"])
    for name, numerator, denominator in RATIOS:
        result[name] = ratio(*_paired(sums, numerator, denominator))
    return result


def _check_group_by(group_by: Sequence[str]) -> None:
    unknown_keys = [key for key in group_by if key not in GROUP_KEYS]
    if unknown_keys:
        raise ValueError(f"cannot group by {unknown_keys}; supported keys are {GROUP_KEYS}")


def summarise_sums(
    sums: pd.DataFrame, group_by: Sequence[str] = (), method: str = IntervalMethod.WILSON
) -> list[dict[str, Any]]:
    """One dict per group, sorted by key, from a frame of SUM_COLUMNS and key columns (see
    `summarise`). Rows with the same key are added up, so the frame may be finer than the
    grouping: by day for a monthly report, or one row per deployment.
    """
    _check_group_by(group_by)
    require_columns(sums, (*SUM_COLUMNS, *columns_for(group_by)), "summarise_sums")
    if sums.empty and group_by:
        return []
    keys, codes = group_codes(sums, group_by)
    totals = {
        column: _group_sums(sums[column].to_numpy(dtype=np.float64), codes, len(keys))
        for column in SUM_COLUMNS
    }
    return [
        {"key": key, **figures({column: totals[column][group] for column in totals}, method)}
        for group, key in enumerate(keys)
    ]


def summarise(
    frame: pd.DataFrame, group_by: Sequence[str] = (), method: str = IntervalMethod.WILSON
) -> list[dict[str, Any]]:
    """One dict per group, sorted by key: counts, section 4 rates (as `Rate`s) and
    plain ratios. `group_by` takes any of GROUP_KEYS; empty gives one group with key {}.

    `frame` is a deployment frame: one row per deployment, or a condensed one whose
    `deployments` column says how many each row adds up (grouped at least as finely as
    group_by).
    """
    _check_group_by(group_by)
    require_columns(frame, ("hours", *COUNT_COLUMNS, *columns_for(group_by)), "summarise")
    return summarise_sums(deployment_sums(frame), group_by, method)
