"""Forces, systems and reference data: read-only over the API (administered in the admin)."""

from rest_framework import serializers

from audits.register.models import Force, OffenceType, Outcome, System, UseCase, WatchlistCategory


class ForceOutput(serializers.ModelSerializer):
    class Meta:
        model = Force
        fields = "__all__"


class SystemOutput(serializers.ModelSerializer):
    class Meta:
        model = System
        fields = "__all__"


class ReferenceItemOutput(serializers.ModelSerializer):
    force: serializers.SlugRelatedField[Force] = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Empty for national reference data.",
    )

    class Meta:
        fields = ["id", "code", "name", "description", "force", "active"]


class UseCaseOutput(ReferenceItemOutput):
    class Meta(ReferenceItemOutput.Meta):
        model = UseCase


class WatchlistCategoryOutput(ReferenceItemOutput):
    class Meta(ReferenceItemOutput.Meta):
        model = WatchlistCategory


class OffenceTypeOutput(ReferenceItemOutput):
    class Meta(ReferenceItemOutput.Meta):
        model = OffenceType


class OutcomeOutput(ReferenceItemOutput):
    class Meta(ReferenceItemOutput.Meta):
        model = Outcome
        fields = [*ReferenceItemOutput.Meta.fields, "kind"]
