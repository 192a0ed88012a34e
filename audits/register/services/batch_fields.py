"""Readers for the values of one batch item, as decoded from JSON, derived from the model fields.

A reader takes the raw JSON value (never None: a missing key and null both mean "not given") and
returns the value for the model, or raises ValueError with the message shown to the sender.
Nothing is coerced: "3" is not a number and 1 is not true. The limits come from the model field
(length, choices, column range), so a batch accepts exactly what the model can hold.

Readers are small on purpose: a full batch of alerts (MAX_BATCH_ITEMS, batches.py) calls them
about 20 times per item.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

Reader = Callable[[Any], Any]

# A duration is stored as microseconds in a 64-bit integer (SQLite) or as an interval.
DURATION_MAX_SECONDS = (2**63 - 1) // 1_000_000
FOUR_PLACES = Decimal("0.0001")
PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")  # as text: not "1E-1", "0.7_1" or " 0.7"
ONE = Decimal(1)


@dataclass(frozen=True)
class Field:
    """One key of a batch item: how to read it and which model attribute it sets."""

    key: str
    read: Reader
    attribute: str
    required: bool = False


def text(max_length: int | None, *, blank: bool = True) -> Reader:
    def read(value: Any) -> str:
        if type(value) is not str:
            raise ValueError("Must be a string.")
        if max_length is not None and len(value) > max_length:
            raise ValueError(f"At most {max_length} characters ({len(value)} given).")
        if not blank and not value.strip():
            raise ValueError("Must not be blank.")
        if "\x00" in value or not (value.isascii() or _is_utf8(value)):
            raise ValueError("Must be text without NUL characters or unpaired surrogates.")
        return value

    return read


def _is_utf8(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:  # JSON can carry a lone surrogate ("\\ud800"); no database can
        return False
    return True


def choice(choices: Iterable[str]) -> Reader:
    allowed = frozenset(choices)
    listed = ", ".join(repr(code) for code in sorted(allowed))

    def read(value: Any) -> str:
        if type(value) is not str or value not in allowed:
            raise ValueError(f"{value!r} is not one of {listed}.")
        return value

    return read


def boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise ValueError("Must be true or false.")
    return value


def count(maximum: int) -> Reader:
    def read(value: Any) -> int:
        if type(value) is not int:
            raise ValueError("Must be a whole number.")
        if value < 0:
            raise ValueError(f"Must not be negative ({value} given).")
        if value > maximum:
            raise ValueError(f"Must be at most {maximum} ({value} given).")
        return value

    return read


def similarity(value: Any) -> Decimal:
    """A score or threshold: a number, or a decimal string, within 0..1 to 4 decimal places."""
    kind = type(value)
    try:
        if kind is str:
            if not PLAIN_DECIMAL.fullmatch(value):
                raise ValueError(f"{value!r} is not a plain decimal number.")
            number = Decimal(value)
        elif kind is float:
            number = Decimal(repr(value))  # repr keeps 0.64 as 0.64, not its binary expansion
        elif kind is int:
            number = Decimal(value)
        else:
            raise ValueError("Must be a number.")
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number.") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number.")
    if not 0 <= number <= ONE:
        raise ValueError(f"Must be within 0..1 ({value} given).")
    if number.quantize(FOUR_PLACES) != number:
        raise ValueError(f"At most 4 decimal places ({value} given).")
    return number


def moment(value: Any) -> datetime:
    """An ISO 8601 date and time with its UTC offset: a time without one is ambiguous."""
    if type(value) is not str:
        raise ValueError("Must be an ISO 8601 date and time string.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time.") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset (add Z or +01:00, say).")
    if parsed.year in (1, 9999):  # only at the ends of the calendar can UTC fall outside it
        try:
            parsed.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{value!r} is out of range.") from None
    return parsed


def seconds(value: Any) -> timedelta:
    if type(value) is not int and type(value) is not float:
        raise ValueError("Must be a number of seconds.")
    if not value >= 0:  # also refuses NaN
        raise ValueError(f"Must not be negative ({value} given).")
    if value > DURATION_MAX_SECONDS:
        raise ValueError(f"Must be at most {DURATION_MAX_SECONDS} seconds ({value} given).")
    return timedelta(seconds=value)


def lookup(found: dict[Any, Any], what: str, *, key_type: type = str) -> Reader:
    """A reference by code or id to a row fetched beforehand: one dictionary look-up, no query."""

    def read(value: Any) -> Any:
        if type(value) is not key_type:
            raise ValueError(f"Must be a {'string' if key_type is str else 'whole number'}.")
        try:
            return found[value]
        except KeyError:
            raise ValueError(f"No {what} {value!r}.") from None

    return read


def remembered(read: Reader) -> Reader:
    """The reader, reading each distinct value once: a batch repeats its thresholds, scores and
    durations thousands of times. Build one per batch, so that what it remembers is bounded."""
    seen: dict[tuple[type, Any], Any] = {}

    def read_once(value: Any) -> Any:
        key = (type(value), value)  # the type too: 1, 1.0 and True are equal keys otherwise
        try:
            return seen[key]
        except KeyError:
            seen[key] = result = read(value)
            return result
        except TypeError:  # unhashable, a list say: the reader refuses it
            return read(value)

    return read_once


def reader_for(field: models.Field) -> Reader:
    """The reader for a plain (not relational) model field."""
    if field.choices:
        return choice([code for code, _ in field.flatchoices] + ([""] if field.blank else []))
    if isinstance(field, models.BooleanField):
        return boolean
    if isinstance(field, models.DecimalField):
        # Every decimal column of a batch record is a similarity score or threshold (0..1).
        if (field.max_digits, field.decimal_places) != (6, 4):
            raise TypeError(f"{field} is not a threshold field")
        return remembered(similarity)
    if isinstance(field, models.IntegerField):
        low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
        if low != 0:
            raise TypeError(f"{field} is not a count")
        return count(high)
    if isinstance(field, models.DateTimeField):
        return moment
    if isinstance(field, models.DurationField):
        return remembered(seconds)
    if isinstance(field, models.CharField | models.TextField):
        return text(field.max_length, blank=field.blank)
    raise TypeError(f"No batch reader for {field}")


def model_field(model: type[models.Model], name: str) -> models.Field:
    """The model's field `name`, a column: a batch reads and writes nothing else."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a column")
    return field


def is_required(field: models.Field) -> bool:
    return not (field.blank or field.null or field.has_default())


def model_fields(
    model: type[models.Model], names: Iterable[str], keys: dict[str, str] | None = None
) -> list[Field]:
    """Batch fields for plain model fields; `keys` renames a few (model name -> item key)."""
    keys = keys or {}
    fields = []
    for name in names:
        field = model_field(model, name)
        key = keys.get(name, name)
        fields.append(Field(key, reader_for(field), field.attname, is_required(field)))
    return fields
