"""The authority for a deployment: who approved it, why these people, why this place."""

from typing import ClassVar

from django.db import models

from audits.register.models.base import Record, check_end_after_start, text_field
from audits.register.models.forces import Force, Rank
from audits.scoped import ForceOwned, Scoping


class Authorisation(Record):
    scoping: ClassVar[Scoping] = ForceOwned("force")

    class EuDecision(models.TextChoices):
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        PENDING = "pending", "Pending"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="authorisations")
    reference = models.CharField(max_length=60)
    ao_identifier = models.CharField(
        "authorising officer", max_length=60, help_text="Collar number or staff id, not a name."
    )
    ao_rank = models.PositiveSmallIntegerField("authorising officer rank", choices=Rank.choices)
    authorised_at = models.DateTimeField()
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    urgent = models.BooleanField("urgent (oral) authority", default=False)
    written_confirmation_at = models.DateTimeField(null=True, blank=True)
    legal_basis = models.CharField(max_length=200, blank=True)
    policy_paragraph = models.CharField(max_length=60, blank=True)
    use_case = models.ForeignKey(
        "register.UseCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    intelligence_case = text_field(blank=True)
    watchlist_justification = text_field("who: watchlist criteria justification", blank=True)
    location_justification = text_field("where: why this place", blank=True)
    necessity = text_field(blank=True)
    alternatives_considered = text_field("less intrusive alternatives considered", blank=True)
    dpia_reference = models.CharField("DPIA reference", max_length=80, blank=True)
    equality_impact_reference = models.CharField(
        "equality impact (PSED) reference", max_length=80, blank=True
    )
    policy_document_reference = models.CharField(
        "appropriate policy document reference", max_length=80, blank=True
    )
    public_notice_at = models.DateTimeField("public notice given at", null=True, blank=True)
    public_notice_method = models.CharField(max_length=200, blank=True)
    oversight_body_notified_at = models.DateTimeField(null=True, blank=True)
    eu_authority_type = models.CharField("EU authority type", max_length=80, blank=True)
    eu_decision = models.CharField(
        "EU decision", max_length=10, choices=EuDecision.choices, blank=True
    )
    eu_requested_at = models.DateTimeField("EU request time", null=True, blank=True)
    eu_decided_at = models.DateTimeField("EU decision time", null=True, blank=True)

    class Meta:
        db_table = "audits_authorisation"  # the table's name from before the split
        ordering = ["-authorised_at"]
        permissions = [("approve_authorisation", "Can approve (submit) authorisations")]
        constraints = [
            models.UniqueConstraint(fields=["force", "reference"], name="authorisation_unique_ref")
        ]

    def __str__(self) -> str:
        return f"{self.force.code} {self.reference} ({self.authorised_at:%Y-%m-%d})"

    def clean(self) -> None:
        check_end_after_start(
            self.valid_from, self.valid_to, start_field="valid_from", end_field="valid_to"
        )
        check_end_after_start(
            self.authorised_at,
            self.written_confirmation_at,
            start_field="authorised_at",
            end_field="written_confirmation_at",
        )
        check_end_after_start(
            self.eu_requested_at,
            self.eu_decided_at,
            start_field="eu_requested_at",
            end_field="eu_decided_at",
        )
