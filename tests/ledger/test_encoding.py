"""The ledger's encoder writes RFC 8785 bytes: held to the `rfc8785` package for generated values,
to the RFC's own examples, and to the value rules of docs/ledger-format.md."""

import datetime as dt
import math
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from audits.ledger.encoding import (
    INT_MAX,
    EncodingError,
    canonical,
    canonical_rows,
    decimal_text,
    ledger_value,
)

# Any text, including the characters RFC 8785 sorts differently from code-point order (those
# beyond U+FFFF against U+E000..U+FFFF) and the controls it escapes.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]),  # lone surrogates are not text
    max_size=12,
)
SCALARS = st.none() | st.booleans() | st.integers(-INT_MAX, INT_MAX) | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5),
    max_leaves=30,
)


@given(VALUES)
def test_the_bytes_are_those_of_rfc8785_for_any_value(value):
    assert canonical(value) == rfc8785.dumps(value)


# Row entries as capture writes them, and some that are not plain (other names, wider integers,
# nested documents), which the fast path hands to the exact writer.
ENTRY_VALUES = SCALARS | st.lists(st.integers(-INT_MAX, INT_MAX), max_size=4) | VALUES
ENTRIES = st.lists(
    st.fixed_dictionaries(
        {"table": TEXT, "id": st.integers(-INT_MAX, INT_MAX), "op": TEXT},
        optional={"values": st.dictionaries(TEXT, ENTRY_VALUES, max_size=8)},
    ),
    max_size=6,
)


@given(ENTRIES)
def test_row_entries_are_written_as_rfc8785_writes_them_on_the_fast_path_or_not(entries):
    assert canonical_rows(entries) == canonical(entries) == rfc8785.dumps(entries)


@given(st.lists(st.floats() | st.integers(INT_MAX + 1), min_size=1, max_size=3))
def test_row_entries_holding_a_float_or_a_wide_integer_are_refused(values):
    entries = [{"table": "t", "id": 1, "op": "insert", "values": {"v": v}} for v in values]
    with pytest.raises(EncodingError):
        canonical_rows(entries)


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        uuid.UUID(int=1),
        Decimal("0.6"),
        2.5,
        INT_MAX + 1,
    ],
    ids=["datetime", "uuid", "decimal", "float", "wide integer"],
)
def test_values_that_orjson_writes_but_the_format_does_not_are_refused_anywhere_in_an_entry(value):
    # orjson writes datetimes, UUIDs and floats natively; the fast path must not let it.
    for entry in ({"id": value}, {"id": 1, "values": {"v": value}}, {"id": 1, "ids": [value]}):
        with pytest.raises(EncodingError):
            canonical_rows([entry])


@given(st.dictionaries(TEXT, st.integers(0, 9), min_size=2, max_size=8))
def test_members_are_sorted_by_utf16_code_units_as_rfc8785_sorts_them(value):
    assert canonical(value) == rfc8785.dumps(value)


def test_the_rfc_sorting_example():
    # RFC 8785 section 3.2.3: the property names of its example, in the order it prints them.
    names = ["\u20ac", "\r", "\ufb33", "1", "\U0001f600", "\u0080", "\u00f6"]
    encoded = canonical(dict.fromkeys(names, 0)).decode()
    order = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]
    assert [encoded.index(rfc8785.dumps(name).decode() + ":") for name in order] == sorted(
        encoded.index(rfc8785.dumps(name).decode() + ":") for name in order
    )


def test_controls_are_escaped_and_everything_else_is_utf8():
    assert canonical('a\u0000\u001f\b\t\n\f\r"\\/\u007f\u00e9\u2028') == (
        b'"a\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\/\x7f\xc3\xa9\xe2\x80\xa8"'
    )


@pytest.mark.parametrize(
    "value, problem",
    [
        (0.5, "a float is not written"),
        (math.nan, "a float is not written"),
        (2**53, "outside"),
        (-(2**53), "outside"),
        ("\ud800", "surrogates not allowed"),
        ({1: "a"}, "object keys are strings"),
        ({"counts": [1, Decimal("2")]}, "counts[1]: a Decimal is not written"),
    ],
)
def test_what_the_format_does_not_write_is_refused_and_located(value, problem):
    with pytest.raises(EncodingError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        canonical(value)


# -- values


@pytest.mark.parametrize(
    "stored, scale, written",
    [
        (Decimal("0.6"), 2, "0.60"),
        (Decimal("0.64"), 2, "0.64"),
        (Decimal("1E+1"), 2, "10.00"),
        (Decimal("-0.00"), 2, "0.00"),
        (Decimal("12.5"), None, "12.5"),
    ],
)
def test_a_decimal_is_a_string_at_its_fields_scale(stored, scale, written):
    assert decimal_text(stored, scale) == written


def test_a_decimal_finer_than_its_field_or_not_finite_is_refused():
    with pytest.raises(EncodingError, match="more than 2 decimal places"):
        decimal_text(Decimal("0.645"), 2)
    with pytest.raises(EncodingError, match="not a finite decimal"):
        decimal_text(Decimal("NaN"), 2)


def test_times_are_utc_with_microseconds_and_z_dates_plain_durations_microseconds():
    london = dt.datetime(2025, 7, 1, 14, 30, tzinfo=ZoneInfo("Europe/London"))  # BST, +01:00
    assert ledger_value(london) == "2025-07-01T13:30:00.000000Z"
    assert ledger_value(dt.datetime(1, 1, 1, tzinfo=dt.UTC)) == "0001-01-01T00:00:00.000000Z"
    assert ledger_value(dt.date(2024, 1, 10)) == "2024-01-10"
    assert ledger_value(dt.timedelta(hours=4, minutes=47)) == 17_220_000_000
    assert ledger_value(dt.timedelta(microseconds=-1)) == -1
    with pytest.raises(EncodingError, match="no time zone"):
        ledger_value(dt.datetime(2025, 7, 1, 14, 30))


def test_counts_stay_integers_and_floats_are_refused():
    assert ledger_value({"faces_seen": 1_091_259, "ok": True, "notes": None}) == {
        "faces_seen": 1_091_259,
        "ok": True,
        "notes": None,
    }
    with pytest.raises(EncodingError, match="float"):
        ledger_value(4.78)


# -- rows


@pytest.mark.django_db
def test_every_row_of_the_persona_register_has_a_state_in_the_ledgers_encoding():
    from django.apps import apps

    from audits.ledger.encoding import row_state
    from audits.register.models import Deployment

    encoded = 0
    for model in apps.get_models():
        if not model._meta.db_table.startswith("audits_"):
            continue
        for row in model._default_manager.all():
            state = row_state(row)
            assert canonical(state) == rfc8785.dumps(state)
            encoded += 1
    assert encoded > 200  # the persona register: forces, people, records of every kind
    deployment = Deployment.objects.first()
    deployment.duration = dt.timedelta(hours=4, minutes=47)  # as a published grid gives it
    deployment.threshold = Decimal("0.6")  # the field keeps 4 places
    state = row_state(deployment)
    assert state["threshold"] == "0.6000"
    assert state["duration"] == 17_220_000_000
    assert state["force_id"] == deployment.force_id
    assert state["faces_seen"] == deployment.faces_seen


@pytest.mark.django_db
def test_a_float_stored_in_a_json_document_before_floats_were_refused_is_its_decimal_text():
    from audits.compliance.models import Rule
    from audits.ledger.encoding import row_state

    rule = Rule.objects.get(code="watchlist-composition")
    Rule.objects.filter(pk=rule.pk).update(parameters={"maximum_victim_witness_share": 0.05})
    rule.refresh_from_db()  # as a database made before the change holds it
    assert row_state(rule)["parameters"] == {"maximum_victim_witness_share": "0.05"}
