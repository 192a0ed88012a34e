"""Corrections to submitted records: the old and the new value side by side, with a reason."""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from audits.register.models.base import RegisterModel, text_field
from audits.scoped import ForceOwned, Scoping


class Amendment(RegisterModel):
    scoping: ClassVar[Scoping] = ForceOwned("force")
    # The amended record's force, held here because the record is reached only generically and
    # scope() must be able to filter amendments by force in SQL.
    force = models.ForeignKey("register.Force", on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=80)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    reason = text_field()
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    amended_at = models.DateTimeField(auto_now_add=True)
    ledger_seq = models.BigIntegerField(help_text="The ledger event that recorded this amendment.")

    class Meta:
        db_table = "audits_amendment"  # the table's name from before the split
        ordering = ["-amended_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value!r} -> {self.new_value!r}"
