"""Turn model instances into the values the ledger records (`field_values`)."""

from typing import Any

from django.db import models

from audits.ledger.encoding import field_value

SKIPPED_FIELDS = {"created_at", "updated_at"}


def field_values(instance: models.Model) -> dict[str, Any]:
    """Every concrete field's stored value (foreign keys as ids) in the ledger's exact form
    (docs/ledger-format.md, 3.2): decimals at their field's scale, times in UTC with
    microseconds, durations in microseconds; a float is refused."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS:
            continue
        values[field.name] = field_value(field, getattr(instance, field.attname))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field whose value differs (missing means None)."""
    names = list(after) + [name for name in before if name not in after]
    return {
        name: [before.get(name), after.get(name)]
        for name in names
        if before.get(name) != after.get(name)
    }


def object_label(instance: models.Model) -> str:
    name = instance._meta.model_name
    assert name is not None  # set on every model class once it is created
    return name
