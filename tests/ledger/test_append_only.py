"""Nobody changes or removes a ledger event: the application refuses, and on PostgreSQL so does
the database itself, even for SQL that never goes near the ORM."""

import pytest
from django.db import DatabaseError, connection, transaction

from audits.ledger import services as ledger
from audits.ledger.models import LedgerError, LedgerEvent
from tests.ledger.conftest import TABLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> LedgerEvent:
    return ledger.append(action="update", actor="tester", object_type="deployment", object_id=1)


def _unchanged(event: LedgerEvent) -> bool:
    stored = LedgerEvent.objects.filter(seq=event.seq).values_list("actor", "reason", "hash")
    return list(stored) == [(event.actor, event.reason, event.hash)]


def test_the_app_refuses_to_save_an_existing_event(event):
    event.reason = "edited later"

    with pytest.raises(LedgerError, match="cannot be updated"):
        event.save()

    event.reason = ""
    assert _unchanged(event)


def test_the_app_refuses_to_delete_an_event(event):
    with pytest.raises(LedgerError, match="cannot be deleted"):
        event.delete()

    assert _unchanged(event)


def test_the_app_refuses_queryset_updates_and_deletes(event):
    events = LedgerEvent.objects.filter(seq=event.seq)

    with pytest.raises(LedgerError, match="cannot be updated"):
        events.update(reason="edited later")
    with pytest.raises(LedgerError, match="cannot be deleted"):
        events.delete()

    assert _unchanged(event)


def test_the_app_refuses_to_overwrite_an_event_through_a_new_instance(event):
    copy = LedgerEvent(**{field: getattr(event, field) for field in ledger.COLUMNS})
    copy.reason = "edited later"

    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()  # always an INSERT, so the taken seq refuses it

    assert _unchanged(event)


def _refused(sql: str, params: list) -> str:
    with pytest.raises(DatabaseError) as refusal, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return str(refusal.value)


@pytest.mark.postgres
def test_postgresql_refuses_a_raw_update(event):
    message = _refused(f"UPDATE {TABLE} SET reason = 'edited' WHERE seq = %s", [event.seq])

    assert "audits_ledgerevent is append-only: UPDATE refused" in message
    assert _unchanged(event)


@pytest.mark.postgres
def test_postgresql_refuses_a_raw_delete(event):
    message = _refused(f"DELETE FROM {TABLE} WHERE seq = %s", [event.seq])

    assert "audits_ledgerevent is append-only: DELETE refused" in message
    assert _unchanged(event)


@pytest.mark.postgres
def test_postgresql_refuses_truncate(event):
    message = _refused(f"TRUNCATE {TABLE}", [])

    assert "audits_ledgerevent is append-only: TRUNCATE refused" in message
    assert LedgerEvent.objects.count() == event.seq
