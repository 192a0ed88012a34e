"""Data-quality checks on a deployment frame: flag, never silently fix (domain reference, s. 4).

Each finding is {"record", "check", "message"}; the message names the record, the field and the
figures so that a reader can verify it against the source document without this tool.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
)
from typing import Any

import numpy as np
import pandas as pd

from audits.metrics._frame import dates, known_bool, numeric, text_or_none
from audits.metrics.columns import require_columns
from audits.metrics.deployments import SPLIT_COLUMNS, derive_counts
from audits.metrics.record import alert_rows_differences

CHECKS = (
    "alerts_do_not_add_up",
    "true_alerts_do_not_add_up",
    "outcomes_above_alerts",
    "engagements_above_alerts",
    "faces_seen_below_alerts",
    "published_rate_mismatch",
    "end_before_start",
    "watchlist_size_outlier",
    "faces_seen_revised",
    "alert_rows_differ",
)
# Defects found in a published table as a whole when it was imported (the table, not one
# row's own figures, shows them), kept with the record it names (`published_flags`).
TABLE_CHECKS = (
    "date_out_of_sequence",
    "threshold_out_of_sequence",
    "identical_columns",
    "approximate_figure",
    "aggregate_row",
    "changed_between_editions",
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
    "engagements",
    "arrests",
    "other_disposals",
    "no_action",
)


SUMS_CHECKED = ("alerts", "true_alerts", "false_alerts")


def _finding(record: Any, check: str, message: str) -> dict[str, str]:
    return {"record": str(record), "check": check, "message": message}


def _alerts_do_not_add_up(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    """Alerts against true + false alerts: when all three are known they must be equal; when
    only one part is known it must not already exceed the total."""
    derived = derive_counts(frame)
    total, true, false = (derived[column].to_numpy() for column in SUMS_CHECKED)
    all_known = ~np.isnan(total) & ~np.isnan(true) & ~np.isnan(false)
    one_part = ~np.isnan(total) & (np.isnan(true) != np.isnan(false))
    known_part = np.where(np.isnan(true), false, true)
    with np.errstate(invalid="ignore"):
        flagged = (all_known & (total != true + false)) | (one_part & (known_part > total))
    for i in np.flatnonzero(flagged):
        record = frame["record"].iloc[i]
        if all_known[i]:
            yield _finding(
                record,
                "alerts_do_not_add_up",
                f"{record}: alerts is {total[i]:.0f} but true alerts ({true[i]:.0f}) + false "
                f"alerts ({false[i]:.0f}) = {true[i] + false[i]:.0f}",
            )
        else:
            part = "true" if np.isnan(false[i]) else "false"
            yield _finding(
                record,
                "alerts_do_not_add_up",
                f"{record}: alerts is {total[i]:.0f} but {part} alerts alone are "
                f"{known_part[i]:.0f} (the other part is not published)",
            )


def _true_alerts_do_not_add_up(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    """A published true-alert total against its confirmed and unconfirmed split."""
    total = numeric(frame, "true_total").to_numpy()
    parts = np.column_stack(
        [numeric(frame, "true_confirmed").to_numpy(), numeric(frame, "true_unconfirmed")]
    )
    known = (~np.isnan(parts)).sum(axis=1)
    split = np.nansum(parts, axis=1)
    with np.errstate(invalid="ignore"):
        flagged = ~np.isnan(total) & (
            ((known == 2) & (split != total)) | ((known == 1) & (split > total))
        )
    for i in np.flatnonzero(flagged):
        record = frame["record"].iloc[i]
        yield _finding(
            record,
            "true_alerts_do_not_add_up",
            f"{record}: true alerts in total is {total[i]:.0f} but confirmed + unconfirmed "
            f"= {split[i]:.0f}",
        )


def _above_alerts(
    frame: pd.DataFrame, check: str, parts: Sequence[str], what: str
) -> Iterator[dict[str, str]]:
    """A sum of known figures about alerts (outcomes, engagements) that exceeds the alerts."""
    alerts = derive_counts(frame)["alerts"].to_numpy()
    values = np.column_stack([numeric(frame, column).to_numpy() for column in parts])
    any_known = (~np.isnan(values)).any(axis=1)
    summed = np.nansum(values, axis=1)
    with np.errstate(invalid="ignore"):
        flagged = any_known & ~np.isnan(alerts) & (summed > alerts)
    for i in np.flatnonzero(flagged):
        record = frame["record"].iloc[i]
        shown = " + ".join(
            f"{name.replace('_', ' ')} {value:.0f}"
            for name, value in zip(parts, values[i], strict=True)
            if not np.isnan(value)
        )
        yield _finding(
            record,
            check,
            f"{record}: {what} ({shown} = {summed[i]:.0f}) are more than its {_alerts(alerts[i])}",
        )


def _alerts(count: float) -> str:
    return f"{count:.0f} alert" + ("" if count == 1 else "s")


def _faces_seen_below_alerts(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    alerts = derive_counts(frame)["alerts"].to_numpy()
    faces = numeric(frame, "faces_seen").to_numpy()
    with np.errstate(invalid="ignore"):
        flagged = ~np.isnan(alerts) & ~np.isnan(faces) & (faces < alerts)
    for i in np.flatnonzero(flagged):
        record = frame["record"].iloc[i]
        yield _finding(
            record,
            "faces_seen_below_alerts",
            f"{record}: faces seen is {faces[i]:,.0f}, fewer than its {_alerts(alerts[i])} "
            "(every alert is a face seen)",
        )


@dataclass(frozen=True)
class PublishedRate:
    """A rate as a force printed it: a percentage ("0.008%"), a fraction ("0.0008") or
    "1 in 2,251"."""

    form: str  # "percent", "fraction" or "one_in"
    value: Decimal  # as printed: 0.008 for "0.008%", 2251 for "1 in 2,251"

    @property
    def places(self) -> int:
        exponent = self.value.as_tuple().exponent
        assert isinstance(exponent, int)  # finite (published_rate)
        return max(0, -exponent)


_ONE_IN = re.compile(r"1\s+in\s+(\d{1,3}(?:,\d{3})+|\d+)", re.IGNORECASE | re.ASCII)
_DECIMAL = re.compile(r"\d+(?:\.\d+)?|\.\d+", re.ASCII)


def published_rate(published: Any) -> PublishedRate | None:
    """'0.01%' -> percent 0.01; '0.0008' -> fraction; '1 in 2,251' -> one in 2251; None for
    'N/A', blanks and anything else."""
    text = text_or_none(published)
    if text is None:
        return None
    text = " ".join(text.split())
    if match := _ONE_IN.fullmatch(text):
        return PublishedRate("one_in", Decimal(match[1].replace(",", "")))
    form = "percent" if text.endswith("%") else "fraction"
    number = text[:-1].strip() if form == "percent" else text
    if not _DECIMAL.fullmatch(number):
        return None
    return PublishedRate(form, Decimal(number))


def parse_published_percentage(published: Any) -> Decimal | None:
    """'0.01%' -> Decimal('0.01'); None for 'N/A', blanks and anything not a percentage."""
    rate = published_rate(published)
    return rate.value if rate is not None and rate.form == "percent" else None


def rate_as_printed(rate: PublishedRate, events: int, base: int) -> bool:
    """Whether the printed rate is what a force would print for events / base: the exact
    figure truncated or rounded to the places it printed ("0.08%" for 0.0814%, and "0.09%",
    are; "0.01%" for 1 / 3,940 = 0.025% is not). "1 in N" is N = base / events, whole,
    truncated or rounded either way."""
    if rate.form == "one_in":
        if events == 0:
            return False
        exact = Decimal(base) / Decimal(events)
        return rate.value in {
            exact.to_integral_value(rounding=mode) for mode in (ROUND_FLOOR, ROUND_HALF_UP)
        } | {exact.to_integral_value(rounding=ROUND_CEILING)}
    scale = Decimal(100) if rate.form == "percent" else Decimal(1)
    exact = Decimal(events) * scale / Decimal(base)
    unit = Decimal(1).scaleb(-rate.places)
    return rate.value in {
        exact.quantize(unit, rounding=mode) for mode in (ROUND_DOWN, ROUND_HALF_UP, ROUND_HALF_EVEN)
    }


def _published_rate_mismatch(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    derived = derive_counts(frame)
    false_alerts = derived["false_alerts"].to_numpy()
    faces_seen = numeric(frame, "faces_seen").to_numpy()
    alerts = derived["alerts"].to_numpy()
    per_alert = (
        (frame["rate_of"] == "alerts").to_numpy()
        if "rate_of" in frame.columns
        else np.zeros(len(frame), dtype=bool)
    )
    base = np.where(per_alert, alerts, faces_seen)
    published = frame["published_false_alert_rate"]
    # Only rows with a published figure and the counts to check it against are parsed.
    with np.errstate(invalid="ignore"):
        checkable = published.notna().to_numpy() & ~np.isnan(false_alerts) & (base > 0)
    for i in np.flatnonzero(checkable):
        finding = _rate_mismatch(
            frame["record"].iloc[i],
            published.iloc[i],
            int(false_alerts[i]),
            int(base[i]),
            "alerts" if per_alert[i] else "faces seen",
        )
        if finding is not None:
            yield finding


def _rate_mismatch(
    record: Any, as_published: Any, false_alerts: int, base: int, of: str
) -> dict[str, str] | None:
    rate = published_rate(as_published)
    if rate is None or rate_as_printed(rate, false_alerts, base):
        return None
    exact = Decimal(false_alerts) / Decimal(base)
    shown = f"{exact * 100:.3g}%"
    if rate.form == "one_in":
        shown = f"1 in {base / false_alerts:,.1f}" if false_alerts else "none (no false alert)"
    elif rate.form == "fraction":
        shown = f"{exact:.3g}"
    return _finding(
        record,
        "published_rate_mismatch",
        f"{record}: published_false_alert_rate is {as_published} but false alerts / {of} = "
        f"{false_alerts} / {base:,} = {shown}, which is {as_published} neither truncated nor "
        f"rounded to the places printed",
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


# The columns of a deployment's alert rows (reporting.selectors counts them): how many, and how
# many adjudicated true and false.
ALERT_ROW_COLUMNS = {
    "alerts": "alert_rows",
    "true_alerts": "alert_rows_true",
    "false_alerts": "alert_rows_false",
}


def _alert_rows_differ(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    """A deployment whose recorded totals differ from its alert rows: the totals feed the
    summary and the rows the demographic tables, so the report must say where they part."""
    if "alert_rows" not in frame.columns:
        return
    derived = derive_counts(frame)
    rows = {name: numeric(frame, column).fillna(0) for name, column in ALERT_ROW_COLUMNS.items()}
    recorded = {name: derived[name] for name in ALERT_ROW_COLUMNS}
    differs = np.zeros(len(frame), dtype=bool)
    for name in ALERT_ROW_COLUMNS:
        differs |= (recorded[name] != rows[name]).to_numpy()  # NaN (unknown) differs too
    differs &= (rows["alerts"] > 0).to_numpy()
    for i in np.flatnonzero(differs):
        record = frame["record"].iloc[i]
        found = alert_rows_differences(
            {name: _count_or_none(recorded[name].iloc[i]) for name in ALERT_ROW_COLUMNS},
            {name: int(rows[name].iloc[i]) for name in ALERT_ROW_COLUMNS},
        )
        yield _finding(
            record,
            "alert_rows_differ",
            f"{record}: the recorded totals differ from its alert rows: {'; '.join(found)}",
        )


def _count_or_none(value: float) -> int | None:
    return None if pd.isna(value) else int(value)


def data_quality_checks(frame: pd.DataFrame) -> list[dict[str, str]]:
    """All findings, grouped by check in the order of CHECKS, rows in frame order.

    start/end, faces_seen_revised and the alert row counts (ALERT_ROW_COLUMNS) are optional
    columns: their checks run only when present.
    """
    require_columns(frame, REQUIRED_COLUMNS, "data_quality_checks")
    return [
        *_alerts_do_not_add_up(frame),
        *_true_alerts_do_not_add_up(frame),
        *_above_alerts(
            frame,
            "outcomes_above_alerts",
            ("arrests", "other_disposals", "no_action"),
            "its outcomes",
        ),
        *_above_alerts(frame, "engagements_above_alerts", ("engagements",), "its engagements"),
        *_faces_seen_below_alerts(frame),
        *_published_rate_mismatch(frame),
        *_end_before_start(frame),
        *_watchlist_size_outliers(frame),
        *_faces_seen_revised(frame),
        *_alert_rows_differ(frame),
        *_published_flags(frame),
    ]


def _published_flags(frame: pd.DataFrame) -> Iterator[dict[str, str]]:
    """The defects found in a record's published table when it was imported (TABLE_CHECKS)."""
    if "published_flags" not in frame.columns:
        return
    for record, flags in zip(frame["record"], frame["published_flags"], strict=True):
        for flag in flags or ():
            # a defect of a table as a whole is named by the table ("table": its title)
            named = flag.get("table") or record
            yield _finding(named, flag["check"], f"{named}: {flag['message']}")
