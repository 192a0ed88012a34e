"""Commissioner reviews of a deployment or a period, from opening to sign-off.

open -> information requested -> answered -> assessed -> signed off, or returned to the evaluator
with a reason (and assessed again). The evaluator and the validator must be different people, and
a signed review is locked.
"""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from audits.ledger.capture import AuditedQuerySet
from audits.register.models.base import check_end_after_start, text_field
from audits.scoped import ForceOwned, Scoping


class CommissionerReview(models.Model):
    scoping: ClassVar[Scoping] = ForceOwned("force")

    class State(models.TextChoices):
        OPEN = "open", "Open"
        INFORMATION_REQUESTED = "information_requested", "Information requested from the force"
        ANSWERED = "answered", "Force answered"
        ASSESSED = "assessed", "Assessed, awaiting sign-off"
        RETURNED = "returned", "Returned to the evaluator"
        SIGNED_OFF = "signed_off", "Signed off"

    force = models.ForeignKey(
        "register.Force", on_delete=models.PROTECT, related_name="commissioner_reviews"
    )
    deployment = models.ForeignKey(
        "register.Deployment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissioner_reviews",
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    subject = models.CharField(max_length=200, help_text="What is under review, in a line.")
    state = models.CharField(max_length=30, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessment = text_field(blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    validator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = text_field(blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = AuditedQuerySet.as_manager()  # QuerySet.update is captured too

    class Meta:
        db_table = "audits_commissionerreview"  # the table's name from before the split
        ordering = ["-opened_at"]
        permissions = [
            ("conduct_commissioner_review", "Can open, assess and sign off commissioner reviews"),
            ("answer_commissioner_review", "Can answer a commissioner's request for its force"),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk}: {self.subject}"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.SIGNED_OFF

    def clean(self) -> None:
        if self.deployment is None and (self.period_start is None or self.period_end is None):
            raise ValidationError({"deployment": "Review a deployment, or give a whole period."})
        if self.deployment is not None and self.deployment.force_id != self.force_id:
            raise ValidationError({"deployment": "The deployment belongs to another force."})
        check_end_after_start(
            self.period_start, self.period_end, start_field="period_start", end_field="period_end"
        )


class ReviewMessage(models.Model):
    """One step's words: the commissioner's request, the force's answer, a return's reason."""

    scoping: ClassVar[Scoping] = ForceOwned("review__force")

    class Kind(models.TextChoices):
        REQUEST = "request", "Request for information"
        ANSWER = "answer", "Force's answer"
        RETURN = "return", "Returned with a reason"

    review = models.ForeignKey(
        CommissionerReview, on_delete=models.PROTECT, related_name="messages"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = text_field()
    written_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()  # QuerySet.update is captured too

    class Meta:
        db_table = "audits_reviewmessage"  # the table's name from before the split
        ordering = ["written_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"
