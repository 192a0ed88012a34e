"""Policy profiles with their rules, and findings: read-only but for a finding's assignee."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from rest_framework import serializers

from audits.compliance.models import Finding, PolicyProfile, Rule
from audits.register.api.serializers.base import StrictSerializer, force_code
from audits.register.models import Force


class RuleOutput(serializers.ModelSerializer):
    profile = serializers.CharField(source="profile.code", read_only=True)

    class Meta:
        model = Rule
        fields = [
            "id",
            "profile",
            "code",
            "description",
            "source",
            "severity",
            "applies_to",
            "check_name",
            "parameters",
            "active",
        ]


class PolicyProfileOutput(serializers.ModelSerializer):
    forces: serializers.SlugRelatedField[Force] = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text="The forces judged by this profile, unless it judges all of them.",
    )
    rules = RuleOutput(many=True, read_only=True)

    class Meta:
        model = PolicyProfile
        fields = ["id", "code", "name", "description", "source", "all_forces", "forces", "rules"]


class FindingOutput(serializers.ModelSerializer):
    force = force_code()
    rule_name = serializers.CharField(
        source="rule.__str__", read_only=True, help_text="profile/code, e.g. app-force-policy/..."
    )
    check_name = serializers.CharField(source="rule.check_name", read_only=True)
    record_type = serializers.CharField(source="content_type.model", read_only=True)
    record_id = serializers.IntegerField(source="object_id", read_only=True)
    assigned_to: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "rule",
            "rule_name",
            "check_name",
            "force",
            "record_type",
            "record_id",
            "record_label",
            "message",
            "severity",
            "state",
            "first_seen",
            "last_evaluated",
            "resolved_at",
            "assigned_to",
        ]


class FindingAssignInput(StrictSerializer):
    assignee = serializers.CharField(
        allow_null=True,
        max_length=150,
        help_text=(
            "Username of an active staff user who can read the finding (its force's, or one "
            "who reads every force); null leaves the finding unassigned."
        ),
    )

    def validate_assignee(self, username: str | None) -> User | None:
        if username is None:
            return None
        # The admin offers active staff users only (audits/compliance/admin.py).
        users = get_user_model().objects.filter(is_active=True, is_staff=True)
        assignee = users.filter(username=username).first()
        if assignee is None:
            raise serializers.ValidationError("No active staff user has this username.")
        return assignee
