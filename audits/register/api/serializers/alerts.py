from rest_framework import serializers

from audits.register.api.serializers.base import InputSerializer, editable_fields, force_code
from audits.register.models import Alert

FIELDS = editable_fields(Alert, exclude={"deployment"})


class AlertCreateInput(InputSerializer):
    class Meta:
        model = Alert
        fields = ["deployment", *FIELDS]


class AlertUpdateInput(InputSerializer):
    class Meta:
        model = Alert
        fields = FIELDS


class AlertOutput(serializers.ModelSerializer):
    force = force_code("deployment.force.code")

    class Meta:
        model = Alert
        fields = "__all__"
