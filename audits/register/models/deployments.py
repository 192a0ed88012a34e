"""Deployments: one bounded use of live facial recognition at a place."""

from datetime import timedelta
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from audits.register.models.base import (
    Mode,
    Origin,
    Record,
    RegisterModel,
    check_end_after_start,
    count_field,
    text_field,
    threshold_field,
)
from audits.register.models.forces import Force
from audits.scoped import ForceOwned, Scoping


class Deployment(Record):
    scoping: ClassVar[Scoping] = ForceOwned("force")
    # The published results of a deployment, in the grids' order; the admin, the import and the
    # report selector all list them from here.
    RESULT_FIELDS = (
        "faces_seen",
        "total_alerts",
        "true_alerts_total",
        "true_confirmed",
        "true_unconfirmed",
        "false_confirmed",
        "false_unconfirmed",
        "true_alert_engagements",
        "false_alert_engagements",
        "arrests",
        "other_disposals",
        "no_action",
    )

    class Kind(models.TextChoices):
        VAN = "van", "Van LFR"
        FIXED = "fixed", "Fixed-camera LFR"
        BODYCAM = "bodycam", "Bodycam LFR"
        MOBILE = "mobile", "Mobile / drone LFR"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="deployments")
    reference = models.CharField(
        max_length=60, help_text="The force's own id; for an imported row, its published row id."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VAN)
    authorisation = models.ForeignKey(
        "register.Authorisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    watchlist = models.ForeignKey(
        "register.Watchlist",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    system = models.ForeignKey(
        "register.System", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    use_case = models.ForeignKey(
        "register.UseCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose_as_published = models.CharField(
        max_length=200,
        blank=True,
        help_text="Purpose codes or words exactly as the force published them.",
    )
    location_name = models.CharField(max_length=200)
    borough = models.CharField(max_length=80, blank=True)
    ward_code = models.CharField(max_length=12, blank=True)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    date = models.DateField(help_text="The day the deployment took place (as published).")
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    duration = models.DurationField(
        null=True, blank=True, help_text="As published where start and end times are not."
    )
    cameras = models.PositiveSmallIntegerField(null=True, blank=True)
    threshold = threshold_field(null=True, blank=True)
    faces_seen = count_field(
        "faces seen", help_text="Current estimate; every earlier value is kept as a revision."
    )
    total_alerts = count_field("total alerts")
    true_alerts_total = count_field(
        "true alerts (total)", help_text="Where the confirmed/unconfirmed split is not known."
    )
    true_confirmed = count_field("true alerts, confirmed")
    true_unconfirmed = count_field("true alerts, unconfirmed")
    false_confirmed = count_field("false alerts, confirmed")
    false_unconfirmed = count_field("false alerts, unconfirmed")
    true_alert_engagements = count_field("engagements after true alerts")
    false_alert_engagements = count_field("engagements after false alerts")
    arrests = count_field("arrests")
    other_disposals = count_field("other disposals")
    no_action = count_field("no action")
    technical_fault = models.BooleanField("technical fault / aborted", default=False)
    nonmatch_biometrics_deleted_at = models.DateTimeField(null=True, blank=True)
    alert_data_deleted_at = models.DateTimeField(null=True, blank=True)
    footage_deleted_at = models.DateTimeField(null=True, blank=True)
    published_false_alert_rate = models.CharField(
        max_length=20,
        blank=True,
        help_text="The force's own figure as published, kept to check it.",
    )
    notes = text_field(blank=True)
    source_document = models.CharField(max_length=300, blank=True)
    source_page = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        db_table = "audits_deployment"  # the table's name from before the split
        ordering = ["-date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["force", "reference"], name="deployment_unique_ref")
        ]
        indexes = [models.Index(fields=["force", "date"])]

    def __str__(self) -> str:
        return f"{self.force.code}, {self.location_name}, {self.date:%Y-%m-%d}"

    @property
    def mode(self) -> str:
        is_body = self.kind in (self.Kind.BODYCAM, self.Kind.MOBILE)
        return Mode.BODYCAM if is_body else Mode.LFR

    @property
    def hours(self) -> float | None:
        span = self.end - self.start if self.start and self.end else self.duration
        return span / timedelta(hours=1) if span is not None else None

    def clean(self) -> None:
        if self.origin != Origin.PUBLISHED:
            check_end_after_start(self.start, self.end)  # a published one is flagged
        if self.start and self.date and timezone.localdate(self.start) != self.date:
            # The published date is the day it started; a mismatch is a typing error.
            raise ValidationError({"date": "The date must be the day the deployment started."})
        if self.origin != Origin.PUBLISHED:
            # A force's table is evidence of what it said: its own arithmetic is kept as
            # published and flagged (metrics.quality), never refused.
            self._check_alert_kinds_add_up()

    def _check_alert_kinds_add_up(self) -> None:
        split = (self.true_confirmed, self.true_unconfirmed)
        if (
            self.true_alerts_total is not None
            and None not in split
            and sum(split) != (self.true_alerts_total)
        ):
            raise ValidationError(
                {
                    "true_alerts_total": (
                        f"{self.true_alerts_total} true alerts in total, but confirmed "
                        f"+ unconfirmed = {sum(split)}."
                    )
                }
            )
        true = sum(split) if None not in split else self.true_alerts_total
        false_split = (self.false_confirmed, self.false_unconfirmed)
        false = sum(false_split) if None not in false_split else None
        if None not in (self.total_alerts, true, false) and true + false != self.total_alerts:
            raise ValidationError(
                {
                    "total_alerts": (
                        f"{self.total_alerts} alerts in total, but true ({true}) + false ({false}) "
                        f"= {true + false}."
                    )
                }
            )


# How the deployment kinds group into the modes of the domain reference (section 1).
MODE_OF_KIND = {
    Deployment.Kind.VAN: "lfr",
    Deployment.Kind.FIXED: "lfr",
    Deployment.Kind.BODYCAM: "bodycam",
    Deployment.Kind.MOBILE: "bodycam",
}
KINDS_OF_MODE = {
    "lfr": [Deployment.Kind.VAN, Deployment.Kind.FIXED],
    "bodycam": [Deployment.Kind.BODYCAM, Deployment.Kind.MOBILE],
}


class FacesSeenRevision(RegisterModel):
    """Every published faces-seen estimate: a new estimate never erases the old one."""

    scoping: ClassVar[Scoping] = ForceOwned("deployment__force")

    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, related_name="faces_seen_revisions"
    )
    value = models.PositiveIntegerField()
    as_of = models.DateField(help_text="When this estimate was published or recorded.")
    source = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "audits_facesseenrevision"  # the table's name from before the split
        ordering = ["deployment", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.value:,} faces as of {self.as_of:%Y-%m-%d}"


class DeviceSession(RegisterModel):
    """One bodycam or mobile device's session within a bodycam deployment."""

    scoping: ClassVar[Scoping] = ForceOwned("deployment__force")

    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, related_name="device_sessions"
    )
    external_id = models.CharField(
        max_length=80, blank=True, help_text="The sending system's id, for idempotent batches."
    )
    device_id = models.CharField(max_length=60)
    officer_reference = models.CharField(max_length=60, help_text="Collar number, not a name.")
    start = models.DateTimeField()
    end = models.DateTimeField()
    faces_seen = count_field("faces seen")
    alerts = count_field("alerts")

    class Meta:
        db_table = "audits_devicesession"  # the table's name from before the split
        ordering = ["deployment", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "external_id"],
                condition=~models.Q(external_id=""),
                name="device_session_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} ({self.officer_reference}) {self.start:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        check_end_after_start(self.start, self.end)
        if self.deployment_id and self.deployment.kind not in (
            Deployment.Kind.BODYCAM,
            Deployment.Kind.MOBILE,
        ):
            raise ValidationError(
                {"deployment": "Device sessions belong to bodycam or mobile deployments only."}
            )
