"""The commissioner review workflow. Every step checks who may take it and from which state, and
appends one ledger event; a signed-off review is locked."""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.ledger.models import LedgerAction
from audits.ledger.services import recorded
from audits.oversight.models import CommissionerReview, ReviewMessage
from audits.register.models import Deployment, Force
from audits.register.models.base import TEXT_MAX_LENGTH
from audits.register.notify import notify, people_who_may
from audits.register.scoping import scope, user_force
from audits.register.services.records import log_event

State = CommissionerReview.State
CONDUCT = "oversight.conduct_commissioner_review"
ANSWER = "oversight.answer_commissioner_review"


def _require(user: User, permission: str, review: CommissionerReview | None = None) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(f"{user.get_username()} lacks the permission {permission}.")
    if (
        review is not None
        and not scope(CommissionerReview.objects.filter(pk=review.pk), user).exists()
    ):
        raise PermissionDenied(f"{user.get_username()} may not act on review {review.pk}.")


def _move(review: CommissionerReview, allowed: set[str], new_state: str) -> str:
    # The row is locked and its state read again inside the step's transaction, so that two
    # people taking a step at once cannot both take it: the second waits, then finds the state
    # moved on.
    locked = CommissionerReview.objects.select_for_update().filter(pk=review.pk)
    review.state = locked.values_list("state", flat=True).get()
    if review.is_locked:
        raise ValidationError({"state": "This review is signed off and locked."})
    if review.state not in allowed:
        raise ValidationError(
            {
                "state": (
                    f"The review is '{review.get_state_display()}'; this step needs one of: "
                    f"{', '.join(State(s).label for s in sorted(allowed))}."
                )
            }
        )
    before, review.state = review.state, new_state
    return before


def _text(value: str, field: str) -> str:
    if not value.strip():
        raise ValidationError({field: "This cannot be empty."})
    if len(value) > TEXT_MAX_LENGTH:
        message = f"At most {TEXT_MAX_LENGTH:,} characters ({len(value):,} given)."
        raise ValidationError({field: message})
    return value.strip()


def _log(
    user: User,
    review: CommissionerReview,
    before: str,
    extra: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    log_event(
        LedgerAction.REVIEW,
        review,
        user,
        {"state": [before, review.state], **(extra or {})},
        reason,
    )


@recorded
def review_open(
    *,
    user: User,
    subject: str,
    deployment: Deployment | None = None,
    force: Force | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> CommissionerReview:
    _require(user, CONDUCT)
    review = CommissionerReview(
        force=deployment.force if deployment else force,
        deployment=deployment,
        period_start=period_start,
        period_end=period_end,
        subject=_text(subject, "subject"),
        opened_by=user,
    )
    review.full_clean()
    review.save()
    _log(user, review, "", {"subject": review.subject})
    return review


@recorded
def review_request_information(
    *, user: User, review: CommissionerReview, text: str
) -> CommissionerReview:
    _require(user, CONDUCT, review)
    before = _move(
        review, {State.OPEN, State.ANSWERED, State.RETURNED}, State.INFORMATION_REQUESTED
    )
    message = ReviewMessage.objects.create(
        review=review, kind=ReviewMessage.Kind.REQUEST, author=user, text=_text(text, "text")
    )
    review.save(update_fields=["state"])
    _log(user, review, before, {"message": message.pk}, message.text)
    _tell(
        people_who_may(ANSWER, review.force),
        review,
        f"A commissioner asks {review.force.code} a question",
        [f"{user.get_username()} asks about '{review.subject}':", message.text],
    )
    return review


def _tell(people: Any, review: CommissionerReview, subject: str, lines: list[str]) -> None:
    path = reverse("admin:oversight_commissionerreview_change", args=[review.pk])
    notify(people, subject, lines, path)


@recorded
def review_answer(*, user: User, review: CommissionerReview, text: str) -> CommissionerReview:
    """The force answers: only a user of the review's own force with the answer permission."""
    _require(user, ANSWER, review)
    if user_force(user) != review.force:
        raise PermissionDenied("Only the reviewed force answers its review.")
    before = _move(review, {State.INFORMATION_REQUESTED}, State.ANSWERED)
    message = ReviewMessage.objects.create(
        review=review, kind=ReviewMessage.Kind.ANSWER, author=user, text=_text(text, "text")
    )
    review.save(update_fields=["state"])
    _log(user, review, before, {"message": message.pk}, message.text)
    asked = [review.opened_by, *([review.evaluator] if review.evaluator else [])]
    _tell(
        {person.pk: person for person in asked}.values(),
        review,
        f"{review.force.code} answered the review '{review.subject}'",
        [f"{user.get_username()} answered for {review.force.code}:", message.text],
    )
    return review


@recorded
def review_assess(*, user: User, review: CommissionerReview, assessment: str) -> CommissionerReview:
    _require(user, CONDUCT, review)
    before = _move(review, {State.OPEN, State.ANSWERED, State.RETURNED}, State.ASSESSED)
    review.evaluator, review.assessment = user, _text(assessment, "assessment")
    review.assessed_at = timezone.now()
    review.save(update_fields=["state", "evaluator", "assessment", "assessed_at"])
    _log(user, review, before, {"evaluator": user.get_username()}, review.assessment)
    _tell(
        people_who_may(CONDUCT, None).exclude(pk=user.pk),
        review,
        f"A review waits for sign-off: '{review.subject}'",
        [
            f"{user.get_username()} assessed it; another commissioner signs it off:",
            review.assessment,
        ],
    )
    return review


def _validator(user: User, review: CommissionerReview) -> None:
    _require(user, CONDUCT, review)
    if review.evaluator_id == user.pk:
        raise PermissionDenied("The validator must be a different person from the evaluator.")


@recorded
def review_sign_off(*, user: User, review: CommissionerReview, opinion: str) -> CommissionerReview:
    _validator(user, review)
    before = _move(review, {State.ASSESSED}, State.SIGNED_OFF)
    review.validator, review.opinion = user, _text(opinion, "opinion")
    review.signed_at = timezone.now()
    review.save(update_fields=["state", "validator", "opinion", "signed_at"])
    _log(user, review, before, {"validator": user.get_username()}, review.opinion)
    return review


@recorded
def review_return(*, user: User, review: CommissionerReview, reason: str) -> CommissionerReview:
    """The validator rejects the assessment with a reason; the evaluator assesses again."""
    _validator(user, review)
    before = _move(review, {State.ASSESSED}, State.RETURNED)
    message = ReviewMessage.objects.create(
        review=review, kind=ReviewMessage.Kind.RETURN, author=user, text=_text(reason, "reason")
    )
    review.save(update_fields=["state"])
    _log(user, review, before, {"message": message.pk}, message.text)
    if review.evaluator is not None:
        _tell(
            [review.evaluator],
            review,
            f"Your assessment of '{review.subject}' was returned",
            [f"{user.get_username()} returned it:", message.text],
        )
    return review
