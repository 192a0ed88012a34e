"""Alerts: one comparison above the threshold, and what the humans made of it.

Only categories are kept about the person: the watchlist category of the candidate (not who they
are) and perceived sex, age band and ethnic group for equality monitoring.
"""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models

from audits.register.models.base import (
    RegisterModel,
    check_end_after_start,
    text_field,
    threshold_field,
)
from audits.scoped import ForceOwned, Scoping


class AlertKind(models.TextChoices):
    TRUE_CONFIRMED = "true_confirmed", "True alert, confirmed"
    TRUE_UNCONFIRMED = "true_unconfirmed", "True alert, unconfirmed"
    FALSE_CONFIRMED = "false_confirmed", "False alert, confirmed"
    FALSE_UNCONFIRMED = "false_unconfirmed", "False alert, unconfirmed"


CONFIRMED_KINDS = {AlertKind.TRUE_CONFIRMED, AlertKind.FALSE_CONFIRMED}
TRUE_KINDS = (AlertKind.TRUE_CONFIRMED, AlertKind.TRUE_UNCONFIRMED)
FALSE_KINDS = (AlertKind.FALSE_CONFIRMED, AlertKind.FALSE_UNCONFIRMED)


def alert_row_tallies() -> dict[str, models.Count]:
    """A set of alert rows' alerts, true_alerts and false_alerts, as SQL aggregates: the
    figures a deployment's recorded totals are weighed against (the compliance check on one
    deployment, the reports' data-quality flag on many)."""
    return {
        "alerts": models.Count("pk"),
        "true_alerts": models.Count("pk", filter=models.Q(kind__in=TRUE_KINDS)),
        "false_alerts": models.Count("pk", filter=models.Q(kind__in=FALSE_KINDS)),
    }


class PerceivedSex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not recorded"


class PerceivedAgeBand(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    AGE_18_24 = "18_24", "18-24"
    AGE_25_34 = "25_34", "25-34"
    AGE_35_44 = "35_44", "35-44"
    AGE_45_54 = "45_54", "45-54"
    AGE_55_64 = "55_64", "55-64"
    AGE_65_PLUS = "65_plus", "65 and over"
    UNKNOWN = "unknown", "Not recorded"


class PerceivedEthnicGroup(models.TextChoices):
    """The five broad ONS groups, as perceived by the officer (equality monitoring only)."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    UNKNOWN = "unknown", "Not recorded"


class Alert(RegisterModel):
    scoping: ClassVar[Scoping] = ForceOwned("deployment__force")
    deployment = models.ForeignKey(
        "register.Deployment", on_delete=models.PROTECT, related_name="alerts"
    )
    device_session = models.ForeignKey(
        "register.DeviceSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alert_records",
    )
    external_id = models.CharField(
        max_length=80, blank=True, help_text="The sending system's id, for idempotent batches."
    )
    occurred_at = models.DateTimeField()
    score = threshold_field()
    threshold = threshold_field(help_text="The threshold in force at the time of the alert.")
    watchlist_category = models.ForeignKey(
        "register.WatchlistCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adjudicated_by = models.CharField(max_length=60, blank=True, help_text="Officer id.")
    adjudication_reason = text_field(blank=True)
    kind = models.CharField(
        max_length=20, choices=AlertKind.choices, blank=True, help_text="Empty while unknown."
    )
    engaged = models.BooleanField(default=False)
    engagement_duration = models.DurationField(null=True, blank=True)
    outcome = models.ForeignKey(
        "register.Outcome", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification_method = models.CharField(max_length=120, blank=True)
    perceived_sex = models.CharField(
        max_length=10, choices=PerceivedSex.choices, default=PerceivedSex.UNKNOWN
    )
    perceived_age_band = models.CharField(
        max_length=10, choices=PerceivedAgeBand.choices, default=PerceivedAgeBand.UNKNOWN
    )
    perceived_ethnic_group = models.CharField(
        max_length=10, choices=PerceivedEthnicGroup.choices, default=PerceivedEthnicGroup.UNKNOWN
    )
    complaint_raised = models.BooleanField(default=False)
    biometric_data_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "audits_alert"  # the table's name from before the split
        ordering = ["deployment", "occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "external_id"],
                condition=~models.Q(external_id=""),
                name="alert_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deployment}: alert at {self.occurred_at:%H:%M}, score {self.score}"

    def clean(self) -> None:
        if None not in (self.score, self.threshold) and self.score < self.threshold:
            raise ValidationError(
                {
                    "score": f"An alert's score ({self.score}) cannot be below its threshold "
                    f"({self.threshold})."
                }
            )
        # Confirmed means verified after officers engaged; unconfirmed means they did not.
        if self.kind and (self.kind in CONFIRMED_KINDS) != self.engaged:
            need = "engaged" if self.kind in CONFIRMED_KINDS else "not engaged"
            raise ValidationError({"kind": f"A '{self.get_kind_display()}' alert must be {need}."})
        if self.outcome_id and not self.engaged:
            raise ValidationError({"outcome": "An outcome needs an engagement."})
        if self.engagement_duration is not None and not self.engaged:
            raise ValidationError({"engagement_duration": "No engagement took place."})
        check_end_after_start(
            self.occurred_at,
            self.biometric_data_deleted_at,
            start_field="occurred_at",
            end_field="biometric_data_deleted_at",
        )
