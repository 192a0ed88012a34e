"""Reference data a force can extend: use cases, watchlist categories, offence types, outcomes.

Kept as rows, not enums, because forces use their own codes (the APP lists categories only in
gist). Rows with no force are national and seeded by a data migration; a force adds its own.
"""

from typing import ClassVar

from django.db import models

from audits.ledger.capture import AuditedQuerySet
from audits.register.models.base import text_field
from audits.scoped import ForceOwned, Scoping


class ReferenceItem(models.Model):
    scoping: ClassVar[Scoping] = ForceOwned("force", national=True)
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    description = text_field(blank=True)
    force = models.ForeignKey(
        "register.Force",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for national reference data; set for a force's own additions.",
    )
    active = models.BooleanField(default=True)

    objects = AuditedQuerySet.as_manager()  # QuerySet.update is captured too

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


def _unique_code(name: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(fields=["force", "code"], name=f"{name}_unique_code_per_force"),
        models.UniqueConstraint(
            fields=["code"],
            condition=models.Q(force__isnull=True),
            name=f"{name}_unique_national_code",
        ),
    ]


class UseCase(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        db_table = "audits_usecase"  # the table's name from before the split
        constraints = _unique_code("usecase")


class WatchlistCategory(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        db_table = "audits_watchlistcategory"  # the table's name from before the split
        verbose_name_plural = "watchlist categories"
        constraints = _unique_code("watchlistcategory")


class OffenceType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        db_table = "audits_offencetype"  # the table's name from before the split
        constraints = _unique_code("offencetype")


class Outcome(ReferenceItem):
    """What followed an alert: arrest, another disposal, or no action."""

    class Kind(models.TextChoices):
        ARREST = "arrest", "Arrest"
        OTHER_DISPOSAL = "other_disposal", "Other disposal"
        NO_ACTION = "no_action", "No action"

    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta(ReferenceItem.Meta):
        db_table = "audits_outcome"  # the table's name from before the split
        constraints = _unique_code("outcome")
