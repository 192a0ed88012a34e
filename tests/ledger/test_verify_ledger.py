"""verify_ledger passes on the seeded chain and names the first bad event after each kind of
tampering, done through raw SQL as someone with database access would."""

import hashlib

import pytest

from audits.ledger import services as ledger
from audits.ledger.models import LedgerEvent
from tests.ledger.conftest import TABLE, verify_ledger

pytestmark = pytest.mark.django_db


def _middle_create_event() -> LedgerEvent:
    """An event well inside the chain, with a non-empty change to tamper with."""
    count = LedgerEvent.objects.count()
    return LedgerEvent.objects.filter(seq__gte=count // 2, action="create").first()


def _shift_up(raw_sql, after_seq: int) -> None:
    """Make room after `after_seq` by moving every later event up one (through negative seqs, so
    the primary key stays unique at every step)."""
    raw_sql(f"UPDATE {TABLE} SET seq = -seq WHERE seq > %s", [after_seq])
    raw_sql(f"UPDATE {TABLE} SET seq = 1 - seq WHERE seq < 0")


def test_the_seeded_ledger_verifies_and_reports_its_size_and_head():
    code, output = verify_ledger()

    seq, head_hash = ledger.head()
    assert code == 0
    assert seq > 200  # the persona register's events (tests/personas.py)
    chain, records = output.strip().splitlines()
    assert chain == f"Ledger verified: {seq} events. Head hash: {head_hash}"
    assert records.startswith("Records reconciled: ")


def test_it_verifies_events_appended_after_the_seed():
    event = ledger.append(action="update", actor="tester", object_type="deployment", object_id=1)

    code, output = verify_ledger()

    assert code == 0
    assert f"{event.seq} events" in output
    assert event.hash in output


TAMPERED_VALUES = {
    "occurred_at": "2000-01-01T00:00:00.000000+00:00",
    "actor": "someone-else",
    "force": "XXX",
    "action": "amend",
    "object_type": "tampered-type",
    "object_id": "999999",
    "changes": '{"status":[null,"draft"]}',
    "reason": "quietly edited",
    "hash": "f" * 64,
}


@pytest.mark.parametrize("field", TAMPERED_VALUES)
def test_it_names_the_event_whose_field_was_changed(raw_sql, field):
    event = _middle_create_event()
    assert getattr(event, field) != TAMPERED_VALUES[field]
    raw_sql(f"UPDATE {TABLE} SET {field} = %s WHERE seq = %s", [TAMPERED_VALUES[field], event.seq])

    code, message = verify_ledger()

    assert code == 1
    assert message.startswith(f"Ledger broken at event {event.seq}: ")
    assert "its content does not match its hash" in message


def test_it_names_the_event_whose_previous_hash_was_changed(raw_sql):
    event = _middle_create_event()
    raw_sql(f"UPDATE {TABLE} SET prev_hash = %s WHERE seq = %s", ["a" * 64, event.seq])

    code, message = verify_ledger()

    assert code == 1
    assert message.startswith(f"Ledger broken at event {event.seq}: its previous hash")


def test_a_change_that_keeps_the_same_json_meaning_is_still_caught(raw_sql):
    """Only the stored canonical text counts: re-spacing the JSON breaks the hash too."""
    event = _middle_create_event()
    raw_sql(f"UPDATE {TABLE} SET changes = %s WHERE seq = %s", [event.changes + " ", event.seq])

    code, message = verify_ledger()

    assert (code, message.split(":")[0]) == (1, f"Ledger broken at event {event.seq}")


def test_it_names_a_deleted_event(raw_sql):
    event = _middle_create_event()
    raw_sql(f"DELETE FROM {TABLE} WHERE seq = %s", [event.seq])

    code, message = verify_ledger()

    assert code == 1
    assert message.startswith(
        f"Ledger broken at event {event.seq}: event {event.seq} is missing: "
        f"the next event stored is {event.seq + 1}"
    )
    assert f"{event.seq - 1} events before it verify" in message


def test_it_names_the_first_event_when_the_first_is_deleted(raw_sql):
    raw_sql(f"DELETE FROM {TABLE} WHERE seq = 1")

    code, message = verify_ledger()

    assert (code, message.split(":")[0]) == (1, "Ledger broken at event 1")


def test_events_removed_from_the_end_are_caught_by_an_anchored_head(raw_sql):
    anchored_seq, anchored_hash = ledger.head()
    raw_sql(f"DELETE FROM {TABLE} WHERE seq > %s", [anchored_seq - 3])

    chain_only, _ = verify_ledger("--chain-only")
    code_without_anchor, differences = verify_ledger()
    code, message = verify_ledger("--anchor", anchored_hash)

    assert chain_only == 0  # a shorter chain is still a valid chain...
    assert code == 1  # ...but not one that contains the head recorded earlier
    assert f"The anchored hash {anchored_hash} is not in the ledger" in message
    # and the records written by the removed events are still in the tables, unexplained
    assert code_without_anchor == 2 and "Records differ from the ledger" in differences


def test_an_anchored_head_still_in_the_chain_passes():
    _, anchored_hash = ledger.head()
    ledger.append(action="update", actor="tester", object_type="deployment", object_id=1)

    code, output = verify_ledger("--anchor", anchored_hash)

    assert code == 0
    assert output.startswith("Ledger verified:")


def test_it_names_an_event_inserted_with_a_made_up_hash(raw_sql):
    after = LedgerEvent.objects.count() - 10
    _shift_up(raw_sql, after)
    previous = LedgerEvent.objects.get(seq=after)
    raw_sql(
        f"INSERT INTO {TABLE} (seq, occurred_at, actor, force, action, object_type, object_id, "
        "changes, reason, prev_hash, format, rows, hash) VALUES (%s, %s, 'intruder', '', "
        "'create', 'deployment', '1', '{}', '', %s, 2, '[]', %s)",
        [after + 1, previous.occurred_at, previous.hash, "e" * 64],
    )

    code, message = verify_ledger()

    assert code == 1
    assert message.startswith(f"Ledger broken at event {after + 1}: its content does not match")


def test_an_event_of_the_old_format_after_the_new_one_is_named(raw_sql):
    """Format 1 hashes hold no row entries: an event written in it after format 2 began would
    carry a write that reconciliation never sees, so the chain refuses it."""
    seq, head_hash = ledger.head()
    old = ledger.event_bytes(
        seq + 1, "2026-01-01T00:00:00+00:00", "x", "", "create", "", "", "{}", "", head_hash
    )
    raw_sql(
        f"INSERT INTO {TABLE} (seq, occurred_at, actor, force, action, object_type, object_id, "
        "changes, reason, prev_hash, hash) VALUES (%s, '2026-01-01T00:00:00+00:00', 'x', '', "
        "'create', '', '', '{}', '', %s, %s)",
        [seq + 1, head_hash, hashlib.sha256(old).hexdigest()],
    )

    code, message = verify_ledger()

    assert code == 1
    assert message.startswith(f"Ledger broken at event {seq + 1}: it is of format 1 after")


def test_an_inserted_event_with_a_valid_hash_breaks_the_event_after_it(raw_sql):
    """A forger who computes a correct hash for the new event still cannot make the next event
    point at it without rewriting that one too: the chain names the first event that no longer
    fits, the one that was pushed along."""
    after = LedgerEvent.objects.count() - 10
    _shift_up(raw_sql, after)
    previous = LedgerEvent.objects.get(seq=after)
    forged = {
        "seq": after + 1,
        "occurred_at": previous.occurred_at,
        "actor": "intruder",
        "force": "",
        "action": "create",
        "object_type": "deployment",
        "object_id": "1",
        "changes": "{}",
        "reason": "",
        "prev_hash": previous.hash,
        "format": 2,
        "rows": "[]",
    }
    forged_hash = hashlib.sha256(ledger.event_bytes(**forged)).hexdigest()
    raw_sql(
        f"INSERT INTO {TABLE} ({', '.join(forged)}, hash) VALUES ({', '.join(['%s'] * 13)})",
        [*forged.values(), forged_hash],
    )

    code, message = verify_ledger()

    assert code == 1
    assert message.startswith(f"Ledger broken at event {after + 2}: its previous hash")


def test_it_names_an_event_appended_outside_the_ledger_code(raw_sql):
    seq, head_hash = ledger.head()
    raw_sql(
        f"INSERT INTO {TABLE} (seq, occurred_at, actor, force, action, object_type, object_id, "
        "changes, reason, prev_hash, hash) VALUES (%s, '2026-01-01T00:00:00.000000+00:00', "
        "'intruder', '', 'create', 'deployment', '1', '{}', '', %s, %s)",
        [seq + 1, head_hash, "d" * 64],
    )

    code, message = verify_ledger()

    assert code == 1
    assert message.startswith(f"Ledger broken at event {seq + 1}:")


@pytest.mark.parametrize("distance", [1, 100])
def test_it_names_the_first_of_two_swapped_events(raw_sql, distance):
    first = _middle_create_event().seq
    second = first + distance
    raw_sql(f"UPDATE {TABLE} SET seq = -1 WHERE seq = %s", [first])
    raw_sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [first, second])
    raw_sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = -1", [second])

    code, message = verify_ledger()

    assert code == 1
    assert message.startswith(f"Ledger broken at event {first}: its previous hash")
