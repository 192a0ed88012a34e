"""Append to and verify the hash-chained ledger.

Each event's hash is SHA-256 over the canonical JSON (sorted keys, no insignificant whitespace,
UTF-8) of the event including the previous event's hash. `changes` is stored as canonical JSON
text, so verification rebuilds the exact bytes by splicing text instead of re-parsing.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from audits.models import LedgerEvent

GENESIS_HASH = "0" * 64
# Any constant works; it names the one lock every ledger writer takes on PostgreSQL.
_ADVISORY_LOCK_KEY = 0x4C454447  # "LEDG"
_encode = json.encoder.encode_basestring  # C-accelerated JSON string encoder


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_bytes(
    *,
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
    """The canonical JSON of an event: keys in sorted order, `changes` spliced in as JSON."""
    return (
        f'{{"action":{_encode(action)},"actor":{_encode(actor)},"changes":{changes},'
        f'"force":{_encode(force)},"object_id":{_encode(object_id)},'
        f'"object_type":{_encode(object_type)},"occurred_at":{_encode(occurred_at)},'
        f'"prev_hash":{_encode(prev_hash)},"reason":{_encode(reason)},"seq":{seq}}}'
    ).encode()


def _lock_head() -> tuple[int, str]:
    """Serialise appends, then read the head. On SQLite, BEGIN IMMEDIATE already holds the lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    head = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return head if head else (0, GENESIS_HASH)


@transaction.atomic
def append(
    *,
    action: str,
    actor: str = "",
    force: str = "",
    object_type: str = "",
    object_id: str = "",
    changes: Any = None,
    reason: str = "",
) -> LedgerEvent:
    seq, prev_hash = _lock_head()
    fields = {
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
    event.save()
    return event


def head_hash() -> str:
    head = LedgerEvent.objects.order_by("-seq").values_list("hash", flat=True).first()
    return head or GENESIS_HASH


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


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


def stored_rows(chunk_size: int = 20_000) -> Iterator[tuple]:
    return LedgerEvent.objects.order_by("seq").values_list(*COLUMNS).iterator(chunk_size)


def verify_rows(rows: Iterable[tuple]) -> Verification:
    """Walk the chain in seq order; the first event that does not fit is named."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    sha256 = hashlib.sha256
    for seq, occ, actor, force, action, otype, oid, changes, reason, prev, stored in rows:
        if seq != expected_seq:
            problem = f"expected event {expected_seq}, found {seq} (an event is missing or moved)"
            return Verification(False, count, prev_hash, min(seq, expected_seq), problem)
        if prev != prev_hash:
            return Verification(False, count, prev_hash, seq, "previous hash does not match")
        body = event_bytes(
            seq=seq,
            occurred_at=occ,
            actor=actor,
            force=force,
            action=action,
            object_type=otype,
            object_id=oid,
            changes=changes,
            reason=reason,
            prev_hash=prev,
        )
        if sha256(body).hexdigest() != stored:
            return Verification(False, count, prev_hash, seq, "content does not match its hash")
        prev_hash, expected_seq, count = stored, expected_seq + 1, count + 1
    return Verification(True, count, prev_hash)


def verify() -> Verification:
    with transaction.atomic():
        return verify_rows(stored_rows())
