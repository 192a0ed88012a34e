import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits.register.imports.values import (
    is_unknown,
    parse_count,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_published_text,
    parse_threshold,
)


@pytest.mark.parametrize("text", ["", "   ", "N/A", "n/a", "NA", " na "])
def test_unknown_markers_mean_unknown_in_every_numeric_parser(text):
    assert is_unknown(text)
    assert parse_count(text) is None
    assert parse_threshold(text) is None
    assert parse_duration(text) is None
    assert parse_datetime(text) is None
    assert parse_published_text(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("4600", 4600), ("12,120", 12120), ("1,234,567", 1234567), (" 7 ", 7), ("3.0", 3)],
)
def test_counts_accept_whole_numbers_with_thousands_separators(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("3.5", "'3.5' is not a whole number"),
        ("-1", "'-1' is negative"),
        ("abc", "'abc' is not a number"),
        ("1,2", "'1,2' is not a number"),
        ("12 120", "'12 120' is not a number"),
        ("1e3", "'1e3' is not a number"),
        ("zero", "'zero' is not a number"),
    ],
)
def test_counts_refuse_anything_but_whole_non_negative_numbers(text, reason):
    with pytest.raises(ValueError, match=f"^{reason}$"):
        parse_count(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_a_count_printed_with_separators_reads_back_as_itself(n):
    assert parse_count(f"{n:,}") == n
    assert parse_count(str(n)) == n


@pytest.mark.parametrize(
    ("text", "hours", "minutes"),
    [
        ("8h 22m", 8, 22),
        ("8h22m", 8, 22),
        ("5h03m", 5, 3),
        ("8h0m", 8, 0),
        ("5h40", 5, 40),
        ("0h33m", 0, 33),
        ("45m", 0, 45),
        ("2h", 2, 0),
        ("6h 07m", 6, 7),
    ],
)
def test_durations_are_read_in_every_published_spelling(text, hours, minutes):
    assert parse_duration(text) == dt.timedelta(hours=hours, minutes=minutes)


@pytest.mark.parametrize("text", ["8:22", "about 5 hours", "8h 75m", "h", "5", "8h 22m 10s"])
def test_other_durations_are_refused(text):
    with pytest.raises(ValueError, match=repr(text)):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=48), st.integers(min_value=0, max_value=59))
def test_a_duration_printed_as_the_met_does_reads_back_as_itself(hours, minutes):
    expected = dt.timedelta(hours=hours, minutes=minutes)
    assert parse_duration(f"{hours}h {minutes:02d}m") == expected
    assert parse_duration(f"{hours}h{minutes}") == expected


def test_threshold_is_a_decimal_between_0_and_1():
    assert parse_threshold("0.6") == Decimal("0.6")
    assert parse_threshold("0") == Decimal(0)
    assert parse_threshold("1") == Decimal(1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "'abc' is not a number"),
        ("1.5", "'1.5' is outside 0..1"),
        ("-0.1", "'-0.1' is outside 0..1"),
        ("NaN", "'NaN' is not a number"),
        ("60%", "'60%' is not a number"),
    ],
)
def test_thresholds_outside_0_to_1_or_not_numbers_are_refused(text, reason):
    with pytest.raises(ValueError, match=f"^{reason}$"):
        parse_threshold(text)


def test_dates_are_iso_only():
    assert parse_date("2023-12-07") == dt.date(2023, 12, 7)
    assert parse_date("2023-12-07 00:00:00") == dt.date(2023, 12, 7)
    with pytest.raises(ValueError, match="not an ISO date"):
        parse_date("07/12/2023")
    with pytest.raises(ValueError, match="not a calendar date"):
        parse_date("2023-02-30")
    with pytest.raises(ValueError, match="not an ISO date"):
        parse_date("2023-12-07 14:00:00")


def test_start_and_end_need_a_time():
    assert parse_datetime("2023-12-07T10:30") == dt.datetime(2023, 12, 7, 10, 30)
    assert parse_datetime("2023-12-07 10:30:00+00:00").tzinfo is not None
    with pytest.raises(ValueError, match="not an ISO date and time"):
        parse_datetime("2023-12-07")


def test_a_published_rate_is_kept_as_written():
    assert parse_published_text("0.01%") == "0.01%"
    assert parse_published_text(" 0% ") == "0%"
