"""Grouping rows by report keys (year, quarter, month, or a column), shared by the summaries.

Unknown key values form their own group (key None) instead of vanishing, and sort last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from audits.metrics._frame import dates, numeric


def _year(when: pd.Series) -> pd.Series:
    return when.dt.year


def _quarter(when: pd.Series) -> pd.Series:
    return when.dt.strftime("%Y-Q") + when.dt.quarter.astype("Int64").astype("string")


def _month(when: pd.Series) -> pd.Series:
    return when.dt.strftime("%Y-%m")


# Whole columns at a time: a register has a hundred thousand rows, one Timestamp each is slow.
DATE_KEYS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "year": _year,
    "quarter": _quarter,
    "month": _month,
}
FLOAT_KEYS = ("threshold",)


def _as_list(values: pd.Series, known: pd.Series, convert: Callable[[Any], Any]) -> list[Any]:
    pairs = zip(values.tolist(), known.tolist(), strict=True)
    return [convert(value) if is_known else None for value, is_known in pairs]


def _text_keys(values: pd.Series) -> list[str | None]:
    """As `_frame.text_or_none` per value: str, stripped; blank and missing are None."""
    text = values[values.notna()].astype(str).str.strip()
    keys = text.mask(text == "").reindex(values.index)
    return [key if isinstance(key, str) else None for key in keys.tolist()]


def key_values(frame: pd.DataFrame, key: str) -> list[Any]:
    """One key value per row: year int, quarter ('2023-Q4') and month ('2023-12') str from the
    date column, threshold float, any other column str; None when unknown.
    """
    if key in DATE_KEYS:
        when = dates(frame, "date")
        return _as_list(DATE_KEYS[key](when), when.notna(), int if key == "year" else str)
    if key in FLOAT_KEYS:
        values = numeric(frame, key)
        return _as_list(values, values.notna(), float)
    return _text_keys(frame[key])


def columns_for(group_by: Sequence[str]) -> list[str]:
    """The frame columns that grouping by these keys reads."""
    return sorted({"date" if key in DATE_KEYS else key for key in group_by})


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    return tuple((value is None, value if value is not None else 0) for value in key)


def group_codes(frame: pd.DataFrame, group_by: Sequence[str]) -> tuple[list[dict], np.ndarray]:
    """The group keys sorted (dicts; empty group_by gives one group {}), and for each row the
    position of its group in that list.
    """
    if not group_by:
        return [{}], np.zeros(len(frame), dtype=np.int64)
    rows = list(zip(*(key_values(frame, key) for key in group_by), strict=True))
    ordered = sorted(set(rows), key=_sort_key)
    position = {key: index for index, key in enumerate(ordered)}
    codes = np.fromiter((position[key] for key in rows), dtype=np.int64, count=len(rows))
    return [dict(zip(group_by, key, strict=True)) for key in ordered], codes


def group_rows(frame: pd.DataFrame, group_by: Sequence[str]) -> list[tuple[dict, list[int]]]:
    """(key dict, row positions) per group, sorted by key; empty group_by gives one group {}."""
    keys, codes = group_codes(frame, group_by)
    positions: list[list[int]] = [[] for _ in keys]
    for position, code in enumerate(codes.tolist()):
        positions[code].append(position)
    return list(zip(keys, positions, strict=True))
