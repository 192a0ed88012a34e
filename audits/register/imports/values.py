"""Readers for single cells of a published table, in every format section 6 of the domain
reference lists.

Each reader takes the cell's text exactly as printed (everything is read as text, so nothing is
coerced on the way in) and returns what it means, or None when the cell says the figure is
unknown. A cell that no format reads raises ValueError, its message the reason shown to the
person fixing the file ("'abc' is not a number"). What a reader cannot make exact it does not:
"just over 47,000" is 47,000 with its qualifier "just over", never 47,000 alone; a range of days
is its first and last day.

Unknown is never zero: forces leave cells blank or write "N/A", "-" or "nil" when they did not
publish a figure, and a blank must not turn into a published zero in the register.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

UNKNOWN_MARKERS = frozenset({"", "n/a", "na", "n.a.", "-", "\u2013", "\u2014", "nil"})

# Whole numbers with or without thousands separators ("12120", "12,120"), optionally followed by
# a fractional part so that "3.5" can be told apart from text and reported as "not whole".
# re.ASCII everywhere: \d alone also matches Arabic-Indic and other digits, which int() reads.
_NUMBER = r"(?P<sign>[+-]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
_EXACT = re.compile(_NUMBER, re.ASCII)
# "just over 47,000", "more than 35,000", "c. 15,600", "~15,600", "47,000+": the number, and
# the words that make it an approximation.
_QUALIFIERS = (
    "just over",
    "just under",
    "more than",
    "less than",
    "fewer than",
    "at least",
    "up to",
    "over",
    "under",
    "about",
    "around",
    "approximately",
    "approx.",
    "approx",
    "roughly",
    "nearly",
    "almost",
    "some",
    "circa",
    "c.",
    "~",
    "\u2248",
)
_APPROXIMATE = re.compile(
    r"(?P<qualifier>"
    + "|".join(re.escape(q) for q in _QUALIFIERS)
    + r")?\s*"
    + _NUMBER
    + r"\s*(?P<plus>\+)?",
    re.ASCII | re.IGNORECASE,
)


def is_unknown(text: str) -> bool:
    """True when the cell says the figure was not published: empty, N/A, -, nil."""
    return text.strip().casefold() in UNKNOWN_MARKERS


# Counts


@dataclass(frozen=True)
class Count:
    value: int
    qualifier: str = ""  # "" when exact; else the words printed ("just over", "more than")


def read_count(text: str) -> Count | None:
    """A count of people, faces or alerts, exact or approximate: a whole number >= 0."""
    if is_unknown(text):
        return None
    cleaned = " ".join(text.split())
    match = _APPROXIMATE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"{text!r} is not a number")
    value = Decimal(match["digits"].replace(",", "") + (match["fraction"] or ""))
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    if match["sign"] == "-" and value != 0:
        raise ValueError(f"{text!r} is negative")
    qualifier = (match["qualifier"] or "").casefold()
    if match["plus"]:
        qualifier = qualifier or "more than"
    return Count(int(value), qualifier)


def parse_count(text: str) -> int | None:
    """An exact count: an approximation is refused here (a page number, say)."""
    count = read_count(text)
    if count is not None and count.qualifier:
        raise ValueError(f"{text!r} is not an exact number")
    return None if count is None else count.value


# Thresholds


def parse_threshold(text: str) -> Decimal | None:
    """A similarity threshold between 0 and 1 inclusive, kept as a Decimal so "0.6" stays 0.6;
    "60%" is 0.60."""
    if is_unknown(text):
        return None
    cleaned = text.strip()
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1].strip()
    if not cleaned.isascii():  # Decimal also reads Arabic-Indic and other digits
        raise ValueError(f"{text!r} is not a number")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    # Decimal reads "NaN" and "Infinity", which are not thresholds.
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    if percent:
        if value < 1:
            raise ValueError(
                f"{text!r} would be a threshold of {value.scaleb(-2)}: a threshold printed as a "
                "percentage is 1% to 100% ('60%'); a score is printed without one ('0.6')"
            )
        value = value.scaleb(-2)
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"{text!r} is outside 0..1")
    return value


# Durations and time windows

_H = r"(?:h|hr|hrs|hour|hours)\.?"
_M = r"(?:m|min|mins|minute|minutes)\.?"
_HOURS_MINUTES = re.compile(
    rf"(?P<hours>\d+)\s*{_H}(?:\s*(?P<minutes>\d{{1,2}})\s*(?:{_M})?)?", re.IGNORECASE | re.ASCII
)
_MINUTES_ONLY = re.compile(rf"(?P<minutes>\d+)\s*{_M}", re.IGNORECASE | re.ASCII)
# "04:47", and a spreadsheet's time or duration cell ("4:47:00", "0:33:00").
_CLOCK_SPAN = re.compile(r"(?P<hours>\d{1,2}):(?P<minutes>\d{2})(?::(?P<seconds>\d{2}))?", re.ASCII)
# A time of day: "11:20", "1120" (four digits), "10am", "4.30pm", "10:30 am".
_TIME = r"(?P<{0}h>\d{{1,2}})(?:[:.](?P<{0}m>\d{{2}})|(?P<{0}m4>\d{{2}}))?\s*(?P<{0}p>am|pm)?"
_WINDOW = re.compile(
    _TIME.format("a") + r"\s*(?:-|\u2013|to)\s*" + _TIME.format("b"), re.IGNORECASE | re.ASCII
)


@dataclass(frozen=True)
class Span:
    """How long a deployment lasted, and the window of the day if one was printed instead."""

    duration: dt.timedelta
    starts: dt.time | None = None
    ends: dt.time | None = None


def read_duration(text: str) -> Span | None:
    """A deployment's length as forces print it: "8h 22m", "5h40", "4hr 47m", "4 hrs 47 mins",
    "6 hours", "45m", "04:47", a spreadsheet time cell; or a window of the day instead:
    "11:20-14:50", "10am-4pm" (a window past midnight ends the next day)."""
    if is_unknown(text):
        return None
    cleaned = " ".join(text.split())
    if match := _HOURS_MINUTES.fullmatch(cleaned):
        return Span(_hours_minutes(text, int(match["hours"]), int(match["minutes"] or 0)))
    if match := _MINUTES_ONLY.fullmatch(cleaned):
        return Span(dt.timedelta(minutes=int(match["minutes"])))
    if match := _CLOCK_SPAN.fullmatch(cleaned):
        span = _hours_minutes(text, int(match["hours"]), int(match["minutes"]))
        return Span(span + dt.timedelta(seconds=int(match["seconds"] or 0)))
    if match := _WINDOW.fullmatch(cleaned):
        starts, ends = _time_of_day(text, match, "a"), _time_of_day(text, match, "b")
        if starts == ends:
            raise ValueError(f"{text!r} starts and ends at the same time")
        begin = dt.datetime.combine(dt.date.min, starts)
        end = dt.datetime.combine(dt.date.min, ends)
        if end < begin:
            end += dt.timedelta(days=1)
        return Span(end - begin, starts, ends)
    raise ValueError(
        f"{text!r} is not a duration like '8h 22m', '5h40', '4 hrs 47 mins', '04:47' "
        "or a window like '11:20-14:50' or '10am-4pm'"
    )


def parse_duration(text: str) -> dt.timedelta | None:
    span = read_duration(text)
    return None if span is None else span.duration


def _hours_minutes(text: str, hours: int, minutes: int) -> dt.timedelta:
    if minutes >= 60:
        raise ValueError(f"{text!r} has {minutes} minutes past the hour")
    return dt.timedelta(hours=hours, minutes=minutes)


def _time_of_day(text: str, match: re.Match[str], side: str) -> dt.time:
    hour = int(match[f"{side}h"])
    minutes = match[f"{side}m"] or match[f"{side}m4"]
    minute = int(minutes or 0)
    meridiem = (match[f"{side}p"] or "").casefold()
    if minutes is None and not meridiem:
        # "9-5" is a window to the mind, but 9 to 5 past midnight to the clock: ask which.
        raise ValueError(
            f"{text!r}: {hour} is not a time of day; write minutes or am/pm "
            "('09:00-17:00', '9am-5pm')"
        )
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text!r}: {hour}{meridiem} is not a time")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r}: {hour}:{minute:02d} is not a time of day")
    return dt.time(hour, minute)


# Dates, ranges of dates and lists of dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?", re.ASCII)
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})", re.ASCII)
_WORDED_DATE = re.compile(
    _WEEKDAY + r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})",
    re.IGNORECASE | re.ASCII,
)
_MONTH_FIRST = re.compile(
    _WEEKDAY + r"(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})",
    re.IGNORECASE | re.ASCII,
)
# A spreadsheet date cell stored as its serial number (days since 1899-12-30).
_SERIAL = re.compile(r"\d{5}(?:\.0+)?", re.ASCII)
_SERIAL_RANGE = (20_000, 80_000)  # 1954 to 2119: a five-digit number in a date column
_DAY_OF_RANGE = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?P<month>[a-z]+)\.?)?", re.I)
_RANGE = re.compile(r"\s*(?:-|\u2013|\u2014|\bto\b|\buntil\b)\s*", re.IGNORECASE)
_LIST = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Days:
    """The day or days a published row covers."""

    first: dt.date
    last: dt.date
    listed: int = 1  # how many days were printed: two for "1 and 3 May 2024"

    @property
    def several(self) -> bool:
        return self.last != self.first or self.listed > 1


def read_date(text: str, order: str = "dmy") -> Days:
    """A required date as forces print it: 2024-08-22, 22/08/24, 22/08/2024, "22 August
    2024", "Thursday 22nd Aug 2024", a spreadsheet date or its serial number; a range
    ("22-23 August 2024", "30 August - 2 September 2024", "19/09/2024 - 22/09/2024") or a list
    ("1, 3 and 5 May 2024"). Dates of numbers alone read day first (the UK) unless `order` is
    "mdy"."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("a date is required")
    single = _one_date(cleaned, order)
    if single is not None:
        return Days(single, single)
    parts = _LIST.split(cleaned)
    if len(parts) > 1:
        days = _completed(text, parts, order, is_range=False)
        return Days(min(days), max(days), listed=len(set(days)))
    ends = _RANGE.split(cleaned)
    if len(ends) == 2:
        first, last = _completed(text, ends, order, is_range=True)
        if last <= first:
            raise ValueError(f"{text!r} ends before it starts")
        return Days(first, last)
    raise ValueError(
        f"{text!r} is not a date like 22/08/24, 22/08/2024, 2024-08-22 or 22 August 2024"
    )


def parse_date(text: str, order: str = "dmy") -> dt.date:
    """A required single date (read_date, refusing a range)."""
    days = read_date(text, order)
    if days.several:
        raise ValueError(f"{text!r} is more than one day")
    return days.first


def _one_date(text: str, order: str) -> dt.date | None:
    """The date, if `text` is one date; None if it is not one (perhaps a range); ValueError
    if it is one but not a day of the calendar, or not of a year the register can hold."""
    day = _calendar_date(text, order)
    if day is not None and day.year not in _YEARS:
        raise ValueError(
            f"{text!r} is dated {day.year}: a deployment is dated {_YEARS[0]} to {_YEARS[-1]}"
        )
    return day


def _calendar_date(text: str, order: str) -> dt.date | None:
    try:
        if match := _ISO_DATE.fullmatch(text):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC_DATE.fullmatch(text):
            first, second, year = int(match[1]), int(match[2]), _year(match[3])
            day, month = (first, second) if order == "dmy" else (second, first)
            return dt.date(year, month, day)
        if match := _WORDED_DATE.fullmatch(text) or _MONTH_FIRST.fullmatch(text):
            named = _MONTHS.get(match["month"].casefold())
            if named is None:
                raise ValueError(f"{text!r}: {match['month']!r} is not a month")
            return dt.date(int(match["year"]), named, int(match["day"]))
        if _SERIAL.fullmatch(text):
            serial = int(float(text))
            if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
                return dt.date(1899, 12, 30) + dt.timedelta(days=serial)
    except ValueError as exc:
        if "is not a month" in str(exc):
            raise
        raise ValueError(f"{text!r} is not a day of the calendar") from None
    return None


# The years a published deployment can be dated in (police facial recognition in the UK began
# in the mid-2010s; the range leaves room either side); "0024" is a typing slip, not year 24.
_YEARS = range(1990, 2100)


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _completed(text: str, parts: list[str], order: str, *, is_range: bool) -> list[dt.date]:
    """The days of a range or list whose earlier parts leave out what the last one gives
    ("22-23 August 2024": the 22nd is of August 2024 too). Only a range runs over the turn of
    a year ("30 December - 2 January 2025"); a list's days are all of the year printed."""
    last = _one_date(parts[-1], order)
    if last is None:
        raise ValueError(f"{text!r}: {parts[-1]!r} is not a date")
    days = []
    for part in parts[:-1]:
        day = _one_date(part, order)
        if day is None:
            match = _DAY_OF_RANGE.fullmatch(part)
            if match is None:
                raise ValueError(f"{text!r}: {part!r} is not a day")
            month = _MONTHS.get((match["month"] or "").casefold(), last.month)
            try:
                day = dt.date(last.year, month, int(match["day"]))
            except ValueError:
                raise ValueError(f"{text!r}: {part!r} is not a day of the calendar") from None
            if is_range and day > last and match["month"]:  # "30 December - 2 January 2025"
                day = day.replace(year=last.year - 1)
                if day.year not in _YEARS:
                    raise ValueError(
                        f"{text!r} begins in {day.year}: a deployment is dated "
                        f"{_YEARS[0]} to {_YEARS[-1]}"
                    )
        days.append(day)
    return [*days, last]


# Times, pages and text


def parse_datetime(text: str) -> dt.datetime | None:
    """An optional ISO date and time ("2023-12-07T10:30", with or without an offset).

    A bare date is refused: a start or end without a time says nothing a date column does not.
    """
    if is_unknown(text):
        return None
    cleaned = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", cleaned, re.ASCII):
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
    return None if is_unknown(text) else " ".join(text.split())


def parse_required_text(text: str) -> str:
    """An identifier that must be present (row id, force code); surrounding spaces are noise."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("a value is required")
    return cleaned


_REMARK = re.compile(r"(?P<place>.*?)\s*\((?P<remark>[^()]*)\)\s*")


def split_remark(text: str) -> tuple[str, str]:
    """ "Oxford Circus (technical fault stopped deployment)": the place, and the remark."""
    cleaned = " ".join(text.split())
    match = _REMARK.fullmatch(cleaned)
    if match is None or not match["place"]:
        return cleaned, ""
    return match["place"], match["remark"]
