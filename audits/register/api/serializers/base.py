"""Building blocks of the input and output serializers.

Input serializers only type-check and reject what cannot be right (unknown fields, values out of
range, another force's ids); the rules of the register live in the models' clean() and the record
services, which every write goes through. They never save.
"""

from __future__ import annotations  # the stubs' model fields are not subscriptable at run time

from collections.abc import Collection, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import User
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from audits.register.filtersets import FIRST_YEAR, LARGEST_ID, LAST_YEAR
from audits.register.models import Force
from audits.register.scoping import owning_force, scope, user_force
from audits.register.services.records import LIFECYCLE_FIELDS  # set by their steps, never input

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LONGEST_DURATION = timedelta(days=366)
PORTABLE_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def editable_fields(
    model: type[models.Model], *, exclude: Collection[str] = frozenset()
) -> list[str]:
    """The fields a client may write: the model's editable ones, less lifecycle and `exclude`."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and field.name not in LIFECYCLE_FIELDS
        and field.name not in exclude
    ]


class RejectUnknownFieldsMixin(serializers.Serializer):
    """A misspelt field is an error, not silently dropped data."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name) for name in data if name not in writable)
            if unknown:
                error = ErrorDetail("Unknown field.", code="unknown_field")
                raise serializers.ValidationError({name: [error] for name in unknown})
        return super().to_internal_value(data)


class StrictSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    pass


class NoInput(StrictSerializer):
    """For actions that take no body: any field sent is refused."""


class BoundedYearsMixin(serializers.Field):
    default_error_messages: ClassVar[dict[str, StrOrPromise]] = {
        "years": f"Must be between the years {FIRST_YEAR} and {LAST_YEAR}."
    }

    def to_internal_value(self, value: Any) -> Any:
        parsed = super().to_internal_value(value)
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            self.fail("years")
        return parsed


class BoundedDateTimeField(BoundedYearsMixin, serializers.DateTimeField):
    pass


class BoundedDateField(BoundedYearsMixin, serializers.DateField):
    pass


class BoundedDurationField(serializers.DurationField):
    """A duration of a real deployment or engagement: not negative, at most a year."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", timedelta(0))
        kwargs.setdefault("max_value", LONGEST_DURATION)
        super().__init__(**kwargs)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the user may read; another force's id fails exactly like one never used."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1, max_value=LARGEST_ID))
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        return scope(_declared(super().get_queryset()), self.context["request"].user)


class ForceField(serializers.SlugRelatedField):
    """A force by its code; only the caller's own force is a valid choice (all for readers)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Force.objects.all(), **kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        return scope(_declared(super().get_queryset()), self.context["request"].user)


def _declared(queryset: models.QuerySet[Any] | None) -> models.QuerySet[Any]:
    """A writable related field's queryset, which DRF requires of every one (read-only fields,
    which have none, never look it up)."""
    assert queryset is not None, "a writable related field has a queryset"
    return queryset


class InputSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: BoundedDateTimeField,
        models.DateField: BoundedDateField,
        models.DurationField: BoundedDurationField,
    }
    serializer_related_field = ScopedPrimaryKeyRelatedField

    def build_standard_field(
        self, field_name: str, model_field: models.Field[Any, Any]
    ) -> tuple[type[serializers.Field], dict[str, Any]]:
        """Integer limits of the column type itself, the same on every database (SQLite would
        otherwise take any 64-bit number into a small integer column)."""
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        limits = PORTABLE_INTEGER_RANGES.get(model_field.get_internal_type())
        if limits is not None and issubclass(field_class, serializers.IntegerField):
            low, high = limits
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
            kwargs["max_value"] = min(kwargs.get("max_value", high), high)
        return field_class, kwargs

    def get_validators(self) -> list[Any]:
        return []  # uniqueness is a model constraint, checked by full_clean in the service

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Everything a record points to belongs to the same force (a superuser could mix)."""
        forces = {owning_force(self.instance)} if self.instance is not None else set()
        for name, value in attrs.items():
            if isinstance(value, models.Model):
                force = owning_force(value)
                if force is not None and forces and force not in forces:
                    raise serializers.ValidationError({name: "This belongs to another force."})
                if force is not None:
                    forces.add(force)
        return attrs


class ForceOwnedInput(InputSerializer):
    """A new record of a force: `force` defaults to the caller's own."""

    force = ForceField(required=False, help_text="Force code; defaults to your own force.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "force" not in attrs:
            force = user_force(self.context["request"].user)
            if force is None:
                raise serializers.ValidationError({"force": "You belong to no force: give one."})
            attrs["force"] = force
        return super().validate(attrs)


def force_code(source: str = "force.code") -> serializers.CharField:
    """The code of the force that owns a record (e.g. source="deployment.force.code")."""
    return serializers.CharField(source=source, read_only=True)


class RecordOutput(serializers.ModelSerializer):
    """A record with a lifecycle (status, created by, submitted at, withdrawn reason)."""

    force = force_code()
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty for imports."
    )
