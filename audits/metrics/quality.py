"""Data-quality checks on a deployment frame: flag, never silently fix (domain reference, s. 4).

Each finding is {"record", "check", "message"}; the message names the record, the field and the
figures so that a reader can verify it against the source document without this tool.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from audits.metrics._frame import dates, known_bool, numeric, text_or_none
from audits.metrics.columns import require_columns
from audits.metrics.deployments import SPLIT_COLUMNS, derive_counts

CHECKS = (
    "alerts_do_not_add_up",
    "published_rate_mismatch",
    "end_before_start",
    "watchlist_size_outlier",
    "faces_seen_revised",
)

# Watchlist outlier rule, per force and calendar year. A size is an outlier when its distance
# from the median exceeds BOTH 3 scaled MADs (1.4826 x MAD estimates a standard deviation) AND
# 25% of the median. The relative floor stops ordinary growth from being flagged (the Met's list
# grew from about 9,700 to 12,400 images during 2023) and stops a zero MAD, when most sizes are
# equal, from flagging every small difference.
MAD_SCALE = 1.4826
MAD_MULTIPLIER = 3.0
MIN_RELATIVE_DEVIATION = 0.25
MIN_DEPLOYMENTS_JUDGED = 5


REQUIRED_COLUMNS = (
    "record",
    "force",
    "date",
    "faces_seen",
    "watchlist_size",
    "published_false_alert_rate",
    *SPLIT_COLUMNS,
)


SUMS_CHECKED = ("alerts", "true_alerts", "false_alerts")


def _finding(record: Any, check: str, message: str) -> dict[str, str]:
    return {"record": str(record), "check": check, "message": message}


def _alerts_do_not_add_up(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    derived = derive_counts(frame)
    known = derived[list(SUMS_CHECKED)].notna().all(axis=1)
    rows = derived.loc[known, ["record", *SUMS_CHECKED]]
    # Whole counts, as int() reads them; the loop only visits the rows that are flagged.
    total, true, false = (rows[column].astype("int64") for column in SUMS_CHECKED)
    flagged = total != true + false
    for record, total_, true_, false_ in zip(
        rows.loc[flagged, "record"], total[flagged], true[flagged], false[flagged], strict=True
    ):
        yield _finding(
            record,
            "alerts_do_not_add_up",
            f"{record}: alerts is {total_} but true alerts ({true_}) + false alerts "
            f"({false_}) = {true_ + false_}",
        )


def parse_published_percentage(published: Any) -> Decimal | None:
    """'0.01%' -> Decimal('0.01'); None for 'N/A', blanks and anything not a percentage."""
    text = text_or_none(published)
    if text is None or not text.endswith("%"):
        return None
    try:
        value = Decimal(text[:-1].strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _published_rate_mismatch(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    false_alerts = derive_counts(frame)["false_alerts"].to_numpy()
    faces_seen = numeric(frame, "faces_seen").to_numpy()
    published = frame["published_false_alert_rate"]
    # Only rows with a published figure and the counts to check it against are parsed.
    checkable = published.notna().to_numpy() & ~np.isnan(false_alerts) & (faces_seen > 0)
    rows = zip(
        frame["record"][checkable],
        published[checkable],
        false_alerts[checkable],
        faces_seen[checkable],
        strict=True,
    )
    for record, as_published, false, faces in rows:
        finding = _rate_mismatch(record, as_published, int(false), int(faces))
        if finding is not None:
            yield finding


def _rate_mismatch(
    record: Any, as_published: Any, false_alerts: int, faces_seen: int
) -> dict[str, str] | None:
    published = parse_published_percentage(as_published)
    if published is None:
        return None
    # The force truncates or rounds to the decimals it prints, so only a difference of one
    # unit of the last printed decimal place or more is a real mismatch ("0.08%" for 0.0814%
    # is fine; "0.01%" for 0.0254% is not).
    exponent = published.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite Decimal's (parse_published_percentage)
    unit = Decimal(1).scaleb(exponent)
    recomputed = Decimal(false_alerts) * 100 / Decimal(faces_seen)
    if abs(published - recomputed) < unit:
        return None
    return _finding(
        record,
        "published_rate_mismatch",
        f"{record}: published_false_alert_rate is {as_published} "
        f"but false alerts / faces seen = {false_alerts} / {faces_seen:,} = "
        f"{recomputed:.3g}%: they differ by {abs(published - recomputed):.2g} "
        f"percentage points, at least one unit ({unit}) of the last published decimal",
    )


def _end_before_start(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    if "start" not in frame.columns or "end" not in frame.columns:
        return
    start, end = dates(frame, "start"), dates(frame, "end")
    flagged = (start.notna() & end.notna() & (end < start)).to_numpy()
    for record, began, ended in zip(
        frame["record"][flagged], start[flagged], end[flagged], strict=True
    ):
        yield _finding(record, "end_before_start", f"{record}: end {ended} is before start {began}")


def _watchlist_size_outliers(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    sizes = pd.DataFrame(
        {
            "record": frame["record"],
            "force": frame["force"],
            "_size": numeric(frame, "watchlist_size"),
            "_year": dates(frame, "date").dt.year,
        }
    ).dropna(subset=["_size", "_year"])
    for (force, year), group in sizes.groupby(["force", "_year"], sort=True):
        if len(group) < MIN_DEPLOYMENTS_JUDGED:
            continue
        # pandas-stubs type a group key as any hashable; `_year` is a number.
        calendar_year = int(year)  # type: ignore[call-overload]
        median = float(group["_size"].median())
        mad = float((group["_size"] - median).abs().median())
        allowed = max(MAD_MULTIPLIER * MAD_SCALE * mad, MIN_RELATIVE_DEVIATION * median)
        flagged = (group["_size"] - median).abs() > allowed
        for record, size in zip(
            group.loc[flagged, "record"], group.loc[flagged, "_size"], strict=True
        ):
            yield _finding(
                record,
                "watchlist_size_outlier",
                f"{record}: watchlist_size {size:,.0f} is {abs(size - median):,.0f} from the "
                f"{force} {calendar_year} median of {median:,.0f} (allowed {allowed:,.0f}: the "
                f"larger of 3 scaled MADs and 25% of the median, over {len(group)} "
                "deployments)",
            )


def _faces_seen_revised(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    if "faces_seen_revised" not in frame.columns:
        return
    _, revised = known_bool(frame["faces_seen_revised"])
    flagged = revised.to_numpy()
    faces_seen = numeric(frame, "faces_seen")[flagged]
    for record, faces in zip(frame["record"][flagged], faces_seen, strict=True):
        shown = "unknown" if pd.isna(faces) else f"{faces:,.0f}"
        yield _finding(
            record,
            "faces_seen_revised",
            f"{record}: faces_seen was revised after publication (current value {shown}); "
            "every published value should be kept",
        )


def data_quality_checks(frame: pd.DataFrame) -> list[dict[str, str]]:
    """All findings, grouped by check in the order of CHECKS, rows in frame order.

    start/end and faces_seen_revised are optional columns: their checks run only when present.
    """
    require_columns(frame, REQUIRED_COLUMNS, "data_quality_checks")
    return [
        *_alerts_do_not_add_up(frame),
        *_published_rate_mismatch(frame),
        *_end_before_start(frame),
        *_watchlist_size_outliers(frame),
        *_faces_seen_revised(frame),
    ]
