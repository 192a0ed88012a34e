"""Watchlist proportionality figures from aggregate counts."""

import pandas as pd
import pytest

from audits.metrics.watchlists import category_shares, watchlist_proportionality

WATCHLISTS = pd.DataFrame(
    {
        "record": ["WL-1", "WL-2", "WL-3"],
        "force": ["MPS", "MPS", "MPS"],
        "date": pd.to_datetime(["2023-12-07", "2023-12-14", "2023-12-21"]),
        "size": [12_000.0, 8_000.0, None],
        "under_18s": [30.0, 10.0, 5.0],
        "not_wanted_for_arrest": [1_200.0, None, 50.0],
        "oldest_image_age_days": [3_650.0, 400.0, None],
    }
)
CATEGORIES = pd.DataFrame(
    {
        "record": ["WL-1", "WL-1", "WL-1", "WL-2", "WL-2", "WL-OTHER"],
        "category": ["wanted by the courts", "suspect", "missing", "suspect", "missing", "suspect"],
        "count": [6_000.0, 5_000.0, 1_000.0, 7_000.0, 1_000.0, 99_999.0],
    }
)


def test_size_statistics_use_known_sizes_only():
    result = watchlist_proportionality(WATCHLISTS)
    assert result["watchlists"] == 3
    assert result["watchlist_size"] == {
        "known": 2,
        "min": 8_000.0,
        "median": 10_000.0,
        "mean": 10_000.0,
        "max": 12_000.0,
    }
    assert result["entries"] == 20_000


def test_under_18_share_is_over_watchlists_with_both_counts_known():
    result = watchlist_proportionality(WATCHLISTS)["under_18_share"]
    assert (result.k, result.n) == (40, 20_000)
    assert result.value == 0.002


def test_share_not_wanted_for_arrest_leaves_unknowns_out():
    result = watchlist_proportionality(WATCHLISTS)["not_wanted_for_arrest_share"]
    assert (result.k, result.n) == (1_200, 12_000)
    assert result.value == pytest.approx(0.1)


def test_oldest_image_age_statistics():
    ages = watchlist_proportionality(WATCHLISTS)["oldest_image_age_days"]
    assert (ages["known"], ages["max"], ages["median"]) == (2, 3_650.0, 2_025.0)


def test_category_shares_cover_only_the_watchlists_in_the_frame():
    shares = watchlist_proportionality(WATCHLISTS, CATEGORIES)["category_shares"]
    assert [(s["category"], s["count"]) for s in shares] == [
        ("suspect", 12_000),
        ("wanted by the courts", 6_000),
        ("missing", 2_000),
    ]
    assert shares[0]["share"].value == 0.6
    assert shares[0]["categorised"] == 20_000


def test_category_shares_without_a_record_filter_use_every_row():
    shares = category_shares(CATEGORIES)
    assert shares[0]["category"] == "suspect"
    assert shares[0]["count"] == 111_999


def test_proportionality_without_categories_says_so():
    assert watchlist_proportionality(WATCHLISTS)["category_shares"] is None


def test_no_known_sizes_gives_none_not_zero():
    result = watchlist_proportionality(WATCHLISTS.assign(size=float("nan")))
    assert result["watchlist_size"]["median"] is None
    assert result["entries"] is None
    assert result["under_18_share"].value is None
