"""Append to and verify the hash-chained ledger (docs/ledger-format.md is the specification).

Each event's hash is SHA-256 over its bytes, which include the previous event's hash. Format 1
events (written before exact capture) are Python's canonical JSON; format 2 events are RFC 8785
and carry the row writes they record (`rows`), so that the tables can be rebuilt and compared.
`changes` and `rows` are stored as canonical JSON text, so verification rebuilds the exact bytes
by splicing text instead of re-parsing.
"""

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial, wraps
from itertools import chain
from typing import Any, ParamSpec, TypedDict, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audits.ledger.encoding import canonical, canonical_rows, datetime_text, ledger_value
from audits.ledger.models import LedgerAction, LedgerError, LedgerEvent

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
    "format",
    "rows",
    "hash",
)
FORMAT = 2  # what append() writes


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
    format: int
    rows: str


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
    format: int = 1,
    rows: str = "",
) -> bytes:
    """The bytes of an event that are hashed, the one definition of each format.

    Keys in sorted order, every text field JSON-encoded, `changes` and `rows` (already canonical
    JSON) spliced in. Arguments follow COLUMNS, so verification can pass a stored row
    positionally. Format 1 (section 2 of the format page) has ten members; format 2 (section 3)
    adds `format` and `rows`, and its text is RFC 8785.
    """
    if format == 1:
        return (
            f'{{"action":{_encode(action)},"actor":{_encode(actor)},"changes":{changes},'
            f'"force":{_encode(force)},"object_id":{_encode(object_id)},'
            f'"object_type":{_encode(object_type)},"occurred_at":{_encode(occurred_at)},'
            f'"prev_hash":{_encode(prev_hash)},"reason":{_encode(reason)},"seq":{seq:d}}}'
        ).encode()
    if format == 2:
        return (
            f'{{"action":{_encode(action)},"actor":{_encode(actor)},"changes":{changes},'
            f'"force":{_encode(force)},"format":2,"object_id":{_encode(object_id)},'
            f'"object_type":{_encode(object_type)},"occurred_at":{_encode(occurred_at)},'
            f'"prev_hash":{_encode(prev_hash)},"reason":{_encode(reason)},"rows":{rows},'
            f'"seq":{seq:d}}}'
        ).encode()
    raise ValueError(f"format {format!r} is not a ledger format")


def _lock_head(using: str) -> tuple[int, str]:
    """Serialise appends, then read the head. On SQLite, BEGIN IMMEDIATE already holds the lock."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    head = LedgerEvent.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    return head if head else (0, GENESIS_HASH)


class _Recording(threading.local):
    """Row writes captured inside `recording()`, per thread and database, waiting for the event
    that records them, and the last event appended in it."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.last: dict[str, LedgerEvent] = {}


_recording = _Recording()


@contextmanager
def recording(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction whose row writes go into the next event appended in it (the service's own
    event: "submit", with its reason), rather than each into an event of its own. Writes left
    over when it ends (rows that name the event, as an amendment names its seq) get one event
    of their own, inside the same transaction, by the same actor: none is lost. Nested, it
    joins the outer one (in a savepoint); a block that fails is forgotten as its savepoint is:
    the writes it captured, and any event it appended (with the outer block's writes that event
    took, which wait again for the next one)."""
    waiting = _recording.rows.get(using)
    if waiting is not None:
        before, last = list(waiting), _recording.last.get(using)
        try:
            with transaction.atomic(using=using):
                yield
        except BaseException:
            waiting[:] = before
            if last is None:
                _recording.last.pop(using, None)
            else:
                _recording.last[using] = last
            raise
        return
    waiting = _recording.rows[using] = []
    try:
        with transaction.atomic(using=using):
            yield
            if waiting:
                _append_leftovers(using)
    finally:
        del _recording.rows[using]
        _recording.last.pop(using, None)


def _append_leftovers(using: str) -> None:
    last = _recording.last.get(using)
    if last is None:
        append(action=LedgerAction.WRITE, using=using)
        return
    append(
        action=LedgerAction.WRITE,
        actor=last.actor,
        force=last.force,
        object_type=last.object_type,
        object_id=last.object_id,
        changes={"follows": last.seq},
        reason=last.reason,
        using=using,
    )


P = ParamSpec("P")
T = TypeVar("T")


def recorded(function: Callable[P, T]) -> Callable[P, T]:
    """A service that runs in `recording()`: one transaction, its row writes in its event."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with recording():
            return function(*args, **kwargs)

    return wrapper


def capture(rows: list[dict[str, Any]], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record row writes (audits/ledger/capture.py builds them): into the recording's next event,
    or, outside a recording, at once in an event of their own."""
    waiting = _recording.rows.get(using)
    if waiting is not None:
        waiting.extend(rows)
        return
    first = rows[0]
    action = {"insert": LedgerAction.CREATE, "delete": LedgerAction.DELETE}.get(
        first["op"], LedgerAction.UPDATE
    )
    append(action=action, object_type=first["table"], object_id=str(first["id"]), rows=rows)


def append(
    *,
    action: str,
    actor: str = "",
    force: str = "",
    object_type: str = "",
    object_id: str = "",
    changes: Any = None,
    reason: str = "",
    rows: list[dict[str, Any]] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> LedgerEvent:
    """Append a format 2 event; inside `recording()` it takes the row writes captured so far."""
    waiting = _recording.rows.get(using)
    entries = [*(waiting or ()), *(rows or ())]
    if waiting:
        waiting.clear()
    # Encoded before anything is locked: a value the format does not write (a float) fails here.
    changes_text = canonical(ledger_value(changes if changes is not None else {})).decode()
    rows_text = canonical_rows(entries).decode()
    # No savepoint of its own: an event that cannot be appended must undo the write it records,
    # so a failure here dooms the caller's transaction (or savepoint) as a whole. Called inside
    # another write, the savepoint would cost two statements per event and protect nothing.
    with transaction.atomic(using=using, savepoint=False):
        seq, prev_hash = _lock_head(using)
        fields: EventFields = {
            "seq": seq + 1,
            "occurred_at": datetime_text(datetime.now(UTC)),
            "actor": actor or "",
            "force": force or "",
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "changes": changes_text,
            "reason": reason or "",
            "prev_hash": prev_hash,
            "format": FORMAT,
            "rows": rows_text,
        }
        event = LedgerEvent(**fields, hash=hashlib.sha256(event_bytes(**fields)).hexdigest())
        event.save(using=using)
    if waiting is not None:
        _recording.last[using] = event
    return event


def next_seq(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """The seq the next event appended in this transaction will get. It takes the ledger's lock
    (held to the end of the transaction), so no other writer can take that number meanwhile:
    for rows that must name the event that records them (an amendment names its seq)."""
    if not connections[using].in_atomic_block:
        raise LedgerError("next_seq() needs a transaction: the number holds only inside one.")
    return _lock_head(using)[0] + 1


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


def verify_rows(
    rows: Iterable[tuple], after: tuple[int, str, int] = (0, GENESIS_HASH, 1)
) -> Verification:
    """Walk the chain in seq order (rows in COLUMNS order); the first event that does not fit is
    named. The loop runs once per event, so it binds names locally and does nothing it need not.
    Formats never go back: once an event of format 2 is written, every later one is too.
    `after`: (seq, hash, format) of an event verified before, to carry on from (incremental).
    """
    expected, last_hash, last_format = after[0] + 1, after[1], after[2]
    sha256, encode = hashlib.sha256, event_bytes
    try:
        for row in rows:
            seq, prev, form, stored = row[0], row[9], row[10], row[12]
            if seq != expected:
                problem = f"event {expected} is missing: the next event stored is {seq!r}"
                return Verification(False, expected - 1, last_hash, expected, problem)
            if prev != last_hash:
                problem = f"its previous hash is not the hash of event {seq - 1}"
                return Verification(False, expected - 1, last_hash, seq, problem)
            if form < last_format:
                problem = f"it is of format {form} after an event of format {last_format}"
                return Verification(False, expected - 1, last_hash, seq, problem)
            if sha256(encode(*row[:12])).hexdigest() != stored:
                problem = "its content does not match its hash"
                return Verification(False, expected - 1, last_hash, seq, problem)
            last_hash, last_format = stored, form
            expected += 1
    except (TypeError, ValueError) as error:  # a raw edit left a value of the wrong type
        problem = f"a field holds a value that cannot be encoded ({error})"
        return Verification(False, expected - 1, last_hash, expected, problem)
    return Verification(True, expected - 1, last_hash)


def _select_chain(connection: BaseDatabaseWrapper, after_seq: int = 0) -> tuple[str, list[int]]:
    quote = connection.ops.quote_name
    columns = ", ".join(map(quote, COLUMNS))
    table, seq = quote(LedgerEvent._meta.db_table), quote("seq")
    return f"SELECT {columns} FROM {table} WHERE {seq} > %s ORDER BY {seq}", [after_seq]


def verify(
    *, using: str = DEFAULT_DB_ALIAS, after: tuple[int, str, int] | None = None
) -> Verification:
    """Verify the stored chain, streamed as raw tuples: memory stays flat however long it grows.
    `after` (seq, hash, format): only the events since one verified before, which must still be
    stored with that hash.

    One SELECT reads one consistent snapshot. Inside a transaction, PostgreSQL's server-side
    cursor streams rows instead of materialising the result first.
    """
    connection = connections[using]
    start = after or (0, GENESIS_HASH, 1)
    with transaction.atomic(using=using), connection.chunked_cursor() as cursor:
        if after is not None and not _still_stored(after, using):
            problem = f"event {after[0]}, verified before, no longer has the hash {after[1]}"
            return Verification(False, 0, GENESIS_HASH, after[0], problem)
        cursor.execute(*_select_chain(connection, after_seq=start[0]))
        batches = iter(partial(cursor.fetchmany, FETCH_SIZE), [])
        return verify_rows(chain.from_iterable(batches), start)


def _still_stored(after: tuple[int, str, int], using: str) -> bool:
    if after[0] == 0:
        return True
    return LedgerEvent.objects.using(using).filter(seq=after[0], hash=after[1]).exists()


def contains_hash(event_hash: str, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether an event with this hash is stored: a head anchored earlier must still be there."""
    return LedgerEvent.objects.using(using).filter(hash=event_hash).exists()
