"""Watchlist proportionality: how large the lists were, who was on them, how old the images.

Bridges (2020) turned on the discretion over *who* goes on a watchlist; these figures let an
overseer see it. The tool holds aggregates only (counts per category), never identities.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from audits.metrics._frame import checked_rate, numeric, paired_sums, sum_counts, text_or_none
from audits.metrics.columns import require_columns
from audits.metrics.intervals import IntervalMethod


def _stats(values: pd.Series) -> dict[str, Any]:
    known = values.dropna()
    if known.empty:
        return {"known": 0, "min": None, "median": None, "mean": None, "max": None}
    return {
        "known": len(known),
        "min": float(known.min()),
        "median": float(known.median()),
        "mean": float(known.mean()),
        "max": float(known.max()),
    }


def category_shares(
    categories: pd.DataFrame, records: pd.Series | None = None, method: str = IntervalMethod.WILSON
) -> list[dict[str, Any]]:
    """Each category's share of all categorised entries (sum of counts), largest first.

    `records` limits the long frame to those watchlists, so that shares describe the same
    watchlists as the other figures. Entries with no category are not guessed at: the shares
    are of what the force categorised, and "categorised" says how many that was.
    """
    require_columns(categories, ("record", "category", "count"), "category_shares")
    if records is not None:
        categories = categories[categories["record"].isin(set(records))]
    counts = categories.assign(
        category=[text_or_none(value) or "uncategorised" for value in categories["category"]],
        count=numeric(categories, "count"),
    ).dropna(subset=["count"])
    totals = counts.groupby("category", sort=True)["count"].sum()
    total = float(totals.sum())
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [
        {
            "category": category,
            "count": int(count),
            "categorised": int(total),
            "share": checked_rate(count, total, method),
        }
        for category, count in ordered
    ]


def watchlist_proportionality(
    watchlists: pd.DataFrame,
    categories: pd.DataFrame | None = None,
    method: str = IntervalMethod.WILSON,
) -> dict[str, Any]:
    """Size statistics, under-18 share, share not wanted for arrest, oldest image age and (with
    the long category frame) category shares, over the watchlists in the frame.

    Shares are over the total entries of the watchlists where both counts are known.
    """
    require_columns(
        watchlists,
        ("record", "size", "under_18s", "not_wanted_for_arrest", "oldest_image_age_days"),
        "watchlist_proportionality",
    )
    size = numeric(watchlists, "size")
    under_18s, under_18_total = paired_sums(numeric(watchlists, "under_18s"), size)
    not_wanted, not_wanted_total = paired_sums(numeric(watchlists, "not_wanted_for_arrest"), size)
    return {
        "watchlists": len(watchlists),
        "watchlist_size": _stats(size),
        "entries": sum_counts(size),
        "under_18_share": checked_rate(under_18s, under_18_total, method),
        "not_wanted_for_arrest_share": checked_rate(not_wanted, not_wanted_total, method),
        "oldest_image_age_days": _stats(numeric(watchlists, "oldest_image_age_days")),
        "category_shares": None
        if categories is None
        else category_shares(categories, watchlists["record"], method),
    }
