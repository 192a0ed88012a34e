"""The batch endpoints: the envelope is checked here, the items by the batch service; created or
already present counts; every bad item listed in the error shape; nothing across forces."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from audits.ledger.models import LedgerEvent
from audits.register.models import Alert, DeviceSession, Force, Search
from audits.register.services.batches import MAX_BATCH_ITEMS
from audits.register.services.records import record_create
from tests import factories as make
from tests import personas
from tests.api.conftest import client_for, error_of, fields_of

pytestmark = pytest.mark.django_db
FORCE = "EVC"
REFERENCE = "API-BATCH-D1"
AT = "2025-06-03T11:00:00+01:00"


def alert(number: int, **changes) -> dict:
    return {
        "external_id": f"A-{number}",
        "deployment": REFERENCE,
        "occurred_at": AT,
        "score": 0.71,
        "threshold": 0.64,
        **changes,
    }


def search(number: int, **changes) -> dict:
    return {
        "external_id": f"S-{number}",
        "mode": "rfr",
        "occurred_at": AT,
        "purpose": "suspect",
        "probe_source": "cctv",
        **changes,
    }


def device_session(number: int, **changes) -> dict:
    return {
        "external_id": f"DS-{number}",
        "deployment": REFERENCE,
        "device_id": f"BWV-{number}",
        "officer_reference": "PC1234",
        "start": "2025-06-03T10:00:00+01:00",
        "end": "2025-06-03T12:00:00+01:00",
        **changes,
    }


@dataclass(frozen=True)
class Kind:
    path: str
    model: type
    item: Callable[..., dict]
    bad: dict  # a change that makes an item invalid, and the field it names

    def __str__(self) -> str:
        return self.path


KINDS = [
    Kind("alerts", Alert, alert, {"score": 1.5}),
    Kind("searches", Search, search, {"purpose": "curiosity"}),
    Kind("device-sessions", DeviceSession, device_session, {"officer_reference": 12}),
]


@pytest.fixture
def parent(db):
    deployment = make.deployment(force=Force.objects.get(code=FORCE), reference=REFERENCE)
    deployment.kind = "bodycam"
    return record_create(user=None, instance=deployment)


@pytest.fixture
def wsp(parent):
    return client_for(personas.recorder(FORCE))


def url(kind: Kind) -> str:
    return f"/api/v1/batches/{kind.path}/"


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_batch_is_created_once_and_a_repeat_creates_nothing(wsp, kind):
    body = {"items": [kind.item(n) for n in range(3)]}
    before = LedgerEvent.objects.count()
    first = wsp.post(url(kind), body)
    assert first.status_code == 201, first.content
    result = first.json()
    assert (result["received"], result["created"], result["already_present"]) == (3, 3, 0)
    assert LedgerEvent.objects.count() == before + 1
    assert LedgerEvent.objects.get(seq=result["ledger_seq"]).action == "import"
    repeat = wsp.post(url(kind), body)
    assert repeat.status_code == 200
    again = repeat.json()
    assert (again["created"], again["already_present"], again["ledger_seq"]) == (0, 3, None)
    assert again["digest"] == result["digest"]
    assert kind.model.objects.filter(external_id__in=[i["external_id"] for i in body["items"]])


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_batch_with_bad_items_lists_every_one_and_writes_nothing(wsp, kind):
    items = [kind.item(0), kind.item(1, **kind.bad), kind.item(2), kind.item(3, **kind.bad)]
    before = (kind.model.objects.count(), LedgerEvent.objects.count())
    response = wsp.post(url(kind), {"items": items})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_items"
    (field,) = kind.bad
    assert [(item["index"], item["field"]) for item in error["items"]] == [(1, field), (3, field)]
    assert all(item["message"] for item in error["items"])
    assert (kind.model.objects.count(), LedgerEvent.objects.count()) == before


@pytest.mark.parametrize("kind", KINDS, ids=str)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], None),
        ("items", None),
        ({}, "items"),
        ({"items": {"0": {}}}, "items"),
        ({"items": [], "dry_run": True}, "dry_run"),
        ({"items": [], "force": "NMP"}, "force"),
    ],
)
def test_a_bad_envelope(wsp, kind, body, field):
    response = wsp.post(url(kind), body, format="json")
    assert response.status_code == 400 and fields_of(response) == {field}


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_at_most_the_maximum_number_of_items(wsp, kind):
    response = wsp.post(url(kind), {"items": [{}] * (MAX_BATCH_ITEMS + 1)})
    assert response.status_code == 400 and fields_of(response) == {"items"}
    assert str(MAX_BATCH_ITEMS) in error_of(response)["message"]


def test_another_forces_deployment_reads_as_missing(parent):
    nmp = client_for(personas.recorder("NMP"))
    response = nmp.post(url(KINDS[0]), {"items": [alert(0)]})
    assert response.status_code == 400
    (item,) = error_of(response)["items"]
    assert (item["index"], item["field"]) == (0, "deployment") and "No deployment" in item[
        "message"
    ]


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_commissioners_and_anonymous_ingest_nothing(parent, commissioner, anonymous, kind):
    body = {"items": [kind.item(0)]}
    assert commissioner.post(url(kind), body).status_code == 403
    assert anonymous.post(url(kind), body).status_code == 401
    assert not kind.model.objects.filter(external_id=kind.item(0)["external_id"]).exists()


def test_ten_thousand_alerts_in_one_request(wsp):
    items = [alert(n) for n in range(MAX_BATCH_ITEMS)]
    response = wsp.post(url(KINDS[0]), {"items": items})
    assert response.status_code == 201, response.content[:500]
    assert response.json()["created"] == MAX_BATCH_ITEMS
