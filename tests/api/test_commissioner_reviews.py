"""Commissioner reviews over the API: the admin's scoping (a force's reviewers read their own
force's reviews, commissioners and auditors every force's, recorders none), and each workflow step
a POST on the review through audits/oversight/services.py, refused as the service refuses it."""

import json
from datetime import timedelta

import pytest

from audits.ledger.models import LedgerEvent
from audits.oversight import services as reviews
from audits.oversight.models import CommissionerReview, ReviewMessage
from audits.register.models import Deployment, Force, Status
from tests import personas
from tests.api.conftest import client_for, error_of, fields_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_reviews(db):
    """These tests count every review there is: start them without the persona register's."""
    ReviewMessage.objects.all().delete()
    CommissionerReview.objects.all().delete()


REVIEWS = "/api/v1/commissioner-reviews/"
State = CommissionerReview.State


@pytest.fixture
def people() -> dict:
    return {
        "evaluator": personas.commissioner("evaluator-test"),
        "validator": personas.commissioner("validator-test"),
        "force": personas.reviewer("NMP"),
        "other_force": personas.reviewer("EVC"),
    }


@pytest.fixture
def clients(people) -> dict:
    return {name: client_for(user) for name, user in people.items()}


def submitted_deployment(code: str) -> Deployment:
    return Deployment.objects.filter(force__code=code, status=Status.SUBMITTED).order_by("pk")[0]


@pytest.fixture
def review(clients) -> dict:
    deployment = submitted_deployment("NMP")
    response = clients["evaluator"].post(
        REVIEWS, {"deployment": deployment.pk, "subject": f"Deployment {deployment.reference}"}
    )
    assert response.status_code == 201, response.content
    return response.json()


def step(client, review: dict, name: str, **body):
    return client.post(f"{REVIEWS}{review['id']}/{name}/", body)


def review_events(review: dict) -> list[LedgerEvent]:
    return list(
        LedgerEvent.objects.filter(
            action="review", object_type="commissionerreview", object_id=str(review["id"])
        ).order_by("seq")
    )


def state_of(review: dict) -> str:
    return CommissionerReview.objects.get(pk=review["id"]).state


# -- opening a review


def test_a_commissioner_opens_a_review_of_a_deployment(review):
    deployment = submitted_deployment("NMP")
    assert (review["force"], review["deployment"], review["state"], review["opened_by"]) == (
        "NMP",
        deployment.pk,
        "open",
        "evaluator-test",
    )
    assert review["messages"] == [] and review["evaluator"] is None
    (event,) = review_events(review)
    assert (event.actor, event.force) == ("evaluator-test", "NMP")
    assert json.loads(event.changes) == {"state": ["", "open"], "subject": review["subject"]}


def test_a_commissioner_opens_a_review_of_a_period(clients):
    body = {
        "subject": "EVC events, summer 2025",
        "force": "EVC",
        "period_start": "2025-06-01",
        "period_end": "2025-08-31",
    }
    response = clients["evaluator"].post(REVIEWS, body)
    assert response.status_code == 201, response.content
    opened = response.json()
    assert (opened["force"], opened["deployment"], opened["period_end"]) == (
        "EVC",
        None,
        "2025-08-31",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "Nothing to review"}, "deployment"),
        ({"subject": "Half a period", "force": "EVC", "period_start": "2025-06-01"}, "deployment"),
        (
            {
                "subject": "Backwards",
                "force": "EVC",
                "period_start": "2025-06-01",
                "period_end": "2025-05-01",
            },
            "period_end",
        ),
        ({"subject": "  ", "deployment": "NMP-DEPLOYMENT"}, "subject"),
        ({"deployment": "NMP-DEPLOYMENT"}, "subject"),
        ({"subject": "x" * 201, "deployment": "NMP-DEPLOYMENT"}, "subject"),
        ({"subject": "Wrong force", "force": "EVC", "deployment": "NMP-DEPLOYMENT"}, "deployment"),
        ({"subject": "No such force", "force": "NOPE", "deployment": "NMP-DEPLOYMENT"}, "force"),
        ({"subject": "No such deployment", "deployment": 2**62}, "deployment"),
        ({"subject": "Locked", "deployment": "NMP-DEPLOYMENT", "state": "signed_off"}, "state"),
    ],
)
def test_a_bad_opening_answers_400_and_opens_nothing(clients, body, field):
    nmp = submitted_deployment("NMP").pk
    body = {key: nmp if value == "NMP-DEPLOYMENT" else value for key, value in body.items()}
    response = clients["evaluator"].post(REVIEWS, body)
    assert response.status_code == 400, response.content
    assert field in fields_of(response)
    assert not CommissionerReview.objects.exists()


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: personas.reviewer("NMP"),
        lambda: personas.recorder("NMP"),
        personas.auditor,
    ],
    ids=["force-reviewer", "force-recorder", "auditor"],
)
def test_only_a_commissioner_opens_a_review(make_user):
    deployment = submitted_deployment("NMP")
    response = client_for(make_user()).post(
        REVIEWS, {"deployment": deployment.pk, "subject": "Self-review"}
    )
    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"
    assert not CommissionerReview.objects.exists()


# -- reading reviews


def test_the_reviewed_force_reads_its_review_and_no_other_force_does(clients, review):
    url = f"{REVIEWS}{review['id']}/"
    assert clients["force"].get(url).json()["subject"] == review["subject"]
    assert [row["id"] for row in clients["force"].get(REVIEWS).json()["results"]] == [review["id"]]
    response = clients["other_force"].get(url)
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert clients["other_force"].get(REVIEWS).json()["results"] == []
    response = clients["other_force"].get(REVIEWS, {"force": "NMP"})
    assert response.status_code == 400 and fields_of(response) == {"force"}


@pytest.mark.parametrize(
    "make_user",
    [lambda: personas.recorder("NMP"), lambda: personas.officer("NMP")],
    ids=["recorder", "officer"],
)
def test_recorders_and_officers_do_not_read_reviews(review, make_user):
    # As in the admin: only the force reviewer's role may view commissioner reviews.
    client = client_for(make_user())
    for response in (client.get(REVIEWS), client.get(f"{REVIEWS}{review['id']}/")):
        assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"


@pytest.mark.parametrize("role", ["commissioner", "auditor"])
def test_commissioners_and_auditors_read_every_forces_reviews(people, role):
    opened = {
        code: reviews.review_open(
            user=people["evaluator"],
            subject=f"{code} review",
            deployment=submitted_deployment(code),
        )
        for code in ("NMP", "EVC")
    }
    client = client_for(getattr(personas, role)())
    for code, review in opened.items():
        listed = client.get(REVIEWS, {"force": code}).json()["results"]
        assert [(row["id"], row["force"]) for row in listed] == [(review.pk, code)]
        assert client.get(f"{REVIEWS}{review.pk}/").json()["subject"] == f"{code} review"


def test_reviews_filter_by_state_deployment_and_period(people, clients, review):
    other = reviews.review_open(
        user=people["evaluator"],
        subject="NMP spring",
        force=Force.objects.get(code="NMP"),
        period_start="2025-03-01",
        period_end="2025-05-31",
    )
    reviews.review_assess(user=people["evaluator"], review=other, assessment="Fine.")
    client = clients["validator"]
    ids = lambda **params: [row["id"] for row in client.get(REVIEWS, params).json()["results"]]  # noqa: E731
    assert ids(state="assessed") == [other.pk]
    assert ids(state="open") == [review["id"]]
    assert ids(deployment=review["deployment"]) == [review["id"]]
    assert set(ids(year=other.opened_at.year, force="NMP")) == {review["id"], other.pk}
    # Both were opened today: move one back a year, so the period filters have to exclude it.
    CommissionerReview.objects.filter(pk=other.pk).update(
        opened_at=other.opened_at - timedelta(days=366)
    )
    today = other.opened_at.date()
    assert ids(year=today.year, force="NMP") == [review["id"]]
    assert ids(year=today.year - 1) == [other.pk]
    assert ids(**{"from": today.isoformat()}) == [review["id"]]
    assert ids(to=(today - timedelta(days=300)).isoformat()) == [other.pk]
    for params in ({"state": "closed"}, {"deployment": "abc"}, {"from": "soon"}):
        response = client.get(REVIEWS, params)
        assert response.status_code == 400 and fields_of(response) == set(params)


# -- the workflow


def test_the_whole_path_from_opening_to_sign_off(clients, review):
    steps = [
        ("evaluator", "request-information", {"text": "Send the watchlist review record."}),
        ("force", "answer", {"text": "Attached: WL review."}),
        ("evaluator", "assess", {"assessment": "Proportionate; watchlist reviewed in time."}),
        ("validator", "sign-off", {"opinion": "Agree with the assessment."}),
    ]
    states = []
    for who, name, body in steps:
        response = step(clients[who], review, name, **body)
        assert response.status_code == 200, response.content
        states.append(response.json()["state"])
    assert states == ["information_requested", "answered", "assessed", "signed_off"]
    signed = response.json()
    assert (signed["evaluator"], signed["validator"]) == ("evaluator-test", "validator-test")
    assert (signed["assessment"], signed["opinion"]) == (
        "Proportionate; watchlist reviewed in time.",
        "Agree with the assessment.",
    )
    assert signed["assessed_at"] and signed["signed_at"]
    assert [(m["kind"], m["author"], m["text"]) for m in signed["messages"]] == [
        ("request", "evaluator-test", "Send the watchlist review record."),
        ("answer", "nmp-reviewer-test", "Attached: WL review."),
    ]
    events = review_events(review)[1:]  # after the opening
    assert [(e.actor, json.loads(e.changes)["state"]) for e in events] == [
        ("evaluator-test", ["open", "information_requested"]),
        ("nmp-reviewer-test", ["information_requested", "answered"]),
        ("evaluator-test", ["answered", "assessed"]),
        ("validator-test", ["assessed", "signed_off"]),
    ]
    assert events[-1].reason == "Agree with the assessment."


def test_a_return_keeps_its_reason_and_the_evaluator_assesses_again(clients, review):
    assert step(clients["evaluator"], review, "assess", assessment="Fine.").status_code == 200
    reason = "The assessment does not address the public notice."
    response = step(clients["validator"], review, "return", reason=reason)
    assert response.status_code == 200, response.content
    returned = response.json()
    assert returned["state"] == "returned"
    assert [(m["kind"], m["author"], m["text"]) for m in returned["messages"]] == [
        ("return", "validator-test", reason)
    ]
    assert review_events(review)[-1].reason == reason
    again = step(clients["evaluator"], review, "assess", assessment="Now covered.")
    assert again.json()["state"] == "assessed"


def refused(response, status: int, review: dict, before: str, events: int) -> dict:
    """The error, after checking the review and its ledger did not move."""
    assert response.status_code == status, response.content
    assert state_of(review) == before
    assert len(review_events(review)) == events
    return error_of(response)


def test_the_evaluator_cannot_sign_off_or_return_their_own_assessment(clients, review):
    step(clients["evaluator"], review, "assess", assessment="Fine.")
    for name, body in (("sign-off", {"opinion": "Agree."}), ("return", {"reason": "Hmm."})):
        response = step(clients["evaluator"], review, name, **body)
        error = refused(response, 403, review, "assessed", 2)
        assert "different person" in error["message"]


def test_only_the_reviewed_force_answers(clients, people, review):
    step(clients["evaluator"], review, "request-information", text="Why?")
    # Another force's reviewer: the review is not in their scope at all.
    response = step(clients["other_force"], review, "answer", text="Not ours.")
    assert refused(response, 404, review, "information_requested", 2)["code"] == "not_found"
    # A commissioner may not answer for the force, nor may the force's recorder.
    for client in (clients["validator"], client_for(personas.recorder("NMP"))):
        response = step(client, review, "answer", text="For them.")
        assert refused(response, 403, review, "information_requested", 2)["code"] == (
            "permission_denied"
        )
    # An administrator holds every permission but belongs to no force.
    response = step(
        client_for(personas.person("admin-test", "Administrator")),
        review,
        "answer",
        text="For them.",
    )
    error = refused(response, 403, review, "information_requested", 2)
    assert error["message"] == "Only the reviewed force answers its review."


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("request-information", {"text": "Why?"}),
        ("assess", {"assessment": "Fine."}),
        ("sign-off", {"opinion": "Agree."}),
        ("return", {"reason": "No."}),
    ],
)
def test_a_force_or_an_auditor_conducts_no_step(clients, review, name, body):
    for client in (clients["force"], client_for(personas.auditor())):
        response = step(client, review, name, **body)
        error = refused(response, 403, review, "open", 1)
        assert error["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("who", "name", "body"),
    [
        ("force", "answer", {"text": "Unasked."}),
        ("validator", "sign-off", {"opinion": "Nothing assessed."}),
        ("validator", "return", {"reason": "Nothing assessed."}),
    ],
)
def test_a_step_out_of_order_is_refused_naming_the_state(clients, review, who, name, body):
    response = step(clients[who], review, name, **body)
    error = refused(response, 400, review, "open", 1)
    assert fields_of(response) == {"state"} and "this step needs one of" in error["message"]


def test_a_signed_review_is_locked(clients, review):
    step(clients["evaluator"], review, "assess", assessment="Fine.")
    step(clients["validator"], review, "sign-off", opinion="Agree.")
    for name, body in (("request-information", {"text": "More?"}), ("assess", {"assessment": "x"})):
        response = step(clients["evaluator"], review, name, **body)
        error = refused(response, 400, review, "signed_off", 3)
        assert "locked" in error["message"]


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("request-information", {}, "text"),
        ("request-information", {"text": "   "}, "text"),
        ("request-information", {"text": None}, "text"),
        ("request-information", {"text": ["Why?"]}, "text"),
        ("request-information", {"text": "x" * 20_001}, "text"),
        ("request-information", {"text": "nul\x00byte"}, "text"),
        ("request-information", {"text": "\ud800"}, "text"),
        ("request-information", {"text": "Why?", "assessment": "Fine."}, "assessment"),
        ("assess", {"text": "Fine."}, "text"),
        ("assess", {"assessment": ""}, "assessment"),
        ("sign-off", {"opinion": " "}, "opinion"),
        ("return", {}, "reason"),
    ],
)
def test_a_bad_step_body_answers_400_and_changes_nothing(clients, review, name, body, field):
    response = clients["evaluator"].generic(
        "POST", f"{REVIEWS}{review['id']}/{name}/", json.dumps(body), "application/json"
    )
    refused(response, 400, review, "open", 1)
    assert field in fields_of(response)


def test_an_unknown_review_is_not_found(clients):
    response = step(clients["evaluator"], {"id": 2**62}, "assess", assessment="Fine.")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_a_review_is_never_edited_or_deleted_in_place(clients, review):
    url = f"{REVIEWS}{review['id']}/"
    for response in (
        clients["evaluator"].patch(url, {"state": "signed_off"}),
        clients["evaluator"].put(url, {"state": "signed_off"}),
        clients["evaluator"].delete(url),
    ):
        assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"
    assert state_of(review) == "open"


def test_a_page_of_reviews_has_a_fixed_query_budget(people, clients, django_assert_max_num_queries):
    for code in ("NMP", "EVC", "NMP") * 3:
        opened = reviews.review_open(
            user=people["evaluator"], subject=code, deployment=submitted_deployment(code)
        )
        reviews.review_request_information(user=people["evaluator"], review=opened, text="Why?")
    clients["validator"].get(REVIEWS)  # warm caches (content types) that every request shares
    with django_assert_max_num_queries(12):
        response = clients["validator"].get(REVIEWS, {"page_size": 200})
    assert len(response.json()["results"]) == 9
    assert {len(row["messages"]) for row in response.json()["results"]} == {1}
