"""Draft -> submitted (locked) -> reviewed over the API; corrections are amendments that keep
both values and the reason; withdrawal keeps the record."""

import pytest

from audits.ledger.models import LedgerEvent
from audits.register.models import Amendment, Deployment, Status, WatchlistCategory
from tests import personas
from tests.api import payloads
from tests.api.conftest import client_for, error_of, fields_of

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def draft(nmp) -> dict:
    response = nmp.post(f"{API}/deployments/", payloads.deployment())
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def submitted(draft, nmp_reviewer) -> dict:
    response = nmp_reviewer.post(f"{API}/deployments/{draft['id']}/submit/")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_draft_is_created_by_the_recorder_of_its_force(draft):
    assert (draft["status"], draft["force"], draft["created_by"]) == (
        "draft",
        "NMP",
        "nmp-recorder-test",
    )
    assert draft["false_alerts"] == 1
    assert draft["false_alert_rate_per_face"]["k"] == 1
    assert draft["false_alert_rate_per_face"]["n"] == 12120


def test_a_draft_is_edited_and_the_edit_is_in_the_ledger(nmp, draft):
    response = nmp.patch(f"{API}/deployments/{draft['id']}/", {"arrests": 1})
    assert response.status_code == 200 and response.json()["arrests"] == 1
    event = LedgerEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor, event.object_id) == (
        "update",
        "nmp-recorder-test",
        str(draft["id"]),
    )
    assert '"arrests":[2,1]' in event.changes


def test_an_edit_that_breaks_a_rule_of_the_register_is_refused(nmp, draft):
    response = nmp.patch(f"{API}/deployments/{draft['id']}/", {"total_alerts": 7})
    assert response.status_code == 400 and fields_of(response) == {"total_alerts"}


def test_the_recorder_submits_but_a_commissioner_cannot(nmp, commissioner, draft):
    url = f"{API}/deployments/{draft['id']}/submit/"
    response = commissioner.post(url)
    assert response.status_code == 403 and "submit_record" in error_of(response)["message"]
    response = nmp.post(url)
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_no_edit_or_delete_after_submission(nmp, submitted):
    url = f"{API}/deployments/{submitted['id']}/"
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    response = nmp.patch(url, {"arrests": 9})
    assert response.status_code == 403 and "amendment" in error_of(response)["message"]
    assert nmp.delete(url).status_code == 403
    assert Deployment.objects.get(pk=submitted["id"]).arrests == 2


def test_nothing_is_added_to_a_submitted_deployment(nmp, submitted):
    response = nmp.post(f"{API}/alerts/", payloads.alert(submitted["id"]))
    assert response.status_code == 403


def test_an_amendment_keeps_both_values_and_the_reason(nmp_reviewer, submitted):
    url = f"{API}/deployments/{submitted['id']}/"
    body = {"reason": "Late arrest from custody records", "changes": {"arrests": 3}}
    response = nmp_reviewer.post(f"{url}amend/", body)
    assert response.status_code == 201, response.content
    (amendment,) = response.json()
    assert (amendment["field"], amendment["old_value"], amendment["new_value"]) == (
        "arrests",
        2,
        3,
    )
    assert amendment["reason"] == body["reason"]
    assert amendment["amended_by"] == "nmp-reviewer-test"
    assert nmp_reviewer.get(url).json()["arrests"] == 3
    listed = nmp_reviewer.get(
        f"{API}/amendments/", {"object_type": "deployment", "object_id": submitted["id"]}
    ).json()["results"]
    assert [(row["old_value"], row["new_value"]) for row in listed] == [(2, 3)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"changes": {"arrests": 3}}, "reason"),
        ({"reason": "  ", "changes": {"arrests": 3}}, "reason"),
        ({"reason": "x", "changes": {}}, "changes"),
        ({"reason": "x", "changes": {"arrests": -3}}, "changes.arrests"),
        ({"reason": "x", "changes": {"status": "draft"}}, "changes.status"),
        ({"reason": "x", "changes": {"arrests": 3}, "extra": 1}, "extra"),
    ],
)
def test_an_amendment_needs_a_reason_and_valid_changes(nmp_reviewer, submitted, body, field):
    response = nmp_reviewer.post(f"{API}/deployments/{submitted['id']}/amend/", body)
    assert response.status_code == 400 and field in fields_of(response)
    assert not Amendment.objects.filter(object_id=submitted["id"]).exists()


def test_a_draft_is_not_amended_but_edited(nmp_reviewer, draft):
    body = {"reason": "x", "changes": {"arrests": 3}}
    response = nmp_reviewer.post(f"{API}/deployments/{draft['id']}/amend/", body)
    assert response.status_code == 400 and fields_of(response) == {"status"}


def test_a_withdrawn_record_stays_visible_with_its_reason(nmp, nmp_reviewer, submitted):
    url = f"{API}/deployments/{submitted['id']}/"
    assert nmp_reviewer.post(f"{url}withdraw/", {}).status_code == 400
    response = nmp_reviewer.post(f"{url}withdraw/", {"reason": "Duplicate of NMP-D0001"})
    assert response.status_code == 200
    record = nmp.get(url).json()
    assert (record["status"], record["withdrawn_reason"]) == ("withdrawn", "Duplicate of NMP-D0001")


def test_a_submitted_record_is_marked_reviewed(nmp_reviewer, submitted):
    response = nmp_reviewer.post(f"{API}/deployments/{submitted['id']}/mark-reviewed/")
    assert response.status_code == 200 and response.json()["status"] == "reviewed"
    again = nmp_reviewer.post(f"{API}/deployments/{submitted['id']}/mark-reviewed/")
    assert again.status_code == 400


def test_a_lifecycle_action_takes_no_unknown_body(nmp_reviewer, draft):
    response = nmp_reviewer.post(f"{API}/deployments/{draft['id']}/submit/", {"force": "EVC"})
    assert response.status_code == 400 and fields_of(response) == {"force"}
    assert Deployment.objects.get(pk=draft["id"]).status == Status.DRAFT


def test_a_draft_is_deleted_and_the_deletion_is_in_the_ledger(nmp, draft):
    assert nmp.delete(f"{API}/deployments/{draft['id']}/").status_code == 204
    assert not Deployment.objects.filter(pk=draft["id"]).exists()
    event = LedgerEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_id) == ("delete", str(draft["id"]))


def test_only_an_authorising_officer_approves_an_authorisation(nmp, nmp_reviewer):
    created = nmp.post(f"{API}/authorisations/", payloads.authorisation()).json()
    url = f"{API}/authorisations/{created['id']}/submit/"
    assert nmp_reviewer.post(url).status_code == 403
    assert client_for(personas.officer("EVC")).post(url).status_code == 404
    response = client_for(personas.officer("NMP")).post(url)
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_faces_seen_revisions_keep_every_estimate(nmp, nmp_reviewer, draft):
    url = f"{API}/deployments/{draft['id']}/faces-seen/"
    response = nmp.post(url, {"value": 15600, "as_of": "2025-06-04", "source": "First grid"})
    assert response.status_code == 201, response.content
    assert nmp.get(f"{API}/deployments/{draft['id']}/").json()["faces_seen"] == 15600
    nmp_reviewer.post(f"{API}/deployments/{draft['id']}/submit/")
    later = {"value": 34286, "as_of": "2025-09-01", "source": "Annual grid"}
    refused = nmp_reviewer.post(url, later)
    assert refused.status_code == 400 and fields_of(refused) == {"reason"}
    response = nmp_reviewer.post(url, {**later, "reason": "Republished from the logs"})
    assert response.status_code == 201, response.content
    values = [row["value"] for row in nmp.get(url).json()]
    assert values == [15600, 34286]
    assert nmp.get(f"{API}/deployments/{draft['id']}/").json()["faces_seen"] == 34286


def test_watchlist_category_counts_are_parts_of_a_draft(nmp, nmp_reviewer):
    watchlist = nmp.post(f"{API}/watchlists/", payloads.watchlist()).json()
    url = f"{API}/watchlists/{watchlist['id']}/categories/"
    category = WatchlistCategory.objects.filter(force=None).first()
    response = nmp.post(url, {"category": category.pk, "count": 120})
    assert response.status_code == 201, response.content
    count = response.json()
    assert (count["code"], count["count"]) == (category.code, 120)
    assert nmp.patch(f"{url}{count['id']}/", {"count": 150}).json()["count"] == 150
    shown = nmp.get(f"{API}/watchlists/{watchlist['id']}/").json()["categories"]
    assert [(row["code"], row["count"]) for row in shown] == [(category.code, 150)]
    nmp_reviewer.post(f"{API}/watchlists/{watchlist['id']}/submit/")
    assert nmp.patch(f"{url}{count['id']}/", {"count": 1}).status_code == 403
    assert nmp.delete(f"{url}{count['id']}/").status_code == 403
