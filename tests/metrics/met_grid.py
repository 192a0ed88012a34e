"""Reads the Met's published deployment grid into the deployment frame contract, for tests.

This is a test helper, not the importer: it maps the published columns as plainly as possible
so that the golden figures of the domain reference (section 5) can be checked against the
metrics. "N/A" and empty cells are unknown.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

MET_GRID = Path("/work/shared/data/met_lfr_deployments_2020_2023.csv")
UNKNOWN = {"", "N/A"}
DURATION = re.compile(r"^(?P<hours>\d+)\s*h\s*(?:(?P<minutes>\d+)\s*m?)?$")


def _number(value: str) -> float:
    text = value.strip()
    return np.nan if text in UNKNOWN else float(text.replace(",", ""))


def _text(value: str) -> str | None:
    text = value.strip()
    return None if text in UNKNOWN else text


def duration_hours(value: str) -> float:
    """'8h 22m', '5h03m', '5h40' (minutes without the m) -> hours; unknown -> NaN."""
    text = value.strip()
    if text in UNKNOWN:
        return np.nan
    match = DURATION.match(text)
    if match is None:
        raise ValueError(f"unreadable duration {value!r}")
    return int(match["hours"]) + int(match["minutes"] or 0) / 60


def _sum_of_known(first: pd.Series, second: pd.Series) -> pd.Series:
    either = first.notna() | second.notna()
    return (first.fillna(0) + second.fillna(0)).where(either)


def load_met_deployments(path: Path = MET_GRID) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    numbers = {
        column: raw[column].map(_number)
        for column in (
            "watchlist_size",
            "threshold",
            "faces_seen_estimate",
            "total_alerts",
            "true_alerts_total",
            "true_confirmed",
            "true_unconfirmed",
            "false_confirmed",
            "false_unconfirmed",
            "true_alert_engagements",
            "false_alert_engagements",
            "arrests",
            "other_disposal",
            "no_action",
        )
    }
    return pd.DataFrame(
        {
            "record": raw["row_id"],
            "force": raw["force"],
            "date": pd.to_datetime(raw["date"]),
            "location": raw["location"],
            "mode": "LFR",
            "use_case": None,
            "purpose": raw["purpose"],
            "threshold": numbers["threshold"],
            "watchlist_size": numbers["watchlist_size"],
            "faces_seen": numbers["faces_seen_estimate"],
            "alerts": numbers["total_alerts"],
            "true_total": numbers["true_alerts_total"],
            "true_confirmed": numbers["true_confirmed"],
            "true_unconfirmed": numbers["true_unconfirmed"],
            "false_confirmed": numbers["false_confirmed"],
            "false_unconfirmed": numbers["false_unconfirmed"],
            "engagements": _sum_of_known(
                numbers["true_alert_engagements"], numbers["false_alert_engagements"]
            ),
            "arrests": numbers["arrests"],
            "other_disposals": numbers["other_disposal"],
            "no_action": numbers["no_action"],
            "hours": raw["duration"].map(duration_hours),
            "published_false_alert_rate": raw["published_false_alert_rate"].map(_text),
            "faces_seen_revised": False,
        }
    )
