"""Append to and verify the hash-chained ledger.

Each event's hash is SHA-256 over the canonical JSON (sorted keys, no insignificant whitespace,
UTF-8) of the event including the previous event's hash. `changes` is stored as canonical JSON
text, so verification rebuilds the exact bytes by splicing text instead of re-parsing.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import chain
from typing import Any, TypedDict

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audits.ledger.models import LedgerEvent

GENESIS_HASH = "0" * 64
# Any constant works; it names the one lock every ledger writer takes on PostgreSQL.
_ADVISORY_LOCK_KEY = 0x4C454447  # "LEDG"
# Rows per round trip when streaming the chain: enough to make round trips cheap, few enough that
# a batch is still in the CPU cache when it is hashed (bench/: 4,000 is measurably slower).
FETCH_SIZE = 500
# The C-accelerated JSON string encoder, identical to json.dumps(..., ensure_ascii=False).
_encode = json.encoder.encode_basestring

COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "force",
    "action",
    "object_type",
    "object_id",
    "changes",
    "reason",
    "prev_hash",
    "hash",
)


class EventFields(TypedDict):
    """The hashed fields of an event: every column but `hash` (event_bytes' arguments)."""

    seq: int
    occurred_at: str
    actor: str
    force: str
    action: str
    object_type: str
    object_id: str
    changes: str
    reason: str
    prev_hash: str


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_bytes(
    seq: int,
    occurred_at: str,
    actor: str,
    force: str,
    action: str,
    object_type: str,
    object_id: str,
    changes: str,
    reason: str,
    prev_hash: str,
) -> bytes:
    """The canonical JSON of an event, the one definition of what is hashed.

    Keys in sorted order, every text field JSON-encoded, `changes` (already canonical JSON)
    spliced in. Arguments follow COLUMNS, so verification can pass a stored row positionally.
    """
    return (
        f'{{"action":{_encode(action)},"actor":{_encode(actor)},"changes":{changes},'
        f'"force":{_encode(force)},"object_id":{_encode(object_id)},'
        f'"object_type":{_encode(object_type)},"occurred_at":{_encode(occurred_at)},'
        f'"prev_hash":{_encode(prev_hash)},"reason":{_encode(reason)},"seq":{seq:d}}}'
    ).encode()


def _lock_head(using: str) -> tuple[int, str]:
    """Serialise appends, then read the head. On SQLite, BEGIN IMMEDIATE already holds the lock."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    head = LedgerEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    return head if head else (0, GENESIS_HASH)


def append(
    *,
    action: str,
    actor: str = "",
    force: str = "",
    object_type: str = "",
    object_id: str = "",
    changes: Any = None,
    reason: str = "",
    using: str = DEFAULT_DB_ALIAS,
) -> LedgerEvent:
    # No savepoint of its own: an event that cannot be appended must undo the write it records,
    # so a failure here dooms the caller's transaction (or savepoint) as a whole. Called inside
    # another write, the savepoint would cost two statements per event and protect nothing.
    with transaction.atomic(using=using, savepoint=False):
        seq, prev_hash = _lock_head(using)
        fields: EventFields = {
            "seq": seq + 1,
            "occurred_at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "actor": actor or "",
            "force": force or "",
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "changes": canonical_json(changes if changes is not None else {}),
            "reason": reason or "",
            "prev_hash": prev_hash,
        }
        event = LedgerEvent(**fields, hash=hashlib.sha256(event_bytes(**fields)).hexdigest())
        event.save(using=using)
        return event


def head(*, using: str = DEFAULT_DB_ALIAS) -> tuple[int, str]:
    """(seq, hash) of the newest event; (0, GENESIS_HASH) for an empty ledger."""
    latest = LedgerEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    return latest or (0, GENESIS_HASH)


def head_hash(*, using: str = DEFAULT_DB_ALIAS) -> str:
    return head(using=using)[1]


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int  # events verified: all of them, or those before the first bad one
    head_hash: str  # hash of the last verified event
    first_bad_seq: int | None = None
    problem: str = ""


def verify_rows(rows: Iterable[tuple]) -> Verification:
    """Walk the chain in seq order (rows in COLUMNS order); the first event that does not fit is
    named. The loop runs once per event, so it binds names locally and does nothing it need not.
    """
    expected, last_hash = 1, GENESIS_HASH
    sha256, encode = hashlib.sha256, event_bytes
    try:
        for seq, occurred, actor, force, action, otype, oid, changes, reason, prev, stored in rows:
            if seq != expected:
                problem = f"event {expected} is missing: the next event stored is {seq!r}"
                return Verification(False, expected - 1, last_hash, expected, problem)
            if prev != last_hash:
                problem = f"its previous hash is not the hash of event {seq - 1}"
                return Verification(False, expected - 1, last_hash, seq, problem)
            body = encode(seq, occurred, actor, force, action, otype, oid, changes, reason, prev)
            if sha256(body).hexdigest() != stored:
                problem = "its content does not match its hash"
                return Verification(False, expected - 1, last_hash, seq, problem)
            last_hash = stored
            expected += 1
    except (TypeError, ValueError) as error:  # a raw edit left a value of the wrong type
        problem = f"a field holds a value that cannot be encoded ({error})"
        return Verification(False, expected - 1, last_hash, expected, problem)
    return Verification(True, expected - 1, last_hash)


def _select_chain(connection: BaseDatabaseWrapper) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(map(quote, COLUMNS))
    return f"SELECT {columns} FROM {quote(LedgerEvent._meta.db_table)} ORDER BY {quote('seq')}"


def verify(*, using: str = DEFAULT_DB_ALIAS) -> Verification:
    """Verify the stored chain, streamed as raw tuples: memory stays flat however long it grows.

    One SELECT reads one consistent snapshot. Inside a transaction, PostgreSQL's server-side
    cursor streams rows instead of materialising the result first.
    """
    connection = connections[using]
    with transaction.atomic(using=using), connection.chunked_cursor() as cursor:
        cursor.execute(_select_chain(connection))
        batches = iter(partial(cursor.fetchmany, FETCH_SIZE), [])
        return verify_rows(chain.from_iterable(batches))


def contains_hash(event_hash: str, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether an event with this hash is stored: a head anchored earlier must still be there."""
    return LedgerEvent.objects.using(using).filter(hash=event_hash).exists()
