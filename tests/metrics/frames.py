"""Builders for small hand-made contract frames: name only the columns a test is about."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from audits.metrics.columns import DEPLOYMENT_COLUMNS, DEPLOYMENT_OPTIONAL_COLUMNS

DEFAULTS: dict[str, Any] = {
    "force": "MPS",
    "date": "2023-06-01",
    "location": "Camden",
    "mode": "LFR",
    "use_case": None,
    "purpose": "Crime Hotspot",
    "published_false_alert_rate": None,
    "faces_seen_revised": False,
}
NUMERIC_COLUMNS = [
    column for column in DEPLOYMENT_COLUMNS if column not in DEFAULTS and column != "record"
]


def deployments(*rows: dict[str, Any]) -> pd.DataFrame:
    """A deployment frame with every contract column; counts not named are unknown (NaN)."""
    filled = []
    for number, row in enumerate(rows, start=1):
        values = {column: DEFAULTS.get(column, np.nan) for column in DEPLOYMENT_COLUMNS}
        values["record"] = f"T-{number:03d}"
        values.update(row)
        filled.append(values)
    optional = [c for c in DEPLOYMENT_OPTIONAL_COLUMNS if any(c in row for row in rows)]
    frame = pd.DataFrame(filled, columns=[*DEPLOYMENT_COLUMNS, *optional])
    frame["date"] = pd.to_datetime(frame["date"])
    for column in NUMERIC_COLUMNS:
        frame[column] = frame[column].astype(float)
    return frame
