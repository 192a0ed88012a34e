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
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from audits.metrics._frame import numeric, paired_sums, rate_dict, ratio, sum_counts, sum_known
from audits.metrics._grouping import columns_for, group_rows
from audits.metrics.columns import require_columns

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
# (name in the result, numerator column, denominator column), all proportions of 0..1.
RATES = (
    ("false_alert_rate_per_face", "false_alerts", "faces_seen"),
    ("false_alert_share_of_alerts", "false_alerts", "alerts"),
    ("precision", "true_alerts", "alerts"),
    ("precision_strict", "_true_confirmed", "alerts"),
    ("unconfirmed_share", "_unconfirmed", "alerts"),
    ("engagement_rate", "engagements", "alerts"),
    ("arrest_yield_per_alert", "arrests", "alerts"),
)


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


GROUP_KEYS = ("year", "quarter", "month", "force", "threshold", "use_case", "location", "mode")


def _with_split_columns(derived: pd.DataFrame) -> pd.DataFrame:
    """Adds the strict-precision and unconfirmed numerators, following the same split rule."""
    true_confirmed, true_unconfirmed = _split_parts(
        derived["true_confirmed"].astype(float), derived["true_unconfirmed"].astype(float)
    )
    _, false_unconfirmed = _split_parts(
        derived["false_confirmed"].astype(float), derived["false_unconfirmed"].astype(float)
    )
    return derived.assign(
        _true_confirmed=true_confirmed, _unconfirmed=true_unconfirmed + false_unconfirmed
    )


def _figures(rows: pd.DataFrame, method: str) -> dict[str, Any]:
    figures: dict[str, Any] = {"deployments": len(rows)}
    for column in SUMMED_COUNTS:
        figures[column] = sum_counts(rows[column])
    figures["hours"] = sum_known(rows["hours"])
    # How many deployments each sum rests on: "faces seen in 2 of 3 deployments" matters.
    figures["known"] = {
        column: int(rows[column].notna().sum()) for column in (*SUMMED_COUNTS, "hours")
    }
    for name, numerator, denominator in RATES:
        k, n = paired_sums(rows[numerator], rows[denominator])
        figures[name] = rate_dict(k, n, method)
    arrests = rows["arrests"]
    figures["arrests_per_deployment"] = ratio(arrests.sum(), int(arrests.notna().sum()))
    figures["arrests_per_hour"] = ratio(*paired_sums(arrests, rows["hours"]))
    faces, arrested = paired_sums(rows["faces_seen"], arrests)
    figures["faces_per_arrest"] = ratio(faces, arrested)
    false_alerts, faces_seen = paired_sums(rows["false_alerts"], rows["faces_seen"])
    figures["one_in"] = ratio(faces_seen, false_alerts)
    return figures


def summarise(
    frame: pd.DataFrame, group_by: Sequence[str] = (), method: str = "wilson"
) -> list[dict[str, Any]]:
    """One dict per group, sorted by key: counts, section 4 rates (as `Rate.to_dict()`) and
    plain ratios. `group_by` takes any of GROUP_KEYS; empty gives one group with key {}.
    """
    unknown_keys = [key for key in group_by if key not in GROUP_KEYS]
    if unknown_keys:
        raise ValueError(f"cannot group by {unknown_keys}; supported keys are {GROUP_KEYS}")
    require_columns(frame, ("hours", *COUNT_COLUMNS, *columns_for(group_by)), "summarise")
    if frame.empty and group_by:
        return []
    derived = derive_counts(frame)
    for column in (*COUNT_COLUMNS, "hours"):
        derived[column] = numeric(derived, column)
    derived = _with_split_columns(derived).reset_index(drop=True)
    return [
        {"key": key, **_figures(derived.iloc[positions], method)}
        for key, positions in group_rows(derived, group_by)
    ]
