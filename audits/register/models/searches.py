"""Retrospective (RFR) and operator-initiated (OIFR) searches: one probe against custody images."""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models

from audits.register.models.base import Record, check_end_after_start, text_field, threshold_field
from audits.register.models.forces import Force
from audits.scoped import ForceOwned, Scoping


class Search(Record):
    scoping: ClassVar[Scoping] = ForceOwned("force")

    class Mode(models.TextChoices):
        RFR = "rfr", "Retrospective (RFR)"
        OIFR = "oifr", "Operator-initiated (OIFR)"

    class Purpose(models.TextChoices):
        SUSPECT = "suspect", "Identify a suspect"
        VICTIM = "victim", "Identify a victim or witness"
        MISSING = "missing", "Missing person"
        DECEASED = "deceased", "Deceased person"
        UNABLE = "unable_to_identify", "Person unable to identify themselves"

    class ProbeSource(models.TextChoices):
        CCTV = "cctv", "CCTV"
        PHONE = "phone", "Phone footage (public)"
        DOORBELL = "doorbell", "Doorbell camera"
        SOCIAL_MEDIA = "social_media", "Social media"
        BODYCAM = "bodycam", "Body-worn video"
        OFFICER_PHONE = "officer_phone", "Officer's phone (OIFR)"

    class Seriousness(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        SERIOUS = "serious", "Serious"

    class Outcome(models.TextChoices):
        LEAD = "lead", "Possible match (a lead only)"
        NO_MATCH = "no_match", "No match"
        ELIMINATED = "eliminated", "Candidate eliminated"

    class ReviewDecision(models.TextChoices):
        POSSIBLE_MATCH = "possible_match", "Possible match"
        NO_MATCH = "no_match", "No match"
        INCONCLUSIVE = "inconclusive", "Inconclusive"

    class LegalCondition(models.TextChoices):
        DECEASED = "deceased", "Deceased"
        UNCONSCIOUS = "unconscious", "Unconscious"
        INCAPABLE = "incapable", "Incapable of giving details"
        REFUSED = "refused_details", "Refused to give details"
        FALSE_DETAILS = "false_details", "Suspected of giving false details"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="searches")
    external_id = models.CharField(max_length=80)
    mode = models.CharField(max_length=4, choices=Mode.choices)
    occurred_at = models.DateTimeField()
    requesting_officer = models.CharField(max_length=60, blank=True, help_text="Officer id.")
    requesting_unit = models.CharField(max_length=120, blank=True)
    operator = models.CharField(max_length=60, blank=True, help_text="Officer id.")
    operator_trained = models.BooleanField(default=False)
    crime_reference = models.CharField(max_length=60, blank=True)
    offence_type = models.ForeignKey(
        "register.OffenceType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seriousness = models.CharField(max_length=10, choices=Seriousness.choices, blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    reason = text_field(blank=True)
    probe_source = models.CharField(max_length=20, choices=ProbeSource.choices)
    database_searched = models.CharField(max_length=120, blank=True)
    database_size = models.PositiveIntegerField(null=True, blank=True)
    system = models.ForeignKey(
        "register.System", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    threshold = threshold_field(null=True, blank=True)
    rank_limit = models.PositiveSmallIntegerField(null=True, blank=True)
    candidates_returned = models.PositiveSmallIntegerField(null=True, blank=True)
    first_reviewer = models.CharField(max_length=60, blank=True)
    first_review_decision = models.CharField(
        max_length=20, choices=ReviewDecision.choices, blank=True
    )
    second_reviewer = models.CharField(max_length=60, blank=True)
    second_review_decision = models.CharField(
        max_length=20, choices=ReviewDecision.choices, blank=True
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    corroboration_recorded = models.BooleanField(default=False)
    arrest = models.BooleanField(default=False)
    charge = models.BooleanField(default=False)
    oifr_legal_condition = models.CharField(
        "OIFR legal condition", max_length=20, choices=LegalCondition.choices, blank=True
    )
    eu_authorisation_reference = models.CharField(max_length=80, blank=True)
    eu_exemption = models.CharField(max_length=120, blank=True)
    eu_requested_at = models.DateTimeField("EU authorisation requested at", null=True, blank=True)
    eu_decided_at = models.DateTimeField("EU authorisation decided at", null=True, blank=True)
    probe_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "audits_search"  # the table's name from before the split
        ordering = ["-occurred_at"]
        verbose_name_plural = "searches"
        constraints = [
            models.UniqueConstraint(fields=["force", "external_id"], name="search_unique_ref")
        ]
        indexes = [models.Index(fields=["force", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.force.code} {self.get_mode_display().split()[-1]} {self.external_id}"

    def clean(self) -> None:
        errors = {}
        returned, limit = self.candidates_returned, self.rank_limit
        if returned is not None and limit is not None and returned > limit:
            errors["candidates_returned"] = (
                f"{self.candidates_returned} candidates returned, above the rank limit "
                f"of {self.rank_limit}."
            )
        if self.second_reviewer and self.second_reviewer == self.first_reviewer:
            errors["second_reviewer"] = "The second reviewer must be a different person."
        if self.oifr_legal_condition and self.mode != self.Mode.OIFR:
            errors["oifr_legal_condition"] = "Only operator-initiated searches have one."
        if errors:
            raise ValidationError(errors)
        check_end_after_start(
            self.occurred_at,
            self.probe_deleted_at,
            start_field="occurred_at",
            end_field="probe_deleted_at",
        )
