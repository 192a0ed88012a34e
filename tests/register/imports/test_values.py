import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits.register.imports.values import (
    Count,
    is_unknown,
    parse_count,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_published_text,
    parse_threshold,
    read_count,
    read_date,
    read_duration,
    split_remark,
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
        ("5h 18m", 5, 18),
        ("4hr 47m", 4, 47),
        ("4 hrs 47 mins", 4, 47),
        ("4 hours 47 minutes", 4, 47),
        ("04:47", 4, 47),
        ("4:47:00", 4, 47),  # a spreadsheet time cell
        ("6 hours", 6, 0),
        ("45 mins", 0, 45),
    ],
)
def test_durations_are_read_in_every_published_spelling(text, hours, minutes):
    assert parse_duration(text) == dt.timedelta(hours=hours, minutes=minutes)


@pytest.mark.parametrize(
    ("text", "starts", "ends", "hours"),
    [
        ("11:20-14:50", dt.time(11, 20), dt.time(14, 50), 3.5),
        ("11:20 - 14:50", dt.time(11, 20), dt.time(14, 50), 3.5),
        ("10am-4pm", dt.time(10), dt.time(16), 6),
        ("10.30am to 4pm", dt.time(10, 30), dt.time(16), 5.5),
        ("1120-1450", dt.time(11, 20), dt.time(14, 50), 3.5),
        ("22:00-02:00", dt.time(22), dt.time(2), 4),  # past midnight
        ("12pm-1pm", dt.time(12), dt.time(13), 1),
    ],
)
def test_a_window_of_the_day_is_read_as_its_times_and_its_length(text, starts, ends, hours):
    span = read_duration(text)
    assert (span.starts, span.ends) == (starts, ends)
    assert span.duration == dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    "text",
    [
        "about 5 hours",
        "8h 75m",
        "h",
        "5",
        "8h 22m 10s",
        "13pm-2pm",
        "10:00-25:00",
        "9-5",  # 9 to 5, or 9 to 5 the next morning? Neither is guessed
        "12-2",
        "10 to 4",
        "10am-4",
        "10:00-10:00",  # not a day of 24 hours
    ],
)
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
    assert parse_threshold("62%") == Decimal("0.62")
    assert parse_threshold("0") == Decimal(0)
    assert parse_threshold("1") == Decimal(1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "'abc' is not a number"),
        ("1.5", "'1.5' is outside 0..1"),
        ("-0.1", "'-0.1' is outside 0..1"),
        ("NaN", "'NaN' is not a number"),
        ("160%", "'160%' is outside 0..1"),
        (
            "0.6%",
            "'0.6%' would be a threshold of 0.006: a threshold printed as a percentage is "
            "1% to 100% \\('60%'\\); a score is printed without one \\('0.6'\\)",
        ),
    ],
)
def test_thresholds_outside_0_to_1_or_not_numbers_are_refused(text, reason):
    with pytest.raises(ValueError, match=f"^{reason}$"):
        parse_threshold(text)


@pytest.mark.parametrize(
    ("text", "first", "last", "listed"),
    [
        ("2023-12-07", dt.date(2023, 12, 7), None, 1),
        ("2023-12-07 00:00:00", dt.date(2023, 12, 7), None, 1),  # a spreadsheet date cell
        ("07/12/23", dt.date(2023, 12, 7), None, 1),  # DD/MM/YY, as the Met prints
        ("07/12/2023", dt.date(2023, 12, 7), None, 1),
        ("7.12.2023", dt.date(2023, 12, 7), None, 1),
        ("22 August 2024", dt.date(2024, 8, 22), None, 1),
        ("Thursday 22nd Aug 2024", dt.date(2024, 8, 22), None, 1),
        ("August 22, 2024", dt.date(2024, 8, 22), None, 1),
        ("45526", dt.date(2024, 8, 22), None, 1),  # a spreadsheet's serial number
        ("22-23 August 2024", dt.date(2024, 8, 22), dt.date(2024, 8, 23), 1),
        ("30 August - 2 September 2024", dt.date(2024, 8, 30), dt.date(2024, 9, 2), 1),
        ("19/09/2024 - 22/09/2024", dt.date(2024, 9, 19), dt.date(2024, 9, 22), 1),
        ("30 December - 2 January 2025", dt.date(2024, 12, 30), dt.date(2025, 1, 2), 1),
        ("1, 3 and 5 May 2024", dt.date(2024, 5, 1), dt.date(2024, 5, 5), 3),
        ("01/05/24, 03/05/24", dt.date(2024, 5, 1), dt.date(2024, 5, 3), 2),
        ("1-3 October 2024", dt.date(2024, 10, 1), dt.date(2024, 10, 3), 1),  # "to" in October
        ("1 October to 3 October 2024", dt.date(2024, 10, 1), dt.date(2024, 10, 3), 1),
        ("1 June and 3 May 2024", dt.date(2024, 5, 3), dt.date(2024, 6, 1), 2),  # no year back
        ("1 and 1 May 2024", dt.date(2024, 5, 1), None, 1),  # one day, printed twice
    ],
)
def test_dates_ranges_and_lists_are_read_as_forces_print_them(text, first, last, listed):
    days = read_date(text)
    assert (days.first, days.last, days.listed) == (first, last or first, listed)
    assert days.several == (last is not None or listed > 1)


def test_a_date_of_numbers_reads_day_first_unless_the_layout_says_month_first():
    assert parse_date("07/12/2023") == dt.date(2023, 12, 7)
    assert parse_date("07/12/2023", order="mdy") == dt.date(2023, 7, 12)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-02-30", "is not a day of the calendar"),
        ("31/02/2023", "is not a day of the calendar"),
        ("2023-12-07 14:00:00", "is not a date like"),
        ("April 2023", "is not a date like"),
        ("22 Smarch 2024", "is not a month"),
        ("23-22 August 2024", "ends before it starts"),
        ("", "a date is required"),
        ("01/01/0024", "is dated 24: a deployment is dated 1990 to 2099"),
        ("2124-01-01", "is dated 2124"),
        ("30 December - 2 January 1990", "begins in 1989"),
    ],
)
def test_what_is_not_a_date_is_refused_with_the_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        read_date(text)


def test_a_single_date_column_refuses_a_range():
    with pytest.raises(ValueError, match="more than one day"):
        parse_date("22-23 August 2024")


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("21,940", 21_940, ""),
        ("just over 47,000", 47_000, "just over"),
        ("more than 35,000", 35_000, "more than"),
        ("Approximately 15,600", 15_600, "approximately"),
        ("c. 15,600", 15_600, "c."),
        ("~15,600", 15_600, "~"),
        ("47,000+", 47_000, "more than"),
    ],
)
def test_an_approximate_count_keeps_its_qualifier(text, value, qualifier):
    assert read_count(text) == Count(value, qualifier)


@pytest.mark.parametrize("text", ["-", "\u2013", "nil", "Nil", "N/A", "n.a.", ""])
def test_dashes_and_nil_are_unknown_not_zero(text):
    assert read_count(text) is None


def test_an_exact_count_refuses_an_approximation():
    with pytest.raises(ValueError, match="is not an exact number"):
        parse_count("about 3")


def test_a_remark_in_brackets_after_the_place_is_the_note():
    assert split_remark("Oxford Circus\n(technical\nfault stopped\ndeployment)") == (
        "Oxford Circus",
        "technical fault stopped deployment",
    )
    assert split_remark("Westminster, Savoy Place") == ("Westminster, Savoy Place", "")


def test_start_and_end_need_a_time():
    assert parse_datetime("2023-12-07T10:30") == dt.datetime(2023, 12, 7, 10, 30)
    assert parse_datetime("2023-12-07 10:30:00+00:00").tzinfo is not None
    with pytest.raises(ValueError, match="not an ISO date and time"):
        parse_datetime("2023-12-07")


def test_a_published_rate_is_kept_as_written():
    assert parse_published_text("0.01%") == "0.01%"
    assert parse_published_text(" 0% ") == "0%"
