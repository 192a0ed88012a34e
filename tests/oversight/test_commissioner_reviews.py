"""A commissioner opens a review, asks the force, the force answers, an evaluator assesses, and a
different validator signs it off or returns it with a reason. Every step is a ledger event; a
signed review is locked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from audits.compliance.models import SEVERITY_ORDER
from audits.ledger.models import LedgerEvent
from audits.oversight import services as reviews
from audits.oversight.models import CommissionerReview
from audits.register.models import Deployment, Status
from tests import personas

pytestmark = pytest.mark.django_db
State = CommissionerReview.State


@pytest.fixture
def people():
    return {
        "evaluator": personas.commissioner("evaluator-test"),
        "validator": personas.commissioner("validator-test"),
        "force": personas.reviewer("NMP"),
        "other_force": personas.reviewer("EVC"),
    }


@pytest.fixture
def review(people):
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    return reviews.review_open(
        user=people["evaluator"],
        deployment=deployment,
        subject=f"Deployment {deployment.reference}",
    )


def test_the_whole_path_from_opening_to_sign_off(people, review):
    events = LedgerEvent.objects.count()
    reviews.review_request_information(
        user=people["evaluator"], review=review, text="Send the watchlist review record."
    )
    reviews.review_answer(user=people["force"], review=review, text="Attached: WL review.")
    reviews.review_assess(
        user=people["evaluator"],
        review=review,
        assessment="Proportionate; watchlist reviewed in time.",
    )
    reviews.review_sign_off(
        user=people["validator"], review=review, opinion="Agree with the assessment."
    )
    review.refresh_from_db()
    assert review.state == State.SIGNED_OFF and review.is_locked
    assert (review.evaluator, review.validator) == (people["evaluator"], people["validator"])
    assert list(review.messages.values_list("kind", flat=True)) == ["request", "answer"]
    steps = LedgerEvent.objects.filter(
        seq__gt=events, action="review", object_type="commissionerreview"
    )
    assert steps.count() == 4
    assert '"state":["assessed","signed_off"]' in steps.order_by("-seq").first().changes


def test_the_evaluator_cannot_sign_off_their_own_assessment(people, review):
    reviews.review_assess(user=people["evaluator"], review=review, assessment="Fine.")
    with pytest.raises(PermissionDenied, match="different person"):
        reviews.review_sign_off(user=people["evaluator"], review=review, opinion="Agree.")


def test_a_returned_assessment_keeps_its_reason_and_is_assessed_again(people, review):
    reviews.review_assess(user=people["evaluator"], review=review, assessment="Fine.")
    reviews.review_return(
        user=people["validator"],
        review=review,
        reason="The assessment does not address the public notice.",
    )
    assert review.state == State.RETURNED
    assert review.messages.get(kind="return").text.startswith("The assessment does not")
    reviews.review_assess(user=people["evaluator"], review=review, assessment="Now covered.")
    reviews.review_sign_off(user=people["validator"], review=review, opinion="Agree.")
    assert review.state == State.SIGNED_OFF


def test_a_signed_review_is_locked(people, review):
    reviews.review_assess(user=people["evaluator"], review=review, assessment="Fine.")
    reviews.review_sign_off(user=people["validator"], review=review, opinion="Agree.")
    with pytest.raises(ValidationError, match="locked"):
        reviews.review_request_information(user=people["evaluator"], review=review, text="More?")


def test_only_the_reviewed_force_answers(people, review):
    reviews.review_request_information(user=people["evaluator"], review=review, text="Why?")
    with pytest.raises(PermissionDenied):
        reviews.review_answer(user=people["other_force"], review=review, text="Not ours.")
    with pytest.raises(PermissionDenied):
        reviews.review_answer(user=personas.recorder("NMP"), review=review, text="No perm.")


def test_a_step_out_of_order_is_refused_naming_the_state(people, review):
    with pytest.raises(ValidationError, match="this step needs one of"):
        reviews.review_answer(user=people["force"], review=review, text="Unasked.")


def test_a_force_cannot_open_a_review(people):
    deployment = Deployment.objects.filter(force__code="NMP").first()
    with pytest.raises(PermissionDenied):
        reviews.review_open(user=people["force"], deployment=deployment, subject="Self-review")


def test_the_steps_work_from_the_admin_page(people, review):
    commissioner, force_user = Client(), Client()
    personas.login(commissioner, people["evaluator"])
    personas.login(force_user, people["force"])
    page = reverse("admin:oversight_commissionerreview_change", args=[review.pk])
    step = lambda name: reverse("admin:oversight_commissionerreview_step", args=[review.pk, name])  # noqa: E731
    assert 'data-step="request"' in commissioner.get(page).content.decode()
    commissioner.post(step("request"), {"text": "Send the DPIA."})
    assert 'data-step="answer"' in force_user.get(page).content.decode()
    force_user.post(step("answer"), {"text": "DPIA-LFR-2024 attached."})
    review.refresh_from_db()
    assert review.state == State.ANSWERED
    other = Client()
    personas.login(other, people["other_force"])
    assert other.get(page).status_code == 302  # another force's review does not exist for them


def panels(response) -> dict:
    """What the dashboard's panels (the compliance and oversight apps') were rendered with."""
    return {key: value for _, data in response.context["panels"] for key, value in data.items()}


def test_the_dashboard_shows_figures_findings_charts_and_waiting_reviews(people, review):
    reviews.review_request_information(user=people["evaluator"], review=review, text="Why?")
    client = Client()
    personas.login(client, people["validator"])
    response = client.get(reverse("admin:reporting_dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "False alerts per face" in page and 'id="findings-queue"' in page
    ranks = [SEVERITY_ORDER[f.severity] for f in panels(response)["queue"]]
    assert ranks and ranks == sorted(ranks, reverse=True)  # most severe first
    assert [r.pk for r, _ in panels(response)["waiting"]] == [review.pk]
    assert sum(1 for chart in response.context["charts"] if chart.data) == 4


def test_a_force_sees_only_its_own_findings_on_the_dashboard(people):
    client = Client()
    personas.login(client, people["other_force"])
    response = client.get(reverse("admin:reporting_dashboard"))
    assert {f.force.code for f in panels(response)["queue"]} <= {"EVC"}
