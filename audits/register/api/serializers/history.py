"""Amendments and ledger events: history, read-only."""

import json

from django.contrib.auth.models import User
from rest_framework import serializers

from audits.ledger import services as ledger
from audits.ledger.models import LedgerEvent
from audits.register.models import Amendment


class AmendmentOutput(serializers.ModelSerializer):
    object_type = serializers.CharField(source="content_type.model", read_only=True)
    amended_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Empty for imports."
    )

    class Meta:
        model = Amendment
        fields = [
            "id",
            "object_type",
            "object_id",
            "field",
            "old_value",
            "new_value",
            "reason",
            "amended_by",
            "amended_at",
            "ledger_seq",
        ]


class LedgerEventOutput(serializers.ModelSerializer):
    changes = serializers.SerializerMethodField(
        help_text="The change as stored (canonical JSON), parsed."
    )

    class Meta:
        model = LedgerEvent
        fields = list(ledger.COLUMNS)  # every stored field, in the chain's order

    def get_changes(self, event: LedgerEvent) -> dict:
        return json.loads(event.changes)
