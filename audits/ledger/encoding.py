"""The ledger's standard encoding: RFC 8785 (the JSON Canonicalization Scheme) over a JSON value
that holds no floats, and the rules that turn a stored field into such a value.

docs/ledger-format.md is the specification; this module is its one implementation here, and
tests/ledger/test_encoding.py holds it to the `rfc8785` package byte for byte.

Only integers, strings, booleans, null, arrays and objects are written: RFC 8785 would write a
float in ECMAScript's shortest form, but a count, a score at its scale or a duration is exact and
must stay exact, so every such value is an integer or a string before it gets here.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import orjson
from django.db import models

# Integers a verifier in any language reads exactly: RFC 8785 writes numbers as IEEE 754 doubles.
INT_MAX = 2**53 - 1
# The C-accelerated string encoder, which escapes exactly what RFC 8785 (section 3.2.2.2) asks:
# the quotation mark, the reverse solidus, and the controls below U+0020 (\b \t \n \f \r as
# themselves, the others as \u00xx in lower case); every other character is written as UTF-8.
_string = json.encoder.encode_basestring


# Plain values, which orjson writes as RFC 8785 does (bool and None are types of their own).
PLAIN_TYPES = frozenset({str, int, bool, type(None)})
_ORJSON_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER


class EncodingError(ValueError):
    """A value the ledger's encoding does not write (a float, NaN, a lone surrogate, ...)."""


def canonical(value: Any) -> bytes:
    """The RFC 8785 bytes of a JSON value made of dict, list, tuple, str, int, bool and None."""
    parts: list[str] = []
    _write(value, "", parts)
    return "".join(parts).encode("utf-8")


def _write(value: Any, where: str, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if not -INT_MAX <= value <= INT_MAX:
            raise EncodingError(f"{where or 'value'}: {value} is outside +/-(2**53 - 1)")
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append(_text(value, where))
    elif isinstance(value, Mapping):
        _write_object(value, where, out)
    elif isinstance(value, list | tuple):
        _write_array(value, where, out)
    else:
        kind = type(value).__name__
        raise EncodingError(f"{where or 'value'}: a {kind} is not written; convert it first")


def _write_object(value: Mapping[Any, Any], where: str, out: list[str]) -> None:
    for key in value:
        if not isinstance(key, str):
            raise EncodingError(f"{where or 'value'}: object keys are strings, not {key!r}")
    # RFC 8785 section 3.2.3: members sorted by the UTF-16 code units of their names.
    keys = sorted(value, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
    out.append("{")
    for number, key in enumerate(keys):
        if number:
            out.append(",")
        out.append(_text(key, where))
        out.append(":")
        _write(value[key], f"{where}.{key}" if where else key, out)
    out.append("}")


def _write_array(value: Sequence[Any], where: str, out: list[str]) -> None:
    out.append("[")
    for number, item in enumerate(value):
        if number:
            out.append(",")
        _write(item, f"{where}[{number}]", out)
    out.append("]")


def _text(value: str, where: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate: not Unicode text, so not I-JSON
        raise EncodingError(f"{where or 'value'}: {error.reason} at {error.start}") from None
    return _string(value)


def canonical_rows(entries: list[Any]) -> bytes:
    """`canonical(entries)` for row entries, fast: a batch of 10,000 rows is 250,000 values,
    and the exact writer above takes most of a second over them.

    When every entry is an object whose members' values are plain (text, an integer, true,
    false, null, or a list of integers) and whose names are ASCII, orjson writes exactly the
    RFC 8785 bytes: it escapes strings as `_string` does, writes integers in decimal (refusing,
    with OPT_STRICT_INTEGER, any beyond 2**53 - 1), and sorts ASCII names as RFC 8785 does (by
    UTF-16 code units, which for ASCII is by code point). Anything else (a JSON document with
    other names, a float, an integer out of range, a lone surrogate) goes through `canonical`,
    which writes it exactly or refuses it. tests/ledger/test_encoding.py holds both to the
    `rfc8785` package."""
    if all(map(_plain_entry, entries)):
        try:
            return orjson.dumps(entries, option=_ORJSON_CANONICAL)
        except TypeError:  # orjson.JSONEncodeError: let the exact writer name the value
            pass
    return canonical(entries)


def row_entries(text: str | None) -> list[dict[str, Any]]:
    """An event's row entries, decoded. orjson reads them in about a quarter of the standard
    library's time, and a full verification decodes every entry in the ledger. Entries hold no
    floats and no integer beyond 2**53 (docs/ledger-format.md, 3.1), where the two
    decoders could differ."""
    entries: list[dict[str, Any]] = orjson.loads(text or "[]")
    return entries


def _plain_entry(entry: Any) -> bool:
    if type(entry) is not dict or not _ascii_names(entry):
        return False
    for value in entry.values():
        kind = type(value)
        if kind is dict:
            if not (_ascii_names(value) and _plain_values(value.values())):
                return False
        elif kind is list:
            if not _int_list(value):
                return False
        elif kind not in PLAIN_TYPES:
            return False
    return True


def _ascii_names(values: dict[Any, Any]) -> bool:
    try:
        return "".join(values).isascii()
    except TypeError:  # a name that is not text
        return False


def _plain_values(values: Iterable[Any]) -> bool:
    # The types are collected in C: a batch asks this of 10,000 rows of 25 values each.
    kinds = set(map(type, values))
    if kinds <= PLAIN_TYPES:
        return True
    return kinds <= PLAIN_TYPES | {list} and all(
        _int_list(value) for value in values if type(value) is list
    )


def _int_list(values: list[Any]) -> bool:
    return set(map(type, values)) <= {int}


# -- stored values as ledger values (docs/ledger-format.md, "Values")


def ledger_value(value: Any) -> Any:
    """A value as the ledger writes it.

    Counts and ids stay integers; a decimal becomes a string with its own places (`field_value`
    writes a field's decimal at the field's scale); a datetime, UTC with microseconds and Z; a
    date, YYYY-MM-DD; a duration, integer microseconds. Floats and NaN are refused: nothing
    exact is stored as one."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return decimal_text(value, None)
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_microseconds(value)
    if isinstance(value, float):
        raise EncodingError(f"{value!r} is a float: the ledger keeps exact values only")
    if isinstance(value, list | tuple):
        return [ledger_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): ledger_value(item) for key, item in value.items()}
    raise EncodingError(f"a {type(value).__name__} has no ledger form")


def decimal_text(value: Decimal, scale: int | None) -> str:
    if not value.is_finite():
        raise EncodingError(f"{value} is not a finite decimal")
    if scale is not None:
        exact = value.quantize(Decimal(1).scaleb(-scale))
        if exact != value:
            raise EncodingError(f"{value} has more than {scale} decimal places")
        value = exact
    text = format(value, "f")
    return "0" + text[2:] if text.startswith("-0") and not value else text  # no "-0.00"


def datetime_text(value: dt.datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise EncodingError(f"{value.isoformat()} has no time zone: the ledger writes UTC")
    u = value.astimezone(dt.UTC)
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}"
        f".{u.microsecond:06d}Z"
    )


def duration_microseconds(value: dt.timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


# -- rows as ledger states


def field_value(field: models.Field[Any, Any], value: Any) -> Any:
    """A stored field's value in its ledger form (docs/ledger-format.md, 3.2): a decimal at the
    field's own scale (0.6 in a field of 4 places is "0.6000"), a JSON document as written, a
    reference as the other record's id, everything else by `ledger_value`."""
    return field_writer(field)(value)


def field_writer(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """`field_value` for one field, as a function: reconciliation writes millions of values, and
    a text, an integer, a boolean or None outside a decimal field or a JSON document is written
    as it is, without asking what it is again."""
    if isinstance(field, models.DecimalField):
        places = field.decimal_places
        return lambda value: None if value is None else decimal_text(Decimal(value), places)
    if isinstance(field, models.JSONField):
        return json_document
    return _plain_or_ledger


def _plain_or_ledger(value: Any) -> Any:
    return value if type(value) in PLAIN_TYPES else ledger_value(value)


def json_document(value: Any) -> Any:
    """A JSON document stored in a field, as written. It should hold no floats (rule parameters
    refuse them now), but one stored before that rule may: such a float is written as the
    decimal string of its shortest form (0.05 as "0.05"), never as a binary float."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EncodingError(f"{value!r} is not a finite number")
        return repr(value)
    if isinstance(value, list):
        return [json_document(item) for item in value]
    if isinstance(value, dict):
        return {key: json_document(item) for key, item in value.items()}
    return value


def row_state(instance: models.Model) -> dict[str, Any]:
    """A row's stored state, every concrete column named as in its table (`force_id`, not
    `force`): what a verifier reading the tables compares with the ledger."""
    return {
        field.column: field_value(field, getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
    }
