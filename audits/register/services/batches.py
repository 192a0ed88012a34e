"""Batch ingestion of alerts, searches and device sessions: all or nothing, idempotent, audited.

A batch is a list of plain dicts as decoded from JSON, each with the sender's `external_id`. It
belongs to one force: the user's, or the `force` given (the system, user=None, must give it; any
other user may only give their own, or, a superuser, any). The user needs the model's add
permission in that force, as for one record (records.authorise).
Every item is read (unknown keys, types, ranges: batch_fields), checked by the model's own clean()
on an unsaved instance, checked against the rest of the batch (a repeated external_id) and against
what is stored. Every error of every item is collected; if there is any, BatchInvalid lists them
all and nothing is written. Otherwise the new rows are inserted in one transaction with exactly
one ledger event for the batch.

Decisions:
- An alert or device session names its deployment by the force's own `reference`, looked up in
  the batch's force only: another force's reference reads "No deployment", as if it did not exist.
- Idempotency: an item whose external_id is stored already (per deployment for alerts and device
  sessions, per force for searches) is counted as already present if its content is the same, and
  is an error if it differs: corrections are amendments, never overwrites. That holds even when
  the deployment has been submitted since; only items to be created need a draft deployment.
- A batch that creates nothing (a repeat) changed nothing, so it writes no ledger event and
  answers ledger_seq=None; the first batch's event carries the same digest.
- The ledger event lists the first LEDGER_ID_LIMIT created ids (with the last one, and whether
  the list is complete); the digest pins down the whole content.
- Deployment totals (total_alerts and the like) are the force's published figures on the
  deployment record and are not recomputed from the alerts here.
- References by code: watchlist_category, outcome, offence_type (national codes, or the force's
  own, which win); device_session by its external_id within the alert's deployment; a search's
  system by its numeric id.
"""

import contextlib
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models
from django.db.models import F, Q

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction, LedgerEvent
from audits.ledger.services import recorded
from audits.register.imports.protocol import RowError
from audits.register.models import (
    Alert,
    Deployment,
    DeviceSession,
    Force,
    OffenceType,
    Outcome,
    Search,
    Status,
    System,
    WatchlistCategory,
)
from audits.register.models.base import Record
from audits.register.scoping import user_force
from audits.register.services import batch_pipeline as pipeline
from audits.register.services.batch_fields import Field, lookup, model_fields, text
from audits.register.services.batch_pipeline import BatchKind, Row, error
from audits.register.services.records import actor_name, authorise, model_permission

MAX_BATCH_ITEMS = 10_000  # items in one batch: the API's, and each batch a file is sent in
LEDGER_ID_LIMIT = 1_000  # created ids listed in the ledger event
# Two-key advisory locks (apart from the ledger's one-key lock): one per kind and force.
_LOCK_KEYS = {"alerts": 0x42410001, "searches": 0x42410002, "device_sessions": 0x42410003}
_BIGINT_MAX = 2**63 - 1
_plain_text = text(None)


def too_many_items(given: int) -> str:
    return f"At most {MAX_BATCH_ITEMS} items in one batch ({given} given)."


def _plain_fields(model: type[models.Model]) -> list[str]:
    """The model's own values an item sets, derived from the model so that a new column is
    accepted at once: every column but the key, the references (read by code or reference, below)
    and the record lifecycle (a batch creates drafts)."""
    lifecycle = {column.name for column in Record._meta.local_fields}
    return [
        column.name
        for column in model._meta.concrete_fields
        if not (column.primary_key or column.is_relation)
        and column.name not in lifecycle
        and column.name != "external_id"
    ]


ALERT_FIELDS = _plain_fields(Alert)
SEARCH_FIELDS = _plain_fields(Search)
DEVICE_SESSION_FIELDS = _plain_fields(DeviceSession)
ALERT_RENAMED = {"engagement_duration": "engagement_duration_seconds"}  # model field -> item key
# Every key an item of each kind may carry: the references (by code, reference, external_id or
# id), then the record's own values. An import file has these columns (audits/register/imports/).
ALERT_KEYS = (
    "external_id",
    "deployment",
    "device_session",
    "watchlist_category",
    "outcome",
    *(ALERT_RENAMED.get(name, name) for name in ALERT_FIELDS),
)
SEARCH_KEYS = ("external_id", "offence_type", "system", *SEARCH_FIELDS)
DEVICE_SESSION_KEYS = ("external_id", "deployment", *DEVICE_SESSION_FIELDS)


@dataclass(frozen=True)
class BatchResult:
    kind: str  # "alerts" | "searches" | "device_sessions"
    received: int
    created: int
    already_present: int
    ledger_seq: int | None  # the one ledger event of this batch; None when nothing was created
    digest: str  # sha256 hex of the canonical JSON of the items as received
    present_indexes: tuple[int, ...] = ()  # the items already present, by position in the batch


class BatchInvalid(Exception):
    """Every error of the batch, as the import protocol's RowErrors: `row` is the item's
    position in the batch, or None for the batch as a whole (column "items"); `column` the
    item's key, or "non_field_errors" for the item as a whole; `value` what the item held."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the batch; nothing was written.")


@recorded
def ingest_alerts(
    *, user: User | None, items: list[dict], force: Force | None = None
) -> BatchResult:
    force = _start("alerts", user, force, items, lambda f: Alert(deployment=Deployment(force=f)))
    deployments = _deployments(force, items)
    by_id = {deployment.pk: deployment for deployment in deployments.values()}
    ids = {reference: deployment.pk for reference, deployment in deployments.items()}
    sessions = _device_sessions(deployments.values(), _strings(items, "device_session"))

    def link(values: dict[str, Any]) -> None:
        name = values["device_session_id"]  # as read: the session's external_id
        if name is not None:
            found = sessions.get((values["deployment_id"], name))
            if found is None:
                reference = by_id[values["deployment_id"]].reference
                message = f"No device session {name!r} in deployment {reference!r}."
                raise ValidationError({"device_session": message})
            values["device_session_id"] = found

    fields = [
        Field("external_id", text(80, blank=False), "external_id", required=True),
        Field("deployment", lookup(ids, "deployment"), "deployment_id", required=True),
        Field("device_session", text(80), "device_session_id"),  # resolved by link()
        Field("watchlist_category", _code(WatchlistCategory, force), "watchlist_category_id"),
        Field("outcome", _code(Outcome, force), "outcome_id"),
        *model_fields(Alert, ALERT_FIELDS, ALERT_RENAMED),
    ]
    key = ("deployment_id", "external_id")
    kind = BatchKind("alerts", Alert, fields, key, link=link, deployments=by_id)
    return _ingest(kind, user, force, items)


@recorded
def ingest_searches(
    *, user: User | None, items: list[dict], force: Force | None = None
) -> BatchResult:
    force = _start("searches", user, force, items, lambda f: Search(force=f))
    system_ids = {
        value
        for item in items
        if type(value := _get(item, "system")) is int and 0 < value <= _BIGINT_MAX
    }
    systems = dict(System.objects.filter(pk__in=system_ids).values_list("id", "id"))
    fields = [
        Field("external_id", text(80, blank=False), "external_id", required=True),
        Field("offence_type", _code(OffenceType, force), "offence_type_id"),
        Field("system", lookup(systems, "system", key_type=int), "system_id"),
        *model_fields(Search, SEARCH_FIELDS),
    ]
    defaults = {"force_id": force.pk, "created_by_id": user.pk if user is not None else None}
    kind = BatchKind("searches", Search, fields, ("external_id",), {"force": force}, defaults)
    return _ingest(kind, user, force, items)


@recorded
def ingest_device_sessions(
    *, user: User | None, items: list[dict], force: Force | None = None
) -> BatchResult:
    def probe(f: Force) -> DeviceSession:
        return DeviceSession(deployment=Deployment(force=f))

    force = _start("device_sessions", user, force, items, probe)
    deployments = _deployments(force, items)
    fields = [
        Field("external_id", text(80, blank=False), "external_id", required=True),
        # The instance, not its id: the model's clean() checks the deployment's kind.
        Field("deployment", lookup(deployments, "deployment"), "deployment", required=True),
        *model_fields(DeviceSession, DEVICE_SESSION_FIELDS),
    ]
    by_id = {deployment.pk: deployment for deployment in deployments.values()}
    key = ("deployment_id", "external_id")
    kind = BatchKind("device_sessions", DeviceSession, fields, key, deployments=by_id)
    return _ingest(kind, user, force, items)


def _start(
    kind: str,
    user: User | None,
    force: Force | None,
    items: Any,
    probe: Callable[[Force], models.Model],
) -> Force:
    """The batch's force, once the user may add this kind of record to it (the rules for one
    record: the model's add permission, in the user's own force) and the batch has a size."""
    batch_force = force or (user_force(user) if user is not None else None)
    if batch_force is None:
        raise PermissionDenied("A batch belongs to one force: the user's, or the one named.")
    record = probe(batch_force)
    authorise(user, record, model_permission("add", record))
    if type(items) is not list:
        raise BatchInvalid([error(None, "items", "Must be a list.")])
    if len(items) > MAX_BATCH_ITEMS:
        raise BatchInvalid([error(None, "items", too_many_items(len(items)))])
    if connection.vendor == "postgresql":  # SQLite's BEGIN IMMEDIATE already serialises writers
        # Two batches of one kind for one force wait for each other, so that both cannot find
        # an external_id absent and insert it twice.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_KEYS[kind], batch_force.pk]
            )
    return batch_force


def _get(item: Any, key: str) -> Any:
    return item.get(key) if type(item) is dict else None


def _strings(items: list, key: str) -> set[str]:
    """The distinct texts under `key` that can be looked up at all (bad ones are reported when
    the item is read)."""
    found = set()
    for value in {value for item in items if type(value := _get(item, key)) is str}:
        with contextlib.suppress(ValueError):
            found.add(_plain_text(value))
    return found


def _deployments(force: Force, items: list) -> dict[str, Deployment]:
    """The force's deployments the batch names, locked against a concurrent submission."""
    found = (
        Deployment.objects.select_for_update()
        .filter(force=force, reference__in=_strings(items, "deployment"))
        .only("id", "force_id", "reference", "kind", "status")
        .order_by()
    )
    return {deployment.reference: deployment for deployment in found}


def _device_sessions(
    deployments: Iterable[Deployment], names: set[str]
) -> dict[tuple[int, str], int]:
    if not names:
        return {}
    rows = DeviceSession.objects.filter(
        deployment__in=[d.pk for d in deployments], external_id__in=names
    ).values_list("deployment_id", "external_id", "id")
    return {(deployment, name): pk for deployment, name, pk in rows}


def _code(model: type[models.Model], force: Force) -> Callable[[Any], int]:
    """Reference data by code: national rows, overridden by the force's own."""
    rows = (
        model._default_manager.filter(Q(force=None) | Q(force=force))
        .order_by(F("force").asc(nulls_first=True))
        .values_list("code", "id")
    )
    return lookup(dict(rows), str(model._meta.verbose_name))


def _ingest(kind: BatchKind, user: User | None, force: Force, items: list) -> BatchResult:
    errors: list[RowError] = []
    rows = pipeline.read(kind, items, errors)
    rows = pipeline.without_repeats(kind, rows, errors)
    new, present_indexes = pipeline.split_stored(kind, rows, errors)
    present = len(present_indexes)
    for index, row in new:
        deployment = kind.deployment_of(row)
        if deployment is not None and deployment.status != Status.DRAFT:
            message = (
                f"Deployment {deployment.reference!r} is {deployment.status}: it is locked, so "
                "nothing can be added to it."
            )
            errors.append(error(index, "deployment", message, deployment.reference))
    if errors:
        raise BatchInvalid(sorted(errors, key=_item_order))
    digest = hashlib.sha256(ledger.canonical_json(items).encode()).hexdigest()
    created = [row for _, row in new]
    pipeline.insert(kind, created)
    seq = _log(kind, user, force, digest, len(items), created, present).seq if created else None
    return BatchResult(
        kind.name, len(items), len(created), present, seq, digest, tuple(present_indexes)
    )


def _item_order(found: RowError) -> int:
    return -1 if found.row is None else found.row  # the batch as a whole first


def _log(
    kind: BatchKind,
    user: User | None,
    force: Force,
    digest: str,
    received: int,
    created: list[Row],
    present: int,
) -> LedgerEvent:
    return ledger.append(
        action=LedgerAction.IMPORT,
        actor=actor_name(user),
        force=force.code,
        object_type=f"{kind.model._meta.model_name}_batch",
        object_id=digest[:16],
        changes={
            "kind": kind.name,
            "digest": digest,
            "received": received,
            "created": len(created),
            "already_present": present,
            "created_external_ids": [kind.label(row) for row in created[:LEDGER_ID_LIMIT]],
            "created_external_ids_complete": len(created) <= LEDGER_ID_LIMIT,
            "last_created_external_id": kind.label(created[-1]),
        },
        reason=f"Batch of {received} {kind.name.replace('_', ' ')}",
    )
