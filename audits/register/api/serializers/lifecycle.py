"""Bodies of the lifecycle actions: withdraw (a reason) and amend (a reason and the changes)."""

from typing import Any

from rest_framework import serializers

from audits.register.api.serializers.base import InputSerializer, StrictSerializer
from audits.register.services.records import REASON_MAX_LENGTH

REASON_HELP = "Why: kept with the change, in the record's history and the ledger."


class ReasonInput(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text=REASON_HELP)


def amend_input(update_input: type[InputSerializer]) -> type[StrictSerializer]:
    """{"reason": ..., "changes": {field: new value}} for a submitted record.

    `changes` takes the same fields, types and bounds as editing a draft (`update_input`), each
    optional: a correction names only what it corrects.
    """
    model_name = update_input.Meta.model.__name__
    optional = {name: {"required": False} for name in update_input.Meta.fields}
    meta = type("Meta", (update_input.Meta,), {"extra_kwargs": optional})
    changes = type(f"{model_name}Changes", (update_input,), {"Meta": meta})

    def validate_changes(self: InputSerializer, value: dict[str, Any]) -> dict[str, Any]:
        if not value:
            raise serializers.ValidationError("Name at least one field to correct.")
        return value

    return type(
        f"{model_name}AmendInput",
        (StrictSerializer,),
        {
            "reason": serializers.CharField(max_length=REASON_MAX_LENGTH, help_text=REASON_HELP),
            "changes": changes(help_text="Only the fields to correct, with their new values."),
            "validate_changes": validate_changes,
            "__doc__": f"A correction to a submitted {model_name.lower()}: both values are kept.",
        },
    )
