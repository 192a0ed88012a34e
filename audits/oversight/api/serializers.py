"""Commissioner reviews with their messages, the body that opens one, and each step's text."""

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from audits.oversight.models import CommissionerReview, ReviewMessage
from audits.register.api.serializers.base import (
    ForceField,
    InputSerializer,
    StrictSerializer,
    force_code,
)

# The admin's step form takes any length; a bound keeps one request from filling the database.
LONGEST_TEXT = 20_000


def username(**kwargs: Any) -> serializers.SlugRelatedField[User]:
    return serializers.SlugRelatedField(slug_field="username", read_only=True, **kwargs)


class ReviewMessageOutput(serializers.ModelSerializer):
    author = username()

    class Meta:
        model = ReviewMessage
        fields = ["id", "kind", "author", "text", "written_at"]


class CommissionerReviewOutput(serializers.ModelSerializer):
    force = force_code()
    opened_by = username()
    evaluator = username(allow_null=True)
    validator = username(allow_null=True)
    messages = ReviewMessageOutput(many=True, read_only=True)

    class Meta:
        model = CommissionerReview
        fields = [
            "id",
            "subject",
            "force",
            "deployment",
            "period_start",
            "period_end",
            "state",
            "opened_by",
            "opened_at",
            "evaluator",
            "assessment",
            "assessed_at",
            "validator",
            "opinion",
            "signed_at",
            "messages",
        ]


class CommissionerReviewOpenInput(InputSerializer):
    """A deployment, or a force and a whole period (the admin's "add" form)."""

    force = ForceField(required=False, help_text="Force code; taken from the deployment if given.")

    class Meta:
        model = CommissionerReview
        fields = ["subject", "force", "deployment", "period_start", "period_end"]


def step_text(help_text: str) -> serializers.CharField:
    return serializers.CharField(max_length=LONGEST_TEXT, help_text=help_text)


class RequestInformationInput(StrictSerializer):
    text = step_text("What the commissioner asks the force for.")


class AnswerInput(StrictSerializer):
    text = step_text("The force's answer.")


class AssessInput(StrictSerializer):
    assessment = step_text("The evaluator's assessment.")


class SignOffInput(StrictSerializer):
    opinion = step_text("The validator's opinion; signing off locks the review.")


class ReturnInput(StrictSerializer):
    reason = step_text("Why the assessment goes back to the evaluator.")
