"""Data-quality checks on a deployment frame: flag, never silently fix (domain reference, s. 4).

Each finding is {"record", "check", "message"}; the message names the record, the field and the
figures so that a reader can verify it against the source document without this tool.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from audits.metrics._frame import dates, is_unknown, numeric, text_or_none
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


def _finding(record: Any, check: str, message: str) -> dict[str, str]:
    return {"record": str(record), "check": check, "message": message}


def _alerts_do_not_add_up(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    derived = derive_counts(frame)
    known = derived[["alerts", "true_alerts", "false_alerts"]].notna().all(axis=1)
    for _, row in derived[known].iterrows():
        total, true, false = int(row.alerts), int(row.true_alerts), int(row.false_alerts)
        if total != true + false:
            yield _finding(
                row.record,
                "alerts_do_not_add_up",
                f"{row.record}: alerts is {total} but true alerts ({true}) + false alerts "
                f"({false}) = {true + false}",
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
    rows = zip(
        frame["record"],
        frame["published_false_alert_rate"],
        derive_counts(frame)["false_alerts"],
        numeric(frame, "faces_seen"),
        strict=True,
    )
    for record, as_published, false_alerts, faces_seen in rows:
        published = parse_published_percentage(as_published)
        if published is None or pd.isna(false_alerts) or pd.isna(faces_seen) or faces_seen <= 0:
            continue
        # The force truncates or rounds to the decimals it prints, so only a difference of one
        # unit of the last printed decimal place or more is a real mismatch ("0.08%" for 0.0814%
        # is fine; "0.01%" for 0.0254% is not).
        unit = Decimal(1).scaleb(published.as_tuple().exponent)
        recomputed = Decimal(int(false_alerts)) * 100 / Decimal(int(faces_seen))
        if abs(published - recomputed) >= unit:
            yield _finding(
                record,
                "published_rate_mismatch",
                f"{record}: published_false_alert_rate is {as_published} "
                f"but false alerts / faces seen = {int(false_alerts)} / {int(faces_seen):,} = "
                f"{recomputed:.3g}%: they differ by {abs(published - recomputed):.2g} "
                f"percentage points, at least one unit ({unit}) of the last published decimal",
            )


def _end_before_start(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    if "start" not in frame.columns or "end" not in frame.columns:
        return
    start, end = dates(frame, "start"), dates(frame, "end")
    for record, began, ended in zip(frame["record"], start, end, strict=True):
        if pd.notna(began) and pd.notna(ended) and ended < began:
            yield _finding(
                record, "end_before_start", f"{record}: end {ended} is before start {began}"
            )


def _watchlist_size_outliers(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    sizes = frame.assign(
        _size=numeric(frame, "watchlist_size"), _year=dates(frame, "date").dt.year
    ).dropna(subset=["_size", "_year"])
    for (force, year), group in sizes.groupby(["force", "_year"], sort=True):
        if len(group) < MIN_DEPLOYMENTS_JUDGED:
            continue
        median = float(group["_size"].median())
        mad = float((group["_size"] - median).abs().median())
        allowed = max(MAD_MULTIPLIER * MAD_SCALE * mad, MIN_RELATIVE_DEVIATION * median)
        for record, size in zip(group["record"], group["_size"], strict=True):
            if abs(size - median) > allowed:
                yield _finding(
                    record,
                    "watchlist_size_outlier",
                    f"{record}: watchlist_size {size:,.0f} is {abs(size - median):,.0f} from the "
                    f"{force} {int(year)} median of {median:,.0f} (allowed {allowed:,.0f}: the "
                    f"larger of 3 scaled MADs and 25% of the median, over {len(group)} "
                    "deployments)",
                )


def _faces_seen_revised(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    if "faces_seen_revised" not in frame.columns:
        return
    for record, revised, faces in zip(
        frame["record"], frame["faces_seen_revised"], numeric(frame, "faces_seen"), strict=True
    ):
        if not is_unknown(revised) and bool(revised):
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
