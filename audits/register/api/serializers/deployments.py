from rest_framework import serializers

from audits.metrics import record as figures
from audits.register.api.serializers.base import (
    BoundedDateField,
    ForceOwnedInput,
    InputSerializer,
    RecordOutput,
    StrictSerializer,
    editable_fields,
    force_code,
)
from audits.register.api.serializers.metrics import RateOutput, rate_field
from audits.register.models import (
    Deployment,
    DeviceSession,
    FacesSeenRevision,
    Publication,
    PublishedRow,
)

FIELDS = editable_fields(Deployment, exclude={"force"})


class DeploymentCreateInput(ForceOwnedInput):
    class Meta:
        model = Deployment
        fields = ["force", *FIELDS]


class DeploymentUpdateInput(InputSerializer):
    class Meta:
        model = Deployment
        fields = FIELDS


class PublicationOutput(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = ["id", "series", "file_name", "sha256", "created", "layout", "rate_of"]


class PublishedRowOutput(serializers.ModelSerializer):
    """Where a published record was printed, what each cell said, and the defects its table
    showed (the row's own figures are judged in the reports' data-quality section)."""

    publication = PublicationOutput(read_only=True)

    class Meta:
        model = PublishedRow
        fields = [
            "publication",
            "page",
            "row",
            "natural_key",
            "cells",
            "qualifiers",
            "date_until",
            "flags",
        ]


class DeploymentOutput(RecordOutput):
    """The record, plus the per-deployment figures the admin list shows (one definition each)."""

    mode = serializers.CharField(read_only=True)
    published = PublishedRowOutput(source="published_rows", many=True, read_only=True)
    false_alerts = serializers.SerializerMethodField()
    false_alert_rate_per_face = serializers.SerializerMethodField()
    false_alert_share_of_alerts = serializers.SerializerMethodField()

    class Meta:
        model = Deployment
        fields = "__all__"

    def get_false_alerts(self, deployment: Deployment) -> int | None:
        return figures.false_alerts(deployment.false_confirmed, deployment.false_unconfirmed)

    @rate_field
    def get_false_alert_rate_per_face(self, deployment: Deployment) -> dict | None:
        figure = figures.false_alert_rate_per_face(
            self.get_false_alerts(deployment), deployment.faces_seen
        )
        return RateOutput(figure).data if figure else None

    @rate_field
    def get_false_alert_share_of_alerts(self, deployment: Deployment) -> dict | None:
        figure = figures.false_alert_share_of_alerts(
            self.get_false_alerts(deployment), deployment.total_alerts
        )
        return RateOutput(figure).data if figure else None


class FacesSeenRevisionInput(StrictSerializer):
    """A new published estimate. A submitted deployment is amended, which needs a reason."""

    value = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    as_of = BoundedDateField()
    # DRF's metaclass takes declared fields off the class, so this never shadows Field.source;
    # the stubs cannot tell.
    source = serializers.CharField(max_length=300, allow_blank=True, default="")  # type: ignore[assignment]
    reason = serializers.CharField(allow_blank=True, default="", max_length=2000)


class FacesSeenRevisionOutput(serializers.ModelSerializer):
    class Meta:
        model = FacesSeenRevision
        fields = ["id", "deployment", "value", "as_of", "source", "recorded_at"]


SESSION_FIELDS = editable_fields(DeviceSession, exclude={"deployment"})


class DeviceSessionCreateInput(InputSerializer):
    class Meta:
        model = DeviceSession
        fields = ["deployment", *SESSION_FIELDS]


class DeviceSessionUpdateInput(InputSerializer):
    class Meta:
        model = DeviceSession
        fields = SESSION_FIELDS


class DeviceSessionOutput(serializers.ModelSerializer):
    force = force_code("deployment.force.code")

    class Meta:
        model = DeviceSession
        fields = "__all__"
