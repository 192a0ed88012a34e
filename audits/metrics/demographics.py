"""Demographic differential: the false alert share per perceived group and its ratio to a
reference group, with intervals (ISO/IEC 19795-10 asks for uncertainty at the operational
threshold; domain reference, section 4).

Alerts whose kind is unknown (not adjudicated) cannot be called true or false, so they are left
out of every share and counted separately. A missing demographic value is its own group,
"unknown", so that the groups always add up to the alerts.

Two steps, so that a register of millions of alerts never travels as rows: counting
(`demographic_counts`, from an alert tally: how many alerts share each kind and perceived
values, which a selector can count in SQL) and the figures (`differential_from_counts`). The
per-alert entry point `demographic_differential` tallies its frame and runs the same two steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from audits.metrics._frame import checked_rate, is_unknown, text_or_none
from audits.metrics.columns import ALERT_KINDS, DEMOGRAPHIC_ATTRIBUTES, FALSE_KINDS, require_columns
from audits.metrics.intervals import IntervalMethod, rate_ratio

UNKNOWN_GROUP = "unknown"
COUNT_COLUMNS = ("group", "alerts", "false_alerts", "unknown_kind")


def _check_attribute(attribute: str) -> None:
    if attribute not in DEMOGRAPHIC_ATTRIBUTES:
        raise ValueError(f"attribute must be one of {DEMOGRAPHIC_ATTRIBUTES}, got {attribute!r}")


def tally_alerts(
    alerts: pd.DataFrame, attributes: Sequence[str] = DEMOGRAPHIC_ATTRIBUTES
) -> pd.DataFrame:
    """A per-alert frame as an alert tally (`columns.ALERT_TALLY_COLUMNS`): one row per
    combination of kind and `attributes` values, with how many alerts have it.
    """
    require_columns(alerts, ("kind", *attributes), "tally_alerts")
    columns = ["kind", *attributes]
    groups = alerts.groupby(columns, dropna=False, sort=False, observed=True)
    return groups.size().reset_index(name="count")


def _kinds(kinds: pd.Series) -> pd.Series:
    known = kinds.map(lambda kind: None if is_unknown(kind) else str(kind))
    invalid = sorted(set(known.dropna()) - set(ALERT_KINDS))
    if invalid:
        raise ValueError(f"unknown alert kinds {invalid}; expected one of {ALERT_KINDS} or None")
    return known


def demographic_counts(tallies: pd.DataFrame, attribute: str) -> pd.DataFrame:
    """Per group of `attribute`, sorted by name: alerts A_g and false alerts FA_g among the
    adjudicated ones, and unknown_kind, the alerts not adjudicated.
    """
    _check_attribute(attribute)
    require_columns(tallies, ("kind", attribute, "count"), "demographic_counts")
    kinds = _kinds(tallies["kind"])
    count = tallies["count"].astype("int64")
    frame = pd.DataFrame(
        {
            "group": [text_or_none(value) or UNKNOWN_GROUP for value in tallies[attribute]],
            "alerts": count.where(kinds.notna(), 0).to_numpy(),
            "false_alerts": count.where(kinds.isin(FALSE_KINDS), 0).to_numpy(),
            "rows": count.to_numpy(),
        }
    )
    counts = frame.groupby("group", sort=True).sum().reset_index()
    counts["unknown_kind"] = counts["rows"] - counts["alerts"]
    return counts[list(COUNT_COLUMNS)]


def _default_reference(counts: pd.DataFrame) -> str:
    # The largest group gives the most stable denominator; "unknown" is no one's reference
    # unless it is all there is. Ties go to the alphabetically first group, for repeatability.
    known = counts[counts["group"] != UNKNOWN_GROUP]
    candidates = known if not known.empty else counts
    ranked = candidates.sort_values(["alerts", "group"], ascending=[False, True])
    return str(ranked["group"].iloc[0])


def _group_figures(
    row: Any, reference: str, base: pd.Series, method: str, faces_by_group: Mapping | None
) -> dict[str, Any]:
    group: dict[str, Any] = {
        "group": row.group,
        "alerts": int(row.alerts),
        "false_alerts": int(row.false_alerts),
        "unknown_kind": int(row.unknown_kind),
        "is_reference": row.group == reference,
        "false_alert_share_of_alerts": checked_rate(row.false_alerts, row.alerts, method),
        "rate_ratio": None
        if row.group == reference
        else rate_ratio(row.false_alerts, row.alerts, base.false_alerts, base.alerts),
    }
    if faces_by_group is not None:
        faces = faces_by_group.get(row.group)
        group["false_alert_rate_per_face"] = (
            None if faces is None else checked_rate(row.false_alerts, faces, method)
        )
    return group


def differential_from_counts(
    counts: pd.DataFrame,
    attribute: str,
    reference: str | None = None,
    method: str = IntervalMethod.WILSON,
    faces_by_group: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The figures from `demographic_counts`: per group, false_alert_share_of_alerts
    FA_g / A_g as a rate and its rate_ratio to the reference group.

    `faces_by_group`, where the crowd's composition has been estimated, adds the per-face rate
    FA_g / F_g. Groups are sorted by name with "unknown" last.
    """
    require_columns(counts, COUNT_COLUMNS, "differential_from_counts")
    if counts.empty:
        return {"attribute": attribute, "reference": reference, "groups": [], "unknown_kind": 0}
    if reference is None:
        reference = _default_reference(counts)
    elif reference not in set(counts["group"]):
        raise ValueError(f"reference group {reference!r} has no alerts for {attribute}")
    base = counts.set_index("group").loc[reference]
    assert isinstance(base, pd.Series)  # one row per group: a row, never a frame
    ordered = counts.assign(_last=counts["group"] == UNKNOWN_GROUP).sort_values(["_last", "group"])
    return {
        "attribute": attribute,
        "reference": reference,
        "groups": [
            _group_figures(row, reference, base, method, faces_by_group)
            for row in ordered.itertuples(index=False)
        ],
        "unknown_kind": int(counts["unknown_kind"].sum()),
    }


def demographic_differential(
    alerts: pd.DataFrame,
    attribute: str,
    reference: str | None = None,
    method: str = IntervalMethod.WILSON,
    faces_by_group: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Per group g of `attribute`, from one row per alert: alerts A_g and false alerts FA_g
    (adjudicated alerts only), false_alert_share_of_alerts FA_g / A_g as a rate, and rate_ratio
    to the reference group (see `differential_from_counts`).
    """
    _check_attribute(attribute)
    require_columns(alerts, ("kind", attribute), "demographic_differential")
    counts = demographic_counts(tally_alerts(alerts, [attribute]), attribute)
    return differential_from_counts(counts, attribute, reference, method, faces_by_group)
