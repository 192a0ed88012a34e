"""Policy profiles, their rules, and the findings the rules raise on records.

Profiles and rules are data (seeded by a migration, editable in the admin); each rule names a
check function in audits/compliance/checks.py and carries its parameters, so a limit such as
"urgent authority confirmed within 24 hours" is a number in a row, not a constant in code.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from audits.ledger.capture import AuditedQuerySet
from audits.register.models.base import text_field
from audits.scoped import SHARED, ForceOwned, Scoping


def exact_parameters(value: Any, where: str = "parameters") -> None:
    """A rule's parameters hold no floats: a limit is exact, and the ledger writes no floats
    (docs/ledger-format.md). A share or a rate is a decimal string: "0.05", not 0.05."""
    if isinstance(value, float):
        raise ValidationError(
            f"{where}: {value!r} is a number with a fraction: write it as a decimal string, "
            f'"{value!r}".'
        )
    if isinstance(value, dict):
        for key, item in value.items():
            exact_parameters(item, f"{where}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            exact_parameters(item, f"{where}[{number}]")


class PolicyProfile(models.Model):
    scoping: ClassVar[Scoping] = SHARED
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = text_field(blank=True)
    source = models.CharField(max_length=300, help_text="The document the profile follows.")
    all_forces = models.BooleanField(
        default=False, help_text="Judge every force's records (else only the forces listed)."
    )
    forces = models.ManyToManyField(
        "register.Force",
        blank=True,
        related_name="policy_profiles",
        help_text="Forces whose records this profile judges.",
    )

    objects = AuditedQuerySet.as_manager()  # QuerySet.update is captured too

    class Meta:
        db_table = "audits_policyprofile"  # the table's name from before the split
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Severity(models.TextChoices):
    INFO = "info", "Information"
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"
    CRITICAL = "critical", "Critical"


SEVERITY_ORDER: dict[str, int] = {
    Severity.INFO: 0,
    Severity.MINOR: 1,
    Severity.MAJOR: 2,
    Severity.CRITICAL: 3,
}


class RuleManager(models.Manager["Rule"]):
    _queryset_class = AuditedQuerySet  # what Manager.from_queryset sets: updates are captured

    def get_queryset(self) -> models.QuerySet:
        # A rule is named by its profile ("app-force-policy/threshold-minimum") everywhere.
        return super().get_queryset().select_related("profile")


class Rule(models.Model):
    scoping: ClassVar[Scoping] = SHARED

    class AppliesTo(models.TextChoices):
        AUTHORISATION = "authorisation", "Authorisation"
        DEPLOYMENT = "deployment", "Deployment"
        WATCHLIST = "watchlist", "Watchlist"
        ALERT = "alert", "Alert"
        SEARCH = "search", "Search"

    profile = models.ForeignKey(PolicyProfile, on_delete=models.CASCADE, related_name="rules")
    code = models.SlugField(max_length=60, help_text="The rule's id within its profile.")
    description = text_field()
    source = models.CharField(max_length=300)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices)
    check_name = models.CharField(
        max_length=60, help_text="Name of the check in compliance/checks.py."
    )
    parameters = models.JSONField(default=dict, blank=True, validators=[exact_parameters])
    active = models.BooleanField(default=True)

    objects = RuleManager()

    class Meta:
        db_table = "audits_rule"  # the table's name from before the split
        ordering = ["profile", "code"]
        constraints = [models.UniqueConstraint(fields=["profile", "code"], name="rule_unique_code")]

    def __str__(self) -> str:
        return f"{self.profile.code}/{self.code}"


class Finding(models.Model):
    """A rule broken by a record. Re-evaluation resolves it when the record is put right."""

    scoping: ClassVar[Scoping] = ForceOwned("force")

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="findings")
    force = models.ForeignKey("register.Force", on_delete=models.PROTECT, related_name="findings")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    record_label = models.CharField(max_length=200)
    message = text_field()
    severity = models.CharField(max_length=10, choices=Severity.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_evaluated = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_findings",
    )

    class Meta:
        db_table = "audits_finding"  # the table's name from before the split
        ordering = ["state", "-first_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id"], name="finding_once_per_rule"
            )
        ]
        indexes = [
            models.Index(fields=["force", "state"]),
            # Every write to a record reads that record's findings (evaluate): without this,
            # the read walks every finding of that kind of record (the content type's own
            # index; the unique constraint leads with the rule).
            models.Index(fields=["content_type", "object_id"], name="finding_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.record_label}"
