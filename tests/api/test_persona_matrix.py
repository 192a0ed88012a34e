"""The persona matrix of the trust issue, over the API: no read or write across forces;
commissioners and auditors read every force and write nothing; anonymous gets nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models

from audits.ledger.models import LedgerEvent
from audits.register.models import (
    Alert,
    Authorisation,
    Deployment,
    DeviceSession,
    Force,
    PostDeploymentReview,
    Search,
    Status,
    Watchlist,
)
from audits.register.scoping import force_path, owning_force
from audits.register.services.records import record_amend, record_create
from tests import factories as make
from tests import personas
from tests.api import payloads
from tests.api.conftest import client_for, error_of, fields_of

pytestmark = pytest.mark.django_db
API = "/api/v1"


@dataclass(frozen=True)
class Entity:
    path: str
    model: type[models.Model]
    payload: Callable[[int | None], dict[str, Any]]
    edit_field: str  # a text field a draft's PATCH changes
    parent_kind: str | None = None  # the kind of deployment a part needs; None if force-owned
    lifecycle: bool = True
    writer: Callable[[str], Any] = personas.recorder
    may_delete: bool = True

    def __str__(self) -> str:
        return self.path


ENTITIES = [
    Entity("authorisations", Authorisation, lambda _: payloads.authorisation(), "legal_basis"),
    Entity("watchlists", Watchlist, lambda _: payloads.watchlist(), "approved_by"),
    Entity("deployments", Deployment, lambda _: payloads.deployment(), "notes"),
    Entity("searches", Search, lambda _: payloads.search(), "requesting_unit"),
    Entity(
        "device-sessions",
        DeviceSession,
        payloads.device_session,
        "officer_reference",
        "bodycam",
        lifecycle=False,
    ),
    Entity("alerts", Alert, payloads.alert, "adjudicated_by", "van", lifecycle=False),
    Entity(
        "post-deployment-reviews",
        PostDeploymentReview,
        payloads.review,
        "concerns",
        "van",
        writer=personas.reviewer,
        may_delete=False,  # no role but the administrator deletes a force's review
    ),
]


def path_of(entity: Entity) -> str:
    return force_path(entity.model)


def owner_of(entity: Entity) -> str:
    """The force of the first record of this kind (the persona register has both forces')."""
    return owning_force(entity.model.objects.order_by("pk").first()).code


def outsider_of(entity: Entity) -> str:
    return "EVC" if owner_of(entity) != "EVC" else "NMP"


def record_of(entity: Entity, code: str) -> models.Model:
    found = entity.model.objects.filter(**{f"{path_of(entity)}__code": code}).order_by("pk")
    assert found.exists(), f"no {entity} of {code} in the persona register"
    return found.first()


def draft_parent(code: str, kind: str) -> Deployment:
    parent = make.deployment(force=Force.objects.get(code=code), reference="API-PARENT", kind=kind)
    return record_create(user=None, instance=parent)


def list_of(client, entity: Entity, **params) -> list[dict]:
    response = client.get(f"{API}/{entity.path}/", {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("entity", ENTITIES, ids=str)
def test_anonymous_gets_nothing(anonymous, entity):
    record = record_of(entity, owner_of(entity))
    for response in (
        anonymous.get(f"{API}/{entity.path}/"),
        anonymous.get(f"{API}/{entity.path}/{record.pk}/"),
        anonymous.post(f"{API}/{entity.path}/", {}),
        anonymous.patch(f"{API}/{entity.path}/{record.pk}/", {}),
        anonymous.delete(f"{API}/{entity.path}/{record.pk}/"),
    ):
        assert response.status_code == 401
        assert error_of(response)["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("entity", ENTITIES, ids=str)
def test_a_force_user_lists_only_their_own_force(entity):
    owner = owner_of(entity)
    results = list_of(client_for(entity.writer(owner)), entity)
    assert results and {row["force"] for row in results} == {owner}


@pytest.mark.parametrize("entity", ENTITIES, ids=str)
def test_a_force_user_cannot_filter_for_another_force(entity):
    client = client_for(entity.writer(owner_of(entity)))
    response = client.get(f"{API}/{entity.path}/", {"force": outsider_of(entity)})
    assert response.status_code == 400 and fields_of(response) == {"force"}


@pytest.mark.parametrize("entity", ENTITIES, ids=str)
@pytest.mark.parametrize("who", ["owner", "outsider"])
def test_another_forces_record_is_not_found_for_reading_or_writing(entity, who):
    # Each of the two forces tries the other's record.
    theirs_code = owner_of(entity) if who == "outsider" else outsider_of(entity)
    reader = outsider_of(entity) if who == "outsider" else owner_of(entity)
    theirs = record_of(entity, theirs_code)
    client = client_for(entity.writer(reader))
    url = f"{API}/{entity.path}/{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"notes": "x"}).status_code == 404
    assert client.delete(url).status_code in (403, 404)  # 403 where the role never deletes
    if entity.lifecycle:
        for action, body in [("submit", {}), ("withdraw", {"reason": "x"}), ("amend", {})]:
            assert client.post(f"{url}{action}/", body).status_code == 404
    after = entity.model.objects.get(pk=theirs.pk)
    assert [getattr(after, f.attname) for f in entity.model._meta.concrete_fields] == [
        getattr(theirs, f.attname) for f in entity.model._meta.concrete_fields
    ]


@pytest.mark.parametrize("entity", ENTITIES, ids=str)
def test_a_force_user_cannot_create_a_record_for_another_force(entity):
    own, other = owner_of(entity), outsider_of(entity)
    client = client_for(entity.writer(own))
    before = entity.model.objects.count()
    if entity.parent_kind is None:
        body, refused = {**entity.payload(None), "force": other}, "force"
    else:
        theirs = Deployment.objects.filter(force__code=other).order_by("pk").first()
        body, refused = entity.payload(theirs.pk), "deployment"
    response = client.post(f"{API}/{entity.path}/", body)
    assert response.status_code == 400 and refused in fields_of(response)
    assert "exist" in error_of(response)["message"]  # as if the other force's record never was
    assert entity.model.objects.count() == before


@pytest.mark.parametrize("entity", ENTITIES, ids=str)
def test_a_force_user_creates_edits_and_deletes_a_draft_of_their_own(entity):
    own = "EVC" if entity.parent_kind == "bodycam" else "NMP"
    client = client_for(entity.writer(own))
    parent = draft_parent(own, entity.parent_kind) if entity.parent_kind else None
    response = client.post(f"{API}/{entity.path}/", entity.payload(parent and parent.pk))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["force"] == own
    url = f"{API}/{entity.path}/{created['id']}/"
    response = client.patch(url, {entity.edit_field: "EDITED-1"})
    assert response.status_code == 200, response.content
    assert client.get(url).json()[entity.edit_field] == "EDITED-1"
    if entity.may_delete:
        assert client.delete(url).status_code == 204
        assert client.get(url).status_code == 404
    assert LedgerEvent.objects.filter(
        object_type=entity.model._meta.model_name, object_id=str(created["id"]), action="create"
    ).exists()


@pytest.mark.parametrize("role", ["commissioner", "auditor"])
@pytest.mark.parametrize("entity", ENTITIES, ids=str)
def test_commissioners_and_auditors_read_every_force_and_write_nothing(role, entity):
    client = client_for(getattr(personas, role)())
    expected = set(entity.model.objects.values_list(f"{path_of(entity)}__code", flat=True))
    assert expected
    for code in expected:
        rows = list_of(client, entity, force=code, page_size=5)
        assert rows and {row["force"] for row in rows} == {code}
    record = record_of(entity, owner_of(entity))
    url = f"{API}/{entity.path}/{record.pk}/"
    assert client.get(url).status_code == 200
    parent = Deployment.objects.filter(force__code=owner_of(entity)).first()
    refusals = [
        client.post(f"{API}/{entity.path}/", entity.payload(parent.pk)),
        client.patch(url, {"notes": "x"}),
        client.delete(url),
    ]
    if entity.lifecycle:
        refusals.append(client.post(f"{url}withdraw/", {"reason": "x"}))
    for response in refusals:
        assert response.status_code == 403, response.content
        assert error_of(response)["code"] == "permission_denied"
    assert entity.model.objects.filter(pk=record.pk).exists()


def test_a_recorder_sees_only_their_own_force_among_the_forces(nmp, commissioner):
    assert [force["code"] for force in nmp.get(f"{API}/forces/").json()] == ["NMP"]
    evc = Force.objects.get(code="EVC")
    assert nmp.get(f"{API}/forces/{evc.pk}/").status_code == 404
    codes = {force["code"] for force in commissioner.get(f"{API}/forces/").json()}
    assert {"NMP", "EVC", "MPS"} <= codes


def test_the_parts_of_another_forces_records_are_not_found(nmp):
    watchlist = Watchlist.objects.filter(force__code="EVC").first()
    deployment = Deployment.objects.filter(force__code="EVC").first()
    for url, body in [
        (f"{API}/watchlists/{watchlist.pk}/categories/", {"category": 1, "count": 1}),
        (f"{API}/deployments/{deployment.pk}/faces-seen/", {"value": 1, "as_of": "2025-01-01"}),
    ]:
        assert nmp.get(url).status_code == 404
        assert nmp.post(url, body).status_code == 404
    count = watchlist.categories.first()
    detail = f"{API}/watchlists/{watchlist.pk}/categories/{count.pk}/"
    assert nmp.patch(detail, {"count": 1}).status_code == 404


def test_only_auditors_read_the_ledger(nmp, commissioner, auditor):
    url = f"{API}/ledger-events/"
    assert auditor.get(url).status_code == 200
    assert commissioner.get(url).status_code == 403
    assert nmp.get(url).status_code == 403
    seq = LedgerEvent.objects.order_by("seq").first().seq
    assert auditor.get(f"{url}{seq}/").json()["seq"] == seq
    assert commissioner.get(f"{url}{seq}/").status_code == 403


def test_amendments_are_read_only_within_the_force(nmp, commissioner):
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    old_notes = deployment.notes
    (amendment,) = record_amend(
        user=None, instance=deployment, data={"notes": "corrected"}, reason="Typo in notes"
    )
    evc = client_for(personas.recorder("EVC"))
    listed = evc.get(f"{API}/amendments/", {"page_size": 1000}).json()["results"]
    ids = {row["id"] for row in listed}
    assert amendment.pk not in ids
    assert evc.get(f"{API}/amendments/{amendment.pk}/").status_code == 404
    mine = nmp.get(f"{API}/amendments/{amendment.pk}/").json()
    kept = (mine["old_value"], mine["new_value"], mine["reason"])
    assert kept == (old_notes, "corrected", "Typo in notes")
    assert commissioner.get(f"{API}/amendments/{amendment.pk}/").status_code == 200
    assert nmp.post(f"{API}/amendments/", {}).status_code == 405
    assert nmp.delete(f"{API}/amendments/{amendment.pk}/").status_code == 405


def test_a_refused_request_is_recorded_in_the_ledger(commissioner):
    commissioner.post(f"{API}/deployments/", payloads.deployment())
    event = LedgerEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor, event.object_id) == (
        "permission_denied",
        "commissioner-test",
        "/api/v1/deployments/",
    )
