from rest_framework import serializers

from audits.metrics import GROUP_KEYS
from audits.reporting.renderers import RENDERERS

INTERVALS = ["wilson", "exact"]


class ReportOptionsInput(serializers.Serializer):
    """The report's own options; the filters are those of the deployment list (from, to, ...)."""

    group_by = serializers.ListField(
        child=serializers.ChoiceField(choices=GROUP_KEYS), default=["year"], max_length=8
    )
    format = serializers.ChoiceField(choices=sorted(RENDERERS), default="json")
    interval = serializers.ChoiceField(choices=INTERVALS, default="wilson")
