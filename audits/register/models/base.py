"""Shared building blocks: choices used by several models, the record lifecycle, validators."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from audits.ledger.capture import AuditedQuerySet

THRESHOLD_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


def threshold_field(**kwargs: Any) -> models.DecimalField:
    """A similarity threshold or score: a number within 0..1 (NEC NeoFace uses 0.60 to 0.64)."""
    kwargs.setdefault("max_digits", 6)
    kwargs.setdefault("decimal_places", 4)
    return models.DecimalField(validators=THRESHOLD_VALIDATORS, **kwargs)


# Characters of free text in one field (notes, reasons, justifications): several pages, enough for
# any real record and small enough that no field can be used to store a file.
TEXT_MAX_LENGTH = 10_000


def text_field(
    verbose_name: str | None = None, *, max_length: int = TEXT_MAX_LENGTH, **kwargs: Any
) -> models.TextField:
    """Free text with a limit: full_clean enforces it (a TextField's max_length alone does not),
    and the admin's forms and the API's serializers show it."""
    validators = [MaxLengthValidator(max_length)]
    return models.TextField(verbose_name, max_length=max_length, validators=validators, **kwargs)


def count_field(verbose_name: str, **kwargs: Any) -> models.PositiveIntegerField:
    """A count that may be unknown: NULL means "not published", never zero."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.PositiveIntegerField(verbose_name, **kwargs)


def check_end_after_start(
    start: date | None, end: date | None, *, start_field: str = "start", end_field: str = "end"
) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError(
            {
                end_field: f"The {end_field.replace('_', ' ')} must not be before "
                f"the {start_field.replace('_', ' ')}."
            }
        )


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    REVIEWED = "reviewed", "Reviewed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Mode(models.TextChoices):
    """How facial recognition is used (domain reference, section 1)."""

    LFR = "lfr", "Live facial recognition (fixed or van)"
    BODYCAM = "bodycam", "Bodycam / mobile live facial recognition"
    OIFR = "oifr", "Operator-initiated facial recognition"
    RFR = "rfr", "Retrospective facial recognition"


class Origin(models.TextChoices):
    """Where a record came from. A published record is the force's own published figure, brought
    in by an import; it is revised only by importing a later edition, never by hand, and an
    import never changes a record a force entered itself."""

    ENTERED = "entered", "Entered in the register"
    PUBLISHED = "published", "Imported from a published table"


def held_relations(instance: models.Model, exclude: set[str]) -> list[models.ForeignKey[Any, Any]]:
    """The foreign keys whose related row the instance holds, as loaded from (or saved to) the
    database, with the same key as the field's value."""
    held = []
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or field.name in exclude:
            continue
        related = field.get_cached_value(instance, default=None)
        if (
            related is not None
            and not related._state.adding
            and getattr(related, field.target_field.attname) == getattr(instance, field.attname)
            and not field.get_limit_choices_to()
        ):
            held.append(field)
    return held


class RegisterModel(models.Model):
    """A model whose `full_clean` does not ask the database again whether a related row exists
    when the instance already holds that row, loaded from the database. ForeignKey.validate would
    query for each one on every write (16,600 of the 148,000 statements of loading the demo); the
    database's own foreign key still refuses a row deleted in the meantime, at the latest when
    the transaction commits. Every other check of those fields (null, blank) still runs."""

    objects = AuditedQuerySet.as_manager()  # QuerySet.update is captured too

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Any = None) -> None:
        excluded = set(exclude or ())
        held = held_relations(self, excluded)
        errors: dict[str, Any] = {}
        try:
            super().clean_fields(exclude=excluded | {field.name for field in held})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in held:
            try:
                models.Field.validate(field, getattr(self, field.attname), self)
            except ValidationError as error:
                errors[field.name] = error.error_list
        if errors:
            raise ValidationError(errors)


class Record(RegisterModel):
    """A record a force submits: it has a lifecycle and is never edited in place once submitted."""

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = text_field(blank=True)
    origin = models.CharField(
        max_length=10, choices=Origin.choices, default=Origin.ENTERED, editable=False
    )

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        return self.status != Status.DRAFT
