"""Parsers for single cells of a published deployment grid.

Each parser takes the cell text exactly as read (everything is read as a string so that nothing
is coerced on the way in) and returns a typed value, or None when the cell says the figure is
unknown. A cell that cannot be read raises ValueError whose message is the reason shown to the
person fixing the file, e.g. "'abc' is not a number".

Unknown is never zero: forces leave cells blank or write "N/A" when they did not publish a figure,
and a blank must not turn into a published zero in the register.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

UNKNOWN_MARKERS = frozenset({"", "n/a", "na"})

# Whole numbers with or without thousands separators ("12120", "12,120"), optionally followed by
# a fractional part so that "3.5" can be told apart from text and reported as "not whole".
# re.ASCII everywhere: \d alone also matches Arabic-Indic and other digits, which int() reads.
_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?", re.ASCII
)

# The Met's grids write durations as "8h 22m", "8h22m", "5h03m", "8h0m", "5h40" (no "m") and
# "0h33m"; "45m" and "2h" are accepted for grids that drop the zero part.
_HOURS_MINUTES = re.compile(
    r"(?P<hours>\d+)\s*h(?:\s*(?P<minutes>\d{1,2})\s*m?)?", re.IGNORECASE | re.ASCII
)
_MINUTES_ONLY = re.compile(r"(?P<minutes>\d+)\s*m", re.IGNORECASE | re.ASCII)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Spreadsheet date cells come back from pandas as "2023-12-07 00:00:00".
_ISO_DATE_AT_MIDNIGHT = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})[T ]00:00(?::00)?", re.ASCII)
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", re.ASCII)


def is_unknown(text: str) -> bool:
    """True when the cell says the figure was not published: empty, whitespace, N/A or NA."""
    return text.strip().casefold() in UNKNOWN_MARKERS


def parse_count(text: str) -> int | None:
    """A count of people, faces or alerts: a whole number >= 0, thousands separators allowed."""
    if is_unknown(text):
        return None
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a number")
    value = Decimal(match["digits"].replace(",", "") + (match["fraction"] or ""))
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    if match["sign"] == "-" and value != 0:
        raise ValueError(f"{text!r} is negative")
    return int(value)


def parse_threshold(text: str) -> Decimal | None:
    """A similarity threshold between 0 and 1 inclusive, kept as a Decimal so "0.6" stays 0.6."""
    if is_unknown(text):
        return None
    if not text.isascii():  # Decimal also reads Arabic-Indic and other digits
        raise ValueError(f"{text!r} is not a number")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    # Decimal reads "NaN" and "Infinity", which are not thresholds.
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"{text!r} is outside 0..1")
    return value


def parse_duration(text: str) -> dt.timedelta | None:
    """A deployment length as the grids publish it: "8h 22m", "5h40", "45m", "2h"."""
    if is_unknown(text):
        return None
    cleaned = text.strip()
    if match := _HOURS_MINUTES.fullmatch(cleaned):
        minutes = int(match["minutes"] or 0)
        if minutes >= 60:
            raise ValueError(f"{text!r} has {minutes} minutes past the hour")
        return dt.timedelta(hours=int(match["hours"]), minutes=minutes)
    if match := _MINUTES_ONLY.fullmatch(cleaned):
        return dt.timedelta(minutes=int(match["minutes"]))
    raise ValueError(f"{text!r} is not a duration like '8h 22m', '5h40', '45m' or '2h'")


def parse_date(text: str) -> dt.date:
    """A required ISO date (YYYY-MM-DD).

    Only ISO is accepted: "07/12/2023" is 7 December in the UK and 12 July in the US, and a
    register must not guess. A midnight timestamp is accepted because that is how a date cell in
    a spreadsheet reads once loaded as text.
    """
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("a date is required")
    if match := _ISO_DATE_AT_MIDNIGHT.fullmatch(cleaned):
        cleaned = match["date"]
    if not _ISO_DATE.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def parse_datetime(text: str) -> dt.datetime | None:
    """An optional ISO date and time ("2023-12-07T10:30", with or without an offset).

    A bare date is refused: a start or end without a time says nothing a date column does not.
    """
    if is_unknown(text):
        return None
    cleaned = text.strip()
    if not _ISO_DATETIME.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not an ISO date and time (YYYY-MM-DDTHH:MM)")
    try:
        return dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date and time") from None


def parse_page(text: str) -> int | None:
    """A page number in the source document, counted from 1."""
    page = parse_count(text)
    if page == 0:
        raise ValueError("page numbers start at 1")
    return page


def parse_published_text(text: str) -> str | None:
    """A figure kept as the force printed it (e.g. "0.01%"); N/A or blank means not published."""
    return None if is_unknown(text) else text.strip()


def parse_required_text(text: str) -> str:
    """An identifier that must be present (row id, force code); surrounding spaces are noise."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("a value is required")
    return cleaned
