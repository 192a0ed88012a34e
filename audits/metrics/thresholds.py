"""Threshold compliance, and the lab-vs-field comparison of false alerts per face.

The expected false-positive identification rate (FPIR) comes from a configurable table of
laboratory results. The default is NPL 2023 (Mansfield): at threshold 0.6, FPIR is about 1 in
6,000 with 10,000 watchlist images and 1 in 60,000 with 1,000. A table is data, not code: pass
another one when a force uses another algorithm or a newer evaluation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import pandas as pd

from audits.metrics._frame import checked_rate, numeric, paired_sums
from audits.metrics.columns import require_columns
from audits.metrics.deployments import SPLIT_COLUMNS, derive_counts
from audits.metrics.intervals import IntervalMethod

FpirTable = Sequence[Mapping[str, float]]

DEFAULT_FPIR_TABLE: FpirTable = (
    {"threshold": 0.6, "watchlist_size": 1_000, "fpir": 1 / 60_000},
    {"threshold": 0.6, "watchlist_size": 10_000, "fpir": 1 / 6_000},
)

# Thresholds are stored as floats (0.6, 0.62); a tolerance keeps 0.6199999 from failing 0.62.
THRESHOLD_TOLERANCE = 1e-9


def threshold_compliance(
    frame: pd.DataFrame, minimum: float, method: str = IntervalMethod.WILSON
) -> dict[str, Any]:
    """Share of deployments with a known threshold at or above the policy `minimum`.

    Deployments with an unknown threshold are not in the rate (neither compliant nor not); they
    are counted in "unknown_threshold" so that a reader sees how much the rate leaves out.
    """
    require_columns(frame, ("record", "threshold"), "threshold_compliance")
    thresholds = numeric(frame, "threshold")
    known = thresholds.notna()
    compliant = known & (thresholds >= minimum - THRESHOLD_TOLERANCE)
    below = known & ~compliant
    return {
        "minimum": float(minimum),
        "deployments": len(frame),
        "unknown_threshold": int((~known).sum()),
        "threshold_compliance": checked_rate(int(compliant.sum()), int(known.sum()), method),
        "below_minimum": [str(record) for record in frame.loc[below, "record"]],
    }


def _rows_for(threshold: float, table: FpirTable) -> list[tuple[float, float]]:
    rows = [
        (float(row["watchlist_size"]), float(row["fpir"]))
        for row in table
        if math.isclose(float(row["threshold"]), threshold, abs_tol=THRESHOLD_TOLERANCE)
    ]
    return sorted(rows)


def expected_fpir(
    threshold: float | None,
    watchlist_size: float | None,
    table: FpirTable = DEFAULT_FPIR_TABLE,
) -> float | None:
    """Expected FPIR at this threshold and watchlist size; None when the table has no row for
    the threshold or either input is unknown.

    FPIR is about N x FMR for a watchlist of N, so it is linear in N: between two table rows
    for the threshold it is interpolated linearly; outside them (or with a single row) it is
    scaled in proportion to N from the nearest row. Capped at 1.
    """
    if threshold is None or watchlist_size is None:
        return None
    if math.isnan(threshold) or math.isnan(watchlist_size):
        return None
    if watchlist_size < 0:
        raise ValueError(f"watchlist_size must not be negative, got {watchlist_size}")
    rows = _rows_for(threshold, table)
    if not rows:
        return None
    for (size_low, fpir_low), (size_high, fpir_high) in pairwise(rows):
        if size_low <= watchlist_size <= size_high and size_high > size_low:
            share = (watchlist_size - size_low) / (size_high - size_low)
            return min(1.0, fpir_low + share * (fpir_high - fpir_low))
    size, fpir = rows[0] if watchlist_size < rows[0][0] else rows[-1]
    return min(1.0, fpir * watchlist_size / size)


def lab_vs_field(
    frame: pd.DataFrame, table: FpirTable = DEFAULT_FPIR_TABLE, method: str = IntervalMethod.WILSON
) -> list[dict[str, Any]]:
    """Per known threshold: the observed false alerts per face (deployments with faces seen and
    false alerts known) beside the expected FPIR at the mean known watchlist size.

    Deployments with an unknown threshold cannot be compared with a laboratory figure and are
    left out; "expected_within_interval" says whether the lab figure lies in the observed 95%
    interval (None when either is missing).
    """
    columns = ("threshold", "faces_seen", "watchlist_size", *SPLIT_COLUMNS)
    require_columns(frame, columns, "lab_vs_field")
    derived = derive_counts(frame[list(columns)]).assign(
        threshold=numeric(frame, "threshold"),
        faces_seen=numeric(frame, "faces_seen"),
        watchlist_size=numeric(frame, "watchlist_size"),
    )
    results = []
    for threshold, rows in derived.dropna(subset=["threshold"]).groupby("threshold", sort=True):
        # pandas-stubs type a group key as any scalar; the threshold column is numeric.
        level = float(threshold)  # type: ignore[arg-type]
        false_alerts, faces = paired_sums(rows["false_alerts"], rows["faces_seen"])
        observed = checked_rate(false_alerts, faces, method)
        sizes = rows["watchlist_size"].dropna()
        mean_size = float(sizes.mean()) if not sizes.empty else None
        expected = expected_fpir(level, mean_size, table)
        within = None
        if expected is not None and observed.ci_low is not None and observed.ci_high is not None:
            within = observed.ci_low <= expected <= observed.ci_high
        results.append(
            {
                "threshold": level,
                "deployments": len(rows),
                "mean_watchlist_size": mean_size,
                "observed_false_alert_rate_per_face": observed,
                "expected_fpir": expected,
                "expected_one_in": None if not expected else 1 / expected,
                "expected_within_interval": within,
            }
        )
    return results
