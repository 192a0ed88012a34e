"""Timeliness: was each step taken in time? Authorisation before the start, the post-deployment
review within the force's policy days, biometric data deleted by its deadline, urgent oral
authority confirmed in writing within the limit.

Deadlines that have not passed yet cannot be judged. Pass `as_of` (the moment of the report):
a step not yet done whose deadline is after `as_of` is "pending" and left out of the rate.
Without `as_of`, every deadline counts as passed, so a step not done is late.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from audits.metrics._frame import checked_rate, dates, known_bool, numeric
from audits.metrics.columns import require_columns
from audits.metrics.intervals import IntervalMethod

HOUR = pd.Timedelta(hours=1)


def _on_time(
    records: pd.Series, done: pd.Series, due: pd.Series, as_of: datetime | None, method: str
) -> dict[str, Any]:
    has_deadline = due.notna()
    on_time = has_deadline & done.notna() & (done <= due)
    pending = pd.Series(False, index=due.index)
    if as_of is not None:
        pending = has_deadline & done.isna() & (due >= pd.Timestamp(as_of))
    judged = has_deadline & ~pending
    late = judged & ~on_time
    return {
        "on_time": checked_rate(int(on_time.sum()), int(judged.sum()), method),
        "pending": int(pending.sum()),
        "no_deadline": int((~has_deadline).sum()),
        "late": [str(record) for record in records[late]],
    }


def authorisation_lead_times(frame: pd.DataFrame) -> dict[str, Any]:
    """Hours from authorisation to start, over deployments with both known. A negative lead
    time (authorised after the start) is listed by record: it is a finding, not a statistic.
    """
    require_columns(frame, ("record", "authorised_at", "start"), "authorisation_lead_times")
    hours = (dates(frame, "start") - dates(frame, "authorised_at")) / HOUR
    known = hours.dropna()
    return {
        "known": len(known),
        "unknown": int(hours.isna().sum()),
        "min_hours": float(known.min()) if len(known) else None,
        "median_hours": float(known.median()) if len(known) else None,
        "max_hours": float(known.max()) if len(known) else None,
        "authorised_after_start": [str(record) for record in frame.loc[hours < 0, "record"]],
    }


def reviews_within_policy(
    frame: pd.DataFrame, as_of: datetime | None = None, method: str = IntervalMethod.WILSON
) -> dict[str, Any]:
    """Share of deployments reviewed within review_due_days of their end."""
    require_columns(
        frame, ("record", "end", "review_due_days", "reviewed_at"), "reviews_within_policy"
    )
    due = dates(frame, "end") + pd.to_timedelta(numeric(frame, "review_due_days"), unit="D")
    return _on_time(frame["record"], dates(frame, "reviewed_at"), due, as_of, method)


def deletions_on_time(
    frame: pd.DataFrame, as_of: datetime | None = None, method: str = IntervalMethod.WILSON
) -> dict[str, Any]:
    """Share of deployments whose biometric data was deleted by deletion_due_at."""
    require_columns(frame, ("record", "deletion_due_at", "deleted_at"), "deletions_on_time")
    return _on_time(
        frame["record"], dates(frame, "deleted_at"), dates(frame, "deletion_due_at"), as_of, method
    )


def urgent_authority_confirmed(
    frame: pd.DataFrame,
    limit_hours: float,
    as_of: datetime | None = None,
    method: str = IntervalMethod.WILSON,
) -> dict[str, Any]:
    """Among urgent (oral) authorisations, the share confirmed in writing within `limit_hours`
    of authorised_at. The limit is force policy, so it is a parameter, not a constant.
    """
    require_columns(
        frame, ("record", "urgent", "authorised_at", "urgent_confirmed_at"), "urgent_authority"
    )
    _, urgent = known_bool(frame["urgent"])
    rows = frame[urgent.to_numpy()]
    due = dates(rows, "authorised_at") + pd.Timedelta(hours=limit_hours)
    return _on_time(rows["record"], dates(rows, "urgent_confirmed_at"), due, as_of, method)


def timeliness_summary(
    frame: pd.DataFrame,
    *,
    urgent_limit_hours: float,
    as_of: datetime | None = None,
    method: str = IntervalMethod.WILSON,
) -> dict[str, Any]:
    """All four timeliness figures for a frame holding every TIMELINESS_COLUMNS column."""
    return {
        "authorisation_lead_time": authorisation_lead_times(frame),
        "review_within_policy": reviews_within_policy(frame, as_of, method),
        "deletion_on_time": deletions_on_time(frame, as_of, method),
        "urgent_authority_confirmed": urgent_authority_confirmed(
            frame, urgent_limit_hours, as_of, method
        ),
    }
