"""Baseline entries: the state of rows that existed before exact capture, recorded once.

Used by migration ledger 0003 with the models as they stood then, so it writes events itself
(through the migration's own LedgerEvent) rather than through services.append, whose model may
have columns the database does not have yet at that point of a migration run.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from django.db import models

from audits.ledger.capture import entry, many_values
from audits.ledger.encoding import canonical, datetime_text
from audits.ledger.services import GENESIS_HASH, event_bytes

# Rows per baseline event: small enough to read, large enough that a big register's baseline is
# thousands of events, not millions.
ROWS_PER_EVENT = 500


def baseline_rows(event_model: Any, audited: list[type[models.Model]], using: str) -> int:
    """Append baseline events for every row of the audited models; the number of rows."""
    latest = event_model.objects.using(using).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = latest or (0, GENESIS_HASH)
    occurred_at = datetime_text(datetime.now(UTC))
    count = 0
    for model in audited:
        many = model._meta.local_many_to_many
        rows = model._default_manager.using(using).order_by("pk")
        batch: list[dict[str, Any]] = []
        for instance in rows.iterator(chunk_size=2000):
            written = entry(instance, "baseline")
            for field in many:
                written["values"][field.name] = many_values(instance, field)
            batch.append(written)
            if len(batch) == ROWS_PER_EVENT:
                seq, prev_hash = _append(event_model, using, seq, prev_hash, occurred_at, batch)
                count += len(batch)
                batch = []
        if batch:
            seq, prev_hash = _append(event_model, using, seq, prev_hash, occurred_at, batch)
            count += len(batch)
    return count


def _append(
    event_model: Any,
    using: str,
    seq: int,
    prev_hash: str,
    occurred_at: str,
    rows: list[dict[str, Any]],
) -> tuple[int, str]:
    fields = {
        "seq": seq + 1,
        "occurred_at": occurred_at,
        "actor": "",
        "force": "",
        "action": "baseline",
        "object_type": rows[0]["table"],
        "object_id": "",
        "changes": canonical({"rows": len(rows)}).decode(),
        "reason": "The state of the rows recorded before exact capture began.",
        "prev_hash": prev_hash,
        "format": 2,
        "rows": canonical(rows).decode(),
    }
    digest = hashlib.sha256(event_bytes(**fields)).hexdigest()
    event_model.objects.using(using).create(**fields, hash=digest)
    return seq + 1, digest
