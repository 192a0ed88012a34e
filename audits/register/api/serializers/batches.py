from rest_framework import serializers

from audits.register.services.batches import MAX_BATCH_ITEMS


class BatchResultOutput(serializers.Serializer):
    kind = serializers.CharField()
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    already_present = serializers.IntegerField()
    ledger_seq = serializers.IntegerField(allow_null=True, help_text="The batch's ledger event.")
    digest = serializers.CharField(help_text="SHA-256 of the batch's canonical content.")


class BatchInput(serializers.Serializer):
    """The envelope, documented here; the items are read by the batch service, not by DRF."""

    force = serializers.CharField(
        required=False, help_text="Force code; defaults to yours (only a superuser names another)."
    )
    items = serializers.ListField(
        child=serializers.DictField(),
        max_length=MAX_BATCH_ITEMS,
        help_text=f"Up to {MAX_BATCH_ITEMS:,} items, each with its external_id. Nothing is written "
        "unless all are valid; items already stored with the same content are counted, not "
        "repeated.",
    )
