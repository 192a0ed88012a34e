"""The force's own review of each deployment after it ends."""

from typing import ClassVar

from django.db import models

from audits.register.models.base import Record, text_field
from audits.register.models.forces import Force
from audits.scoped import ForceOwned, Scoping


class PostDeploymentReview(Record):
    scoping: ClassVar[Scoping] = ForceOwned("deployment__force")
    deployment = models.ForeignKey(
        "register.Deployment", on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.CharField(max_length=60, help_text="Officer id, not a name.")
    reviewed_at = models.DateTimeField()
    findings = text_field()
    concerns = text_field(blank=True)
    actions = text_field(blank=True)

    class Meta:
        db_table = "audits_postdeploymentreview"  # the table's name from before the split
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"Review of {self.deployment} ({self.reviewed_at:%Y-%m-%d})"

    @property
    def force(self) -> Force:
        return self.deployment.force
