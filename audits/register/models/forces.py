"""Forces (the tenants), their policy settings, users' membership, and the systems they run."""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models

from audits.ledger.capture import AuditedQuerySet
from audits.register.models.base import Mode, text_field, threshold_field
from audits.scoped import SHARED, ForceOwned, Scoping


class Rank(models.IntegerChoices):
    """UK police ranks in order, so that "at or above the minimum rank" is a comparison."""

    CONSTABLE = 1, "Constable"
    SERGEANT = 2, "Sergeant"
    INSPECTOR = 3, "Inspector"
    CHIEF_INSPECTOR = 4, "Chief Inspector"
    SUPERINTENDENT = 5, "Superintendent"
    CHIEF_SUPERINTENDENT = 6, "Chief Superintendent"
    COMMANDER = 7, "Commander / Assistant Chief Constable"
    DEPUTY_ASSISTANT_COMMISSIONER = 8, "Deputy Assistant Commissioner / Deputy Chief Constable"
    CHIEF_CONSTABLE = 9, "Chief Constable / Commissioner"


class Force(models.Model):
    scoping: ClassVar[Scoping] = ForceOwned("")
    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(max_length=12, unique=True, help_text="Short code, e.g. MPS, SWP.")
    jurisdiction = models.CharField(max_length=120, blank=True)
    oversight_bodies = text_field(blank=True, help_text="One per line.")
    # Policy settings: the APP and force policies differ, so every limit is per force.
    minimum_threshold = threshold_field(default=Decimal("0.6"))
    ao_minimum_rank = models.PositiveSmallIntegerField(
        "authorising officer minimum rank", choices=Rank.choices, default=Rank.SUPERINTENDENT
    )
    alert_data_retention_days = models.PositiveIntegerField(default=31)
    footage_retention_days = models.PositiveIntegerField(default=31)
    review_deadline_days = models.PositiveIntegerField(
        "post-deployment review deadline (days)", default=28
    )
    watchlist_maximum_size = models.PositiveIntegerField(null=True, blank=True)

    objects = AuditedQuerySet.as_manager()  # QuerySet.update is captured too

    class Meta:
        db_table = "audits_force"  # the table's name from before the split
        ordering = ["code"]
        # Permissions of the whole register, held here because they belong to no one model.
        permissions = [
            ("view_all_forces", "Can read every force's records"),
            ("submit_record", "Can submit records (locks them)"),
            ("amend_record", "Can amend submitted records, with a reason"),
            ("withdraw_record", "Can withdraw records, with a reason"),
            ("mark_reviewed", "Can mark submitted records as reviewed"),
            ("import_records", "Can import published tables (own force, or any if reading all)"),
        ]

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    """A user belongs to at most one force; commissioners and auditors belong to none."""

    scoping: ClassVar[Scoping] = ForceOwned("force")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="members")

    objects = AuditedQuerySet.as_manager()  # QuerySet.update is captured too

    class Meta:
        db_table = "audits_membership"  # the table's name from before the split

    def __str__(self) -> str:
        return f"{self.user} ({self.force})"


class System(models.Model):
    """A facial recognition product as deployed: vendor, algorithm and version, mode."""

    scoping: ClassVar[Scoping] = SHARED

    vendor = models.CharField(max_length=80)
    algorithm = models.CharField(max_length=80)
    version = models.CharField(max_length=40, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices)

    objects = AuditedQuerySet.as_manager()  # QuerySet.update is captured too

    class Meta:
        db_table = "audits_system"  # the table's name from before the split
        ordering = ["vendor", "algorithm", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "algorithm", "version", "mode"], name="system_unique"
            )
        ]

    def __str__(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.vendor} {self.algorithm}{version} ({self.get_mode_display()})"
