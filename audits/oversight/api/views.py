"""Commissioner reviews: open one, then each step of the workflow as a POST on the review.

Every step goes through audits/oversight/services.py, as in the admin: the service checks the
permission, the caller's scope, the state the step starts from and who may take it (the force
answers its own review; the validator is not the evaluator), and writes the ledger event. The
permission class refuses a role without the step's permission before anything is looked up.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from audits.oversight import filtersets
from audits.oversight import services as reviews
from audits.oversight.api import serializers as commissioner
from audits.oversight.models import CommissionerReview, ReviewMessage
from audits.register.api.views.base import ReadViewSet, SchemaEntry
from audits.register.scoping import acting_user

# action: its body
STEP_INPUTS: dict[str, type[serializers.Serializer]] = {
    "request_information": commissioner.RequestInformationInput,
    "answer": commissioner.AnswerInput,
    "assess": commissioner.AssessInput,
    "sign_off": commissioner.SignOffInput,
    "return_to_evaluator": commissioner.ReturnInput,
}


class CommissionerReviewViewSet(ReadViewSet):
    """Reviews of a deployment or a period: a force's reviewers read their own force's,
    commissioners and auditors every force's."""

    queryset = CommissionerReview.objects.select_related(
        "force", "opened_by", "evaluator", "validator"
    ).prefetch_related(
        Prefetch("messages", queryset=ReviewMessage.objects.select_related("author"))
    )
    output_serializer = commissioner.CommissionerReviewOutput
    filterset_class = filtersets.CommissionerReviewFilterSet
    # The admin's permission for each step (audits/oversight/admin.py, STEPS).
    action_permissions = {
        "create": reviews.CONDUCT,
        **{name: reviews.CONDUCT for name in STEP_INPUTS},
        "answer": reviews.ANSWER,
    }

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a review of a deployment, or of a force over a whole period."""
        data = self.read_input(commissioner.CommissionerReviewOpenInput)
        review = reviews.review_open(user=acting_user(request.user), **data)
        return self.output(review, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="request-information")
    def request_information(self, request: Request, pk: str | None = None) -> Response:
        """Ask the force for information (from open, answered or returned)."""
        return self.take_step(reviews.review_request_information)

    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """The reviewed force answers the request (a reviewer of that force only)."""
        return self.take_step(reviews.review_answer)

    @action(detail=True, methods=["post"])
    def assess(self, request: Request, pk: str | None = None) -> Response:
        """Write the assessment (from open, answered or returned); the caller is the evaluator."""
        return self.take_step(reviews.review_assess)

    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        """Sign off an assessed review with an opinion (not by its evaluator); it is then locked."""
        return self.take_step(reviews.review_sign_off)

    @action(detail=True, methods=["post"], url_path="return")
    def return_to_evaluator(self, request: Request, pk: str | None = None) -> Response:
        """Return an assessed review to the evaluator with a reason (not by its evaluator)."""
        return self.take_step(reviews.review_return)

    def take_step(self, service: Callable[..., CommissionerReview]) -> Response:
        review = self.get_object()
        text = self.read_input(STEP_INPUTS[self.action])
        service(user=self.request.user, review=review, **text)
        return self.output(self.get_object())  # read again: the step may have added a message

    def schema_for(self, action_name: str) -> SchemaEntry | None:
        if action_name == "create":
            return commissioner.CommissionerReviewOpenInput, {201: self.output_serializer}
        if action_name in STEP_INPUTS:
            return STEP_INPUTS[action_name], {200: self.output_serializer}
        return super().schema_for(action_name)
