"""Retrospective (RFR) and operator-initiated (OIFR) search figures.

Some forces say the offence type and reason for each search are "not centrally recorded"; the
counts therefore keep "not recorded" (key None) as a group of its own, and the share of
searches with an offence type recorded is itself a figure.

A yes/no left blank is unknown: it is out of the denominator of that rate, never a "no".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from audits.metrics._frame import checked_rate, known_bool, text_or_none
from audits.metrics._grouping import columns_for, group_rows
from audits.metrics.columns import require_columns
from audits.metrics.intervals import IntervalMethod, Rate

COUNT_KEYS = ("year", "quarter", "month", "force", "mode", "offence_type", "purpose")
RATE_COLUMNS = ("mode", "offence_type", "possible_match", "corroboration_recorded")


def searches_by(
    frame: pd.DataFrame, by: Sequence[str] = ("offence_type", "purpose")
) -> list[dict[str, Any]]:
    """Number of searches per combination of `by` keys, sorted by key (unknown last)."""
    unsupported = [key for key in by if key not in COUNT_KEYS]
    if unsupported:
        raise ValueError(f"cannot count searches by {unsupported}; supported: {COUNT_KEYS}")
    require_columns(frame, columns_for(by), "searches_by")
    return [{"key": key, "searches": len(positions)} for key, positions in group_rows(frame, by)]


def _flag_rate(flags: pd.Series, among: pd.Series, method: str) -> Rate:
    known, true = known_bool(flags)
    eligible = known & among
    return checked_rate(int((true & eligible).sum()), int(eligible.sum()), method)


def search_rates(frame: pd.DataFrame, method: str = IntervalMethod.WILSON) -> dict[str, Any]:
    """possible_match_rate over all searches; corroboration_rate among possible matches (a match
    is a lead only, so each should carry corroboration); two_person_review_rate over all
    searches; offence_type_recorded over all searches; oifr_legal_condition_recorded over OIFR
    searches.
    """
    require_columns(
        frame, (*RATE_COLUMNS, "two_person_review", "oifr_legal_condition"), "search_rates"
    )
    everyone = pd.Series(True, index=frame.index)
    _, possible_match = known_bool(frame["possible_match"])
    offence_recorded = frame["offence_type"].map(lambda value: text_or_none(value) is not None)
    condition_recorded = frame["oifr_legal_condition"].map(
        lambda value: text_or_none(value) is not None
    )
    oifr = frame["mode"].map(text_or_none) == "OIFR"
    return {
        "searches": len(frame),
        "possible_match_rate": _flag_rate(frame["possible_match"], everyone, method),
        "corroboration_rate": _flag_rate(frame["corroboration_recorded"], possible_match, method),
        "two_person_review_rate": _flag_rate(frame["two_person_review"], everyone, method),
        "offence_type_recorded": _flag_rate(offence_recorded, everyone, method),
        "oifr_legal_condition_recorded": _flag_rate(condition_recorded, oifr, method),
    }


def search_summary(
    frame: pd.DataFrame, group_by: Sequence[str] = ("mode",), method: str = IntervalMethod.WILSON
) -> list[dict[str, Any]]:
    """`search_rates` per group (by default per mode, RFR and OIFR), sorted by key."""
    unsupported = [key for key in group_by if key not in COUNT_KEYS]
    if unsupported:
        raise ValueError(f"cannot group searches by {unsupported}; supported: {COUNT_KEYS}")
    require_columns(frame, columns_for(group_by), "search_summary")
    frame = frame.reset_index(drop=True)
    return [
        {"key": key, **search_rates(frame.iloc[positions], method)}
        for key, positions in group_rows(frame, group_by)
    ]
