from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class RateOutput(serializers.Serializer):
    """k events out of n, the estimate and its two-sided 95% interval (audits.metrics.Rate)."""

    k = serializers.IntegerField()
    n = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    method = serializers.CharField()
    zero_events_upper_bound = serializers.FloatField(allow_null=True)


# Documents a SerializerMethodField that returns a rate, or null where it cannot be computed.
rate_field = extend_schema_field(RateOutput(allow_null=True))
