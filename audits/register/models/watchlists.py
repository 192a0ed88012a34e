"""Watchlists as aggregates only: counts per category, never images, templates or identities."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models

from audits.register.models.base import Record, RegisterModel, check_end_after_start
from audits.register.models.forces import Force
from audits.scoped import ForceOwned, Scoping


class Watchlist(Record):
    scoping: ClassVar[Scoping] = ForceOwned("force")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="watchlists")
    reference = models.CharField(max_length=60)
    compiled_at = models.DateTimeField(
        null=True, blank=True, help_text="Unknown for watchlists known only from a published grid."
    )
    approved_by = models.CharField(max_length=60, blank=True, help_text="Officer id, not a name.")
    reviewed_at = models.DateTimeField("reviewed before deployment at", null=True, blank=True)
    reviewed_by = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(help_text="Number of reference images.")
    under_18s = models.PositiveIntegerField("under-18s", null=True, blank=True)
    not_wanted_for_arrest = models.PositiveIntegerField(null=True, blank=True)
    image_sources = models.CharField(max_length=200, blank=True, help_text="e.g. custody images")
    oldest_image_age_days = models.PositiveIntegerField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "audits_watchlist"  # the table's name from before the split
        ordering = ["-compiled_at"]
        constraints = [
            models.UniqueConstraint(fields=["force", "reference"], name="watchlist_unique_ref")
        ]

    def __str__(self) -> str:
        return f"{self.force.code} watchlist {self.reference} ({self.size:,} images)"

    def clean(self) -> None:
        check_end_after_start(
            self.compiled_at, self.destroyed_at, start_field="compiled_at", end_field="destroyed_at"
        )
        for field in ("under_18s", "not_wanted_for_arrest"):
            value = getattr(self, field)
            if value is not None and self.size is not None and value > self.size:
                raise ValidationError(
                    {field: f"{value} is more than the watchlist size ({self.size})."}
                )


class WatchlistCategoryCount(RegisterModel):
    scoping: ClassVar[Scoping] = ForceOwned("watchlist__force")
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(
        "register.WatchlistCategory", on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField()

    class Meta:
        db_table = "audits_watchlistcategorycount"  # the table's name from before the split
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "category"], name="watchlist_category_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.count:,}"
