"""Grouping rows by report keys (year, quarter, month, or a column), shared by the summaries.

Unknown key values form their own group (key None) instead of vanishing, and sort last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from audits.metrics._frame import dates, numeric, text_or_none


def _year(when: pd.Timestamp) -> int:
    return int(when.year)


def _quarter(when: pd.Timestamp) -> str:
    return f"{when.year}-Q{when.quarter}"


def _month(when: pd.Timestamp) -> str:
    return f"{when.year}-{when.month:02d}"


DATE_KEYS: dict[str, Callable[[pd.Timestamp], Any]] = {
    "year": _year,
    "quarter": _quarter,
    "month": _month,
}
FLOAT_KEYS = ("threshold",)


def key_values(frame: pd.DataFrame, key: str) -> list[Any]:
    """One key value per row: year int, quarter ('2023-Q4') and month ('2023-12') str from the
    date column, threshold float, any other column str; None when unknown.
    """
    if key in DATE_KEYS:
        to_key = DATE_KEYS[key]
        return [None if pd.isna(when) else to_key(when) for when in dates(frame, "date")]
    if key in FLOAT_KEYS:
        return [None if pd.isna(value) else float(value) for value in numeric(frame, key)]
    return [text_or_none(value) for value in frame[key]]


def columns_for(group_by: Sequence[str]) -> list[str]:
    """The frame columns that grouping by these keys reads."""
    return sorted({"date" if key in DATE_KEYS else key for key in group_by})


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    return tuple((value is None, value if value is not None else 0) for value in key)


def group_rows(frame: pd.DataFrame, group_by: Sequence[str]) -> list[tuple[dict, list[int]]]:
    """(key dict, row positions) per group, sorted by key; empty group_by gives one group {}."""
    if not group_by:
        return [({}, list(range(len(frame))))]
    columns = [key_values(frame, key) for key in group_by]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for position, key in enumerate(zip(*columns, strict=True)):
        groups.setdefault(key, []).append(position)
    return [
        (dict(zip(group_by, key, strict=True)), groups[key])
        for key in sorted(groups, key=_sort_key)
    ]
