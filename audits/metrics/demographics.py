"""Demographic differential: the false alert share per perceived group and its ratio to a
reference group, with intervals (ISO/IEC 19795-10 asks for uncertainty at the operational
threshold; domain reference, section 4).

Alerts whose kind is unknown (not adjudicated) cannot be called true or false, so they are left
out of every share and counted separately. A missing demographic value is its own group,
"unknown", so that the groups always add up to the alerts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from audits.metrics._frame import is_unknown, rate_dict, text_or_none
from audits.metrics.columns import ALERT_KINDS, DEMOGRAPHIC_ATTRIBUTES, FALSE_KINDS, require_columns
from audits.metrics.intervals import rate_ratio

UNKNOWN_GROUP = "unknown"


def _kinds(alerts: pd.DataFrame) -> pd.Series:
    kinds = alerts["kind"].map(lambda kind: None if is_unknown(kind) else str(kind))
    invalid = sorted(set(kinds.dropna()) - set(ALERT_KINDS))
    if invalid:
        raise ValueError(f"unknown alert kinds {invalid}; expected one of {ALERT_KINDS} or None")
    return kinds


def _default_reference(counts: pd.DataFrame) -> str:
    # The largest group gives the most stable denominator; "unknown" is no one's reference
    # unless it is all there is. Ties go to the alphabetically first group, for repeatability.
    known = counts[counts["group"] != UNKNOWN_GROUP]
    candidates = known if not known.empty else counts
    ranked = candidates.sort_values(["alerts", "group"], ascending=[False, True])
    return str(ranked["group"].iloc[0])


def demographic_differential(
    alerts: pd.DataFrame,
    attribute: str,
    reference: str | None = None,
    method: str = "wilson",
    faces_by_group: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Per group g of `attribute`: alerts A_g and false alerts FA_g (adjudicated alerts only),
    false_alert_share_of_alerts FA_g / A_g as a rate, and rate_ratio to the reference group.

    `faces_by_group`, where the crowd's composition has been estimated, adds the per-face rate
    FA_g / F_g. Groups are sorted by name with "unknown" last.
    """
    if attribute not in DEMOGRAPHIC_ATTRIBUTES:
        raise ValueError(f"attribute must be one of {DEMOGRAPHIC_ATTRIBUTES}, got {attribute!r}")
    require_columns(alerts, ("kind", attribute), "demographic_differential")
    kinds = _kinds(alerts)
    frame = pd.DataFrame(
        {
            "group": [text_or_none(value) or UNKNOWN_GROUP for value in alerts[attribute]],
            "adjudicated": kinds.notna().to_numpy(),
            "false": kinds.isin(FALSE_KINDS).to_numpy(),
        }
    )
    counts = (
        frame.groupby("group", sort=True)
        .agg(
            alerts=("adjudicated", "sum"),
            false_alerts=("false", "sum"),
            rows=("adjudicated", "size"),
        )
        .reset_index()
    )
    counts["unknown_kind"] = counts["rows"] - counts["alerts"]
    if counts.empty:
        return {"attribute": attribute, "reference": reference, "groups": [], "unknown_kind": 0}
    if reference is None:
        reference = _default_reference(counts)
    elif reference not in set(counts["group"]):
        raise ValueError(f"reference group {reference!r} has no alerts for {attribute}")
    base = counts.set_index("group").loc[reference]
    counts = counts.assign(_last=counts["group"] == UNKNOWN_GROUP).sort_values(["_last", "group"])
    groups = []
    for row in counts.itertuples(index=False):
        group: dict[str, Any] = {
            "group": row.group,
            "alerts": int(row.alerts),
            "false_alerts": int(row.false_alerts),
            "unknown_kind": int(row.unknown_kind),
            "is_reference": row.group == reference,
            "false_alert_share_of_alerts": rate_dict(row.false_alerts, row.alerts, method),
            "rate_ratio": None
            if row.group == reference
            else rate_ratio(row.false_alerts, row.alerts, base.false_alerts, base.alerts),
        }
        if faces_by_group is not None:
            faces = faces_by_group.get(row.group)
            group["false_alert_rate_per_face"] = (
                None if faces is None else rate_dict(row.false_alerts, faces, method)
            )
        groups.append(group)
    return {
        "attribute": attribute,
        "reference": reference,
        "groups": groups,
        "unknown_kind": int(counts["unknown_kind"].sum()),
    }
