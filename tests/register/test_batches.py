"""Batch ingestion: all or nothing, idempotent, every error listed, one ledger event per batch,
no write across forces. Each test runs for the three kinds of batch where the rule is shared."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models

from audits.ledger.models import LedgerEvent
from audits.ledger.services import canonical_json
from audits.register.imports.protocol import RowError
from audits.register.models import Alert, Deployment, DeviceSession, Force, Search, Status
from audits.register.services import batches
from audits.register.services.batches import (
    MAX_BATCH_ITEMS,
    BatchInvalid,
    BatchResult,
    ingest_alerts,
    ingest_device_sessions,
    ingest_searches,
)
from audits.register.services.records import record_create, record_submit
from tests import factories as make
from tests import personas

pytestmark = pytest.mark.django_db

FORCE = "EVC"
OTHER = "NMP"
DEPLOYMENT = "BATCH-D1"
SECOND_DEPLOYMENT = "BATCH-D2"
AT = "2025-06-03T11:00:00+01:00"


def alert_item(number: int, **changes) -> dict:
    item = {
        "external_id": f"BA-{number}",
        "deployment": DEPLOYMENT,
        "occurred_at": AT,
        "score": 0.71,
        "threshold": 0.64,
        "watchlist_category": "wanted_by_courts",
        "kind": "true_confirmed",
        "engaged": True,
        "engagement_duration_seconds": 300,
        "outcome": "arrest",
        "perceived_sex": "male",
        "adjudicated_by": "PC1234",
    }
    return {**item, **changes}


def search_item(number: int, **changes) -> dict:
    item = {
        "external_id": f"BS-{number}",
        "mode": "rfr",
        "occurred_at": AT,
        "purpose": "suspect",
        "probe_source": "cctv",
        "offence_type": "robbery",
        "threshold": "0.62",
        "rank_limit": 6,
        "candidates_returned": 2,
        "first_reviewer": "OP1",
        "second_reviewer": "OP2",
    }
    return {**item, **changes}


def device_session_item(number: int, **changes) -> dict:
    item = {
        "external_id": f"BD-{number}",
        "deployment": DEPLOYMENT,
        "device_id": "BWV-7",
        "officer_reference": "PC77",
        "start": "2025-06-03T10:00:00+01:00",
        "end": "2025-06-03T12:00:00+01:00",
        "faces_seen": 800,
        "alerts": 1,
    }
    return {**item, **changes}


@dataclass(frozen=True)
class Kind:
    name: str
    ingest: Callable[..., BatchResult]
    item: Callable[..., dict]
    model: type[models.Model]
    object_type: str
    bad_number: str  # a numeric field, to send out of range
    time_field: str  # a date and time field
    change: dict  # a change of content that is valid in itself

    def rows(self) -> models.QuerySet:
        return self.model.objects.filter(external_id__startswith=self.item(0)["external_id"][:3])

    def __str__(self) -> str:
        return self.name


ALERTS = Kind(
    "alerts",
    ingest_alerts,
    alert_item,
    Alert,
    "alert_batch",
    "score",
    "occurred_at",
    {"score": 0.72},
)
SEARCHES = Kind(
    "searches",
    ingest_searches,
    search_item,
    Search,
    "search_batch",
    "rank_limit",
    "occurred_at",
    {"requesting_unit": "CID"},
)
SESSIONS = Kind(
    "device_sessions",
    ingest_device_sessions,
    device_session_item,
    DeviceSession,
    "devicesession_batch",
    "faces_seen",
    "start",
    {"faces_seen": 801},
)
KINDS = [ALERTS, SEARCHES, SESSIONS]
WITH_DEPLOYMENT = [ALERTS, SESSIONS]
every_kind = pytest.mark.parametrize("kind", KINDS, ids=str)
kinds_with_deployment = pytest.mark.parametrize("kind", WITH_DEPLOYMENT, ids=str)


def draft(force_code: str = FORCE, reference: str = DEPLOYMENT) -> Deployment:
    force = Force.objects.get(code=force_code)
    return record_create(
        user=None,
        instance=make.deployment(force=force, reference=reference, kind=Deployment.Kind.BODYCAM),
    )


@pytest.fixture
def deployment() -> Deployment:
    draft(reference=SECOND_DEPLOYMENT)
    return draft()


@pytest.fixture
def recorder(deployment):
    return personas.recorder(FORCE)


def errors_of(raised: pytest.ExceptionInfo) -> list[tuple[int | None, str]]:
    return [(error.row, error.column) for error in raised.value.errors]


def ledger_count() -> int:
    return LedgerEvent.objects.count()


# --- Shared rules -----------------------------------------------------------------------------


@every_kind
def test_a_batch_creates_every_item(kind, recorder):
    items = [kind.item(number) for number in range(3)]
    result = kind.ingest(user=recorder, items=items)
    assert (result.kind, result.received, result.created, result.already_present) == (
        kind.name,
        3,
        3,
        0,
    )
    assert kind.rows().count() == 3


@every_kind
def test_repeating_a_batch_creates_nothing_and_writes_no_ledger_event(kind, recorder):
    items = [kind.item(number) for number in range(3)]
    first = kind.ingest(user=recorder, items=items)
    events = ledger_count()
    again = kind.ingest(user=recorder, items=items)
    assert (again.created, again.already_present, again.ledger_seq) == (0, 3, None)
    assert again.digest == first.digest
    assert kind.rows().count() == 3
    assert ledger_count() == events


@every_kind
def test_a_partly_new_batch_creates_only_the_new_items(kind, recorder):
    kind.ingest(user=recorder, items=[kind.item(0), kind.item(1)])
    result = kind.ingest(user=recorder, items=[kind.item(n) for n in range(4)])
    assert (result.created, result.already_present) == (2, 2)
    assert kind.rows().count() == 4


@every_kind
def test_a_stored_item_sent_with_other_content_is_an_error_not_an_overwrite(kind, recorder):
    kind.ingest(user=recorder, items=[kind.item(0)])
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=[kind.item(1), kind.item(0, **kind.change)])
    assert errors_of(raised) == [(1, "external_id")]
    message = raised.value.errors[0].reason
    assert f"Already present with different content ({next(iter(kind.change))})" in message
    assert "corrections are amendments" in message
    assert kind.rows().count() == 1


@every_kind
def test_one_bad_item_among_good_ones_writes_nothing(kind, recorder):
    items = [kind.item(0), kind.item(1, **{kind.time_field: "yesterday"}), kind.item(2)]
    events = ledger_count()
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=items)
    assert raised.value.errors == [
        RowError(
            1, kind.time_field, "'yesterday' is not an ISO 8601 date and time.", value="yesterday"
        )
    ]
    assert kind.rows().count() == 0
    assert ledger_count() == events


@every_kind
def test_every_bad_item_and_every_bad_field_is_listed(kind, recorder):
    items = [
        kind.item(0, external_id=""),
        kind.item(1),
        kind.item(2, colour="blue", **{kind.bad_number: -1}),
        "not an object",
    ]
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=items)
    assert errors_of(raised) == [
        (0, "external_id"),
        (2, "colour"),
        (2, kind.bad_number),
        (3, "non_field_errors"),
    ]
    assert all(error.reason for error in raised.value.errors)
    assert kind.rows().count() == 0


@every_kind
def test_an_unknown_field_is_an_error_not_dropped(kind, recorder):
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=[kind.item(0, force="NMP", id=5)])
    assert errors_of(raised) == [(0, "force"), (0, "id")]
    assert raised.value.errors[0].reason == "Unknown field."


@every_kind
def test_a_missing_external_id_is_an_error(kind, recorder):
    item = kind.item(0)
    del item["external_id"]
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=[item, kind.item(1, external_id="   ")])
    assert errors_of(raised) == [(0, "external_id"), (1, "external_id")]


@every_kind
def test_an_external_id_twice_in_one_batch_is_an_error(kind, recorder):
    items = [kind.item(0), kind.item(1), kind.item(0)]
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=items)
    assert errors_of(raised) == [(2, "external_id")]
    assert "item 0" in raised.value.errors[0].reason


@every_kind
@pytest.mark.parametrize("value", [-1, 2**31, 10**30])
def test_negative_and_huge_numbers_are_errors(kind, recorder, value):
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=[kind.item(0, **{kind.bad_number: value})])
    assert errors_of(raised) == [(0, kind.bad_number)]


@every_kind
def test_more_than_the_maximum_of_items_is_refused_whole(kind, recorder):
    items = [kind.item(number) for number in range(MAX_BATCH_ITEMS + 1)]
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=items)
    assert errors_of(raised) == [(None, "items")]
    message = f"At most {MAX_BATCH_ITEMS} items in one batch ({MAX_BATCH_ITEMS + 1} given)."
    assert raised.value.errors[0].reason == message


@every_kind
def test_the_maximum_itself_is_accepted(kind, recorder, monkeypatch):
    monkeypatch.setattr(batches, "MAX_BATCH_ITEMS", 3)
    assert kind.ingest(user=recorder, items=[kind.item(n) for n in range(3)]).created == 3
    with pytest.raises(BatchInvalid):
        kind.ingest(user=recorder, items=[kind.item(n) for n in range(4)])


@every_kind
def test_items_must_be_a_list(kind, recorder):
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items={"items": []})
    assert errors_of(raised) == [(None, "items")]


@every_kind
def test_one_ledger_event_per_batch_carries_the_digest_of_the_items(kind, recorder):
    items = [kind.item(number) for number in range(3)]
    events = ledger_count()
    result = kind.ingest(user=recorder, items=items)
    assert ledger_count() == events + 1
    event = LedgerEvent.objects.get(seq=result.ledger_seq)
    expected = hashlib.sha256(canonical_json(items).encode()).hexdigest()
    assert result.digest == expected
    changes = json.loads(event.changes)
    assert (event.action, event.object_type, event.force, event.actor) == (
        "import",
        kind.object_type,
        FORCE,
        recorder.get_username(),
    )
    assert changes["digest"] == expected
    assert (changes["received"], changes["created"], changes["already_present"]) == (3, 3, 0)
    assert changes["created_external_ids_complete"] is True
    assert len(changes["created_external_ids"]) == 3


@every_kind
def test_the_ledger_lists_at_most_a_thousand_created_ids(kind, recorder, monkeypatch):
    monkeypatch.setattr(batches, "LEDGER_ID_LIMIT", 2)
    result = kind.ingest(user=recorder, items=[kind.item(n) for n in range(3)])
    changes = json.loads(LedgerEvent.objects.get(seq=result.ledger_seq).changes)
    assert len(changes["created_external_ids"]) == 2
    assert changes["created_external_ids_complete"] is False
    last = changes["last_created_external_id"]
    assert (last[-1] if isinstance(last, list) else last) == kind.item(2)["external_id"]


@every_kind
def test_a_recorder_of_another_force_cannot_write_into_this_force(kind, deployment):
    outsider = personas.recorder(OTHER)
    with pytest.raises(PermissionDenied):
        kind.ingest(user=outsider, items=[kind.item(0)], force=deployment.force)
    assert kind.rows().count() == 0


@every_kind
def test_a_commissioner_reads_every_force_but_writes_no_batch(kind, deployment):
    commissioner = personas.commissioner()
    with pytest.raises(PermissionDenied):
        kind.ingest(user=commissioner, items=[kind.item(0)])
    with pytest.raises(PermissionDenied):
        kind.ingest(user=commissioner, items=[kind.item(0)], force=deployment.force)
    assert kind.rows().count() == 0


@every_kind
def test_a_reviewer_without_the_add_permission_is_refused(kind, deployment):
    with pytest.raises(PermissionDenied):
        kind.ingest(user=personas.reviewer(FORCE), items=[kind.item(0)])


@every_kind
def test_the_system_names_the_force_it_writes_for(kind, deployment):
    with pytest.raises(PermissionDenied):
        kind.ingest(user=None, items=[kind.item(0)])
    assert kind.ingest(user=None, items=[kind.item(0)], force=deployment.force).created == 1


@every_kind
def test_a_superuser_writes_for_the_force_named(kind, deployment):
    root = get_user_model().objects.create_superuser("batch-root", "r@example.org", "x" * 16)
    assert kind.ingest(user=root, items=[kind.item(0)], force=deployment.force).created == 1


@every_kind
def test_text_that_no_database_can_store_is_an_error(kind, recorder):
    items = [kind.item(0, external_id="BX-\x00"), kind.item(1, external_id="BX-\ud800")]
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=items)
    assert errors_of(raised) == [(0, "external_id"), (1, "external_id")]


# --- Deployments: named by reference, in the user's force, and only while a draft ---------------


@kinds_with_deployment
def test_another_forces_deployment_reads_as_not_found(kind, recorder):
    draft(OTHER, "BATCH-NMP")
    items = [kind.item(0, deployment="BATCH-NMP"), kind.item(1, deployment="NO-SUCH")]
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=items)
    first, second = raised.value.errors
    assert (first.row, first.column, first.value) == (0, "deployment", "BATCH-NMP")
    assert first.reason == "No deployment 'BATCH-NMP'."
    assert second.reason == "No deployment 'NO-SUCH'."


@kinds_with_deployment
def test_nothing_is_added_to_a_submitted_deployment(kind, recorder, deployment):
    record_submit(user=None, instance=deployment)
    items = [kind.item(0), kind.item(1, deployment=SECOND_DEPLOYMENT)]
    with pytest.raises(BatchInvalid) as raised:
        kind.ingest(user=recorder, items=items)
    assert errors_of(raised) == [(0, "deployment")]
    assert "is submitted: it is locked" in raised.value.errors[0].reason
    assert kind.rows().count() == 0


@kinds_with_deployment
def test_items_stored_before_the_deployment_was_submitted_still_count_as_present(
    kind, recorder, deployment
):
    items = [kind.item(0), kind.item(1)]
    kind.ingest(user=recorder, items=items)
    record_submit(user=None, instance=deployment)
    result = kind.ingest(user=recorder, items=items)
    assert (result.created, result.already_present) == (0, 2)


@kinds_with_deployment
def test_one_external_id_may_be_used_in_two_deployments(kind, recorder):
    items = [kind.item(0), kind.item(0, deployment=SECOND_DEPLOYMENT)]
    assert kind.ingest(user=recorder, items=items).created == 2


# --- Alerts -----------------------------------------------------------------------------------


def test_an_alert_is_stored_with_its_typed_values(recorder, deployment):
    ingest_alerts(user=recorder, items=[alert_item(0, complaint_raised=True)])
    alert = Alert.objects.get(deployment=deployment, external_id="BA-0")
    assert alert.score == Decimal("0.71")
    assert alert.threshold == Decimal("0.64")
    assert alert.occurred_at == datetime.fromisoformat(AT)
    assert alert.engagement_duration == timedelta(seconds=300)
    assert (alert.outcome.code, alert.watchlist_category.code) == ("arrest", "wanted_by_courts")
    assert (alert.kind, alert.engaged, alert.complaint_raised) == ("true_confirmed", True, True)
    assert (alert.perceived_sex, alert.perceived_age_band) == ("male", "unknown")


def test_an_alert_names_a_device_session_of_its_deployment(recorder, deployment):
    ingest_device_sessions(user=recorder, items=[device_session_item(0)])
    ingest_alerts(user=recorder, items=[alert_item(0, device_session="BD-0")])
    session = DeviceSession.objects.get(deployment=deployment, external_id="BD-0")
    assert Alert.objects.get(deployment=deployment, external_id="BA-0").device_session == session
    with pytest.raises(BatchInvalid) as raised:
        items = [
            alert_item(1, device_session="BD-9"),
            alert_item(2, deployment=SECOND_DEPLOYMENT, device_session="BD-0"),
        ]
        ingest_alerts(user=recorder, items=items)
    assert errors_of(raised) == [(0, "device_session"), (1, "device_session")]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("score", "high"),
        ("score", True),
        ("score", [0.7]),
        ("threshold", None),
        ("engaged", "yes"),
        ("engaged", 1),
        ("occurred_at", 1717408800),
        ("occurred_at", "2025-06-03T11:00:00"),  # no UTC offset
        ("kind", "probably_true"),
        ("perceived_sex", 3),
        ("watchlist_category", "no_such_category"),
        ("outcome", {"code": "arrest"}),
        ("engagement_duration_seconds", "300"),
        ("adjudicated_by", "x" * 61),
        ("external_id", 17),
        ("deployment", 1),
    ],
)
def test_an_alert_value_of_the_wrong_type_or_out_of_its_choices_is_an_error(recorder, field, value):
    with pytest.raises(BatchInvalid) as raised:
        ingest_alerts(user=recorder, items=[alert_item(0, **{field: value})])
    assert errors_of(raised) == [(0, field)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("score", 1.5, "within 0..1"),
        ("score", -0.1, "within 0..1"),
        ("score", 0.71234, "4 decimal places"),
        ("score", float("nan"), "not a number"),
        ("score", "1e999", "not a plain decimal number"),
        ("score", "0.7_1", "not a plain decimal number"),
        ("engagement_duration_seconds", -5, "negative"),
        ("engagement_duration_seconds", 1e30, "at most"),
        ("occurred_at", "0001-01-01T00:00:00+05:00", "out of range"),
    ],
)
def test_an_alert_number_out_of_its_range_is_an_error(recorder, field, value, message):
    with pytest.raises(BatchInvalid) as raised:
        ingest_alerts(user=recorder, items=[alert_item(0, **{field: value})])
    assert errors_of(raised) == [(0, field)]
    assert message in raised.value.errors[0].reason


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"score": 0.6}, "score"),  # below its threshold
        ({"engaged": False}, "kind"),  # confirmed without engagement
        ({"kind": "true_unconfirmed"}, "kind"),  # unconfirmed, yet engaged
        ({"biometric_data_deleted_at": "2025-06-02T00:00:00Z"}, "biometric_data_deleted_at"),
    ],
)
def test_the_alert_models_own_rules_apply(recorder, changes, field):
    with pytest.raises(BatchInvalid) as raised:
        ingest_alerts(user=recorder, items=[alert_item(0), alert_item(1, **changes)])
    assert errors_of(raised) == [(1, field)]


def test_a_score_may_be_sent_as_a_decimal_string(recorder, deployment):
    ingest_alerts(user=recorder, items=[alert_item(0, score="0.7100")])
    assert ingest_alerts(user=recorder, items=[alert_item(0)]).already_present == 1


# --- Searches ---------------------------------------------------------------------------------


def test_a_search_is_a_draft_of_the_users_force_created_by_the_user(recorder):
    ingest_searches(user=recorder, items=[search_item(0)])
    search = Search.objects.get(external_id="BS-0")
    assert (search.force.code, search.status, search.created_by) == (FORCE, Status.DRAFT, recorder)
    assert (search.offence_type.code, search.threshold) == ("robbery", Decimal("0.62"))


def test_search_external_ids_are_per_force(recorder):
    ingest_searches(user=None, items=[search_item(0)], force=Force.objects.get(code=OTHER))
    assert ingest_searches(user=recorder, items=[search_item(0)]).created == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"candidates_returned": 7}, "candidates_returned"),  # above the rank limit
        ({"second_reviewer": "OP1"}, "second_reviewer"),  # the same person twice
        ({"oifr_legal_condition": "unconscious"}, "oifr_legal_condition"),  # not an OIFR search
        ({"mode": "live"}, "mode"),
        ({"purpose": None}, "purpose"),
        ({"rank_limit": 40_000}, "rank_limit"),
        ({"system": 10**30}, "system"),
        ({"system": "NEC"}, "system"),
        ({"offence_type": "jaywalking"}, "offence_type"),
    ],
)
def test_a_bad_search_is_an_error(recorder, changes, field):
    with pytest.raises(BatchInvalid) as raised:
        ingest_searches(user=recorder, items=[search_item(1, **changes)])
    assert errors_of(raised) == [(0, field)]


# --- Device sessions --------------------------------------------------------------------------


def test_a_device_session_belongs_to_a_bodycam_deployment_and_ends_after_it_starts(recorder):
    force = Force.objects.get(code=FORCE)
    van = make.deployment(force=force, reference="BATCH-VAN", kind=Deployment.Kind.VAN)
    record_create(user=None, instance=van)
    items = [
        device_session_item(0, deployment="BATCH-VAN"),
        device_session_item(1, end="2025-06-03T09:00:00+01:00"),
    ]
    with pytest.raises(BatchInvalid) as raised:
        ingest_device_sessions(user=recorder, items=items)
    assert errors_of(raised) == [(0, "deployment"), (1, "end")]


def test_a_device_session_is_stored_with_its_values(recorder, deployment):
    ingest_device_sessions(user=recorder, items=[device_session_item(0, alerts=None)])
    session = DeviceSession.objects.get(deployment=deployment, external_id="BD-0")
    assert (session.device_id, session.faces_seen, session.alerts) == ("BWV-7", 800, None)
    assert session.end - session.start == timedelta(hours=2)


def test_the_readme_states_the_batch_limit_of_the_service():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    limit = f"{MAX_BATCH_ITEMS:,}"
    assert f'with `{{"items": [...]}}` (up to {limit}, each with its own `external_id`)' in readme
    assert f"`device-sessions/`), {limit}\n  rows per batch" in readme
