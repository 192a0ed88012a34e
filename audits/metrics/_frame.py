"""Small helpers for reading contract frames, shared by the metric modules.

They exist so that every module treats "unknown" the same way: NaN, None, pd.NA and NaT are
unknown, and an unknown value is left out of a sum instead of being counted as zero.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from audits.metrics.intervals import Rate, as_count, rate


def numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as floats, with None/pd.NA turned into NaN (selectors may hand over objects)."""
    return pd.to_numeric(frame[column], errors="raise").astype(float)


def dates(frame: pd.DataFrame, column: str) -> pd.Series[pd.Timestamp]:
    return pd.to_datetime(frame[column], errors="raise")


def is_unknown(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def text_or_none(value: Any) -> str | None:
    """A key or label as str; blank and missing values are None (unknown)."""
    if is_unknown(value):
        return None
    text = str(value).strip()
    return text or None


def known_bool(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(known, true) masks for a yes/no column that may hold None for "not recorded"."""
    if pd.api.types.is_bool_dtype(series.dtype) and not isinstance(series.dtype, pd.BooleanDtype):
        return pd.Series(True, index=series.index), series.astype(bool)
    known = series.map(lambda value: not is_unknown(value)).astype(bool)
    true = series.map(lambda value: (not is_unknown(value)) and bool(value)).astype(bool)
    return known, true


def sum_counts(series: pd.Series) -> int | None:
    """Sum of the known values of a count column; None when no value is known."""
    known = series.dropna()
    if known.empty:
        return None
    return as_count(float(known.sum()), str(series.name))


def sum_known(series: pd.Series) -> float | None:
    known = series.dropna()
    return None if known.empty else float(known.sum())


def paired_sums(numerator: pd.Series, denominator: pd.Series) -> tuple[float, float]:
    """Sums over the rows where both values are known, so that k and n describe the same rows."""
    both = numerator.notna() & denominator.notna()
    return float(numerator[both].sum()), float(denominator[both].sum())


def checked_rate(k: float, n: float, method: str) -> Rate:
    """`rate(k, n)`, except that a numerator larger than its denominator (bad data) gives a
    Rate with no value and an `invalid` reason instead of failing a whole report.
    """
    k_count, n_count = as_count(k, "k"), as_count(n, "n")
    if k_count > n_count:
        return Rate(
            k_count,
            n_count,
            None,
            None,
            None,
            method,
            invalid=f"numerator {k_count} exceeds denominator {n_count}",
        )
    return rate(k_count, n_count, method)


def ratio(numerator: float, denominator: float) -> float | None:
    """A plain ratio; None when the denominator is zero (undefined, not infinite)."""
    return None if denominator == 0 else float(numerator) / float(denominator)
