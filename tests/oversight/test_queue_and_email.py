"""What waits for me: the admin index lists each user's work (questions to answer, reviews to
assess or sign off, findings assigned, drafts to submit, authorisations to approve), and each
step that hands work to someone else emails them; a setting turns the emails off. Sign-off is
offered only to a commissioner who may give it (not the evaluator)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audits.compliance.models import Finding
from audits.compliance.services import finding_assign
from audits.oversight import services as reviews
from audits.register.models import Deployment, Status
from audits.register.notify import people_who_may
from tests import personas

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")


def client_for(user) -> Client:
    client = Client()
    personas.login(client, user)
    return client


def waiting(user) -> dict[str, int]:
    return {item.label: item.count for item in client_for(user).get(INDEX).context["queue"]}


def review_page(review) -> str:
    return reverse("admin:oversight_commissionerreview_change", args=[review.pk])


def test_a_review_hands_work_on_by_email_and_queue():
    evaluator = personas.commissioner("queue-evaluator")
    validator = personas.commissioner("queue-validator")
    force_reviewer = personas.reviewer("NMP")
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    review = reviews.review_open(user=evaluator, subject="Why this place?", deployment=deployment)
    before = waiting(force_reviewer).get("Questions from a commissioner to answer", 0)
    mail.outbox.clear()

    reviews.review_request_information(user=evaluator, review=review, text="Why here?")
    (asked,) = [m for m in mail.outbox if force_reviewer.email in m.to]
    assert asked.subject == "[FRT register] A commissioner asks NMP a question"
    assert "Why here?" in asked.body and review_page(review) in asked.body
    # Each of the force's users who may answer, and no one else (not another force's).
    answerers = people_who_may(reviews.ANSWER, deployment.force)
    assert {m.to[0] for m in mail.outbox} == {user.email for user in answerers}
    assert waiting(force_reviewer)["Questions from a commissioner to answer"] == before + 1

    mail.outbox.clear()
    reviews.review_answer(user=force_reviewer, review=review, text="A robbery series.")
    assert [m.to for m in mail.outbox] == [[evaluator.email]]

    mail.outbox.clear()
    reviews.review_assess(user=evaluator, review=review, assessment="Proportionate.")
    told = {address for m in mail.outbox for address in m.to}
    assert validator.email in told and evaluator.email not in told
    assert waiting(validator)["Reviews to sign off"] >= 1
    assert "Reviews to sign off" not in waiting(evaluator) or (
        waiting(evaluator)["Reviews to sign off"] < waiting(validator)["Reviews to sign off"]
    )
    # The evaluator is not offered the sign-off; the second commissioner is.
    offered = client_for(evaluator).get(review_page(review)).context["steps"]
    assert "sign_off" not in [step["name"] for step in offered]
    offered = client_for(validator).get(review_page(review)).context["steps"]
    assert "sign_off" in [step["name"] for step in offered]


def test_the_emails_can_be_turned_off(settings):
    settings.NOTIFY_BY_EMAIL = False
    evaluator = personas.commissioner("queue-evaluator")
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    review = reviews.review_open(user=evaluator, subject="Quiet", deployment=deployment)
    mail.outbox.clear()
    reviews.review_request_information(user=evaluator, review=review, text="Why?")
    assert mail.outbox == []


def test_a_finding_assigned_reaches_its_assignee():
    finding = Finding.objects.filter(force__code="NMP", state=Finding.State.OPEN).first()
    assignee = personas.reviewer("NMP")
    assert "Findings assigned to you" not in waiting(assignee)
    mail.outbox.clear()
    finding_assign(user=personas.commissioner(), finding=finding, assignee=assignee)
    assert [m.to for m in mail.outbox] == [[assignee.email]]
    assert finding.message in mail.outbox[0].body
    assert waiting(assignee)["Findings assigned to you"] == 1


def test_a_force_user_sees_their_drafts_and_approvals_waiting():
    drafts = Deployment.objects.filter(force__code="NMP", status=Status.DRAFT).count()
    assert drafts > 0
    assert waiting(personas.recorder("NMP"))["Draft deployments to submit"] == drafts
    officer = waiting(personas.officer("NMP"))
    assert officer["Authorisations to approve"] >= 1
    assert "Draft deployments to submit" not in officer
    # A commissioner reads every force and takes no force's steps.
    assert "Draft deployments to submit" not in waiting(personas.commissioner())
