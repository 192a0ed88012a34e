"""Two lifecycle steps racing on one record, each in a thread of its own, so on a database
connection of its own, committing for real.

Each racer loads the record as a view does, before the service's transaction, waits for the
other at a barrier, then calls the service. A refusal (ValidationError, PermissionDenied) is an
outcome like any other; anything else the service raises is recorded as an error, which no
serial order produces.
"""

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from audits.ledger import services as ledger
from audits.ledger.models import LedgerEvent

DONE, REFUSED = "done", "refused"
BARRIER_TIMEOUT = 30  # seconds: a racer that never arrives breaks the race instead of hanging


@dataclass(frozen=True)
class Step:
    label: str
    action: str  # the ledger action the step appends when it happens
    call: Callable[[Any], object]  # the service call, given the instance the view loaded


@dataclass(frozen=True)
class Outcome:
    """What a race (or a serial run) left behind, free of keys and timestamps, so that the
    outcomes on two different records compare equal when the same thing happened."""

    results: tuple[str, ...]  # DONE / REFUSED / error, in the pair's step order
    row: tuple  # the stored fields the steps touch
    history: tuple  # (field, old value, new value) of each amendment, in ledger order
    events: tuple  # (action, changes) of each event appended on the record, in ledger order
    # What each refusal said: shown, checked to be there, but not compared, so that a race may
    # word its refusal differently from a serial run as long as it gives one.
    refusals: tuple[str, ...] = field(default=(), compare=False)


def on_own_connection(work: Callable[[], Any]) -> Any:
    """Run `work` on a thread of its own: outside the test's transaction, so it commits."""

    def run() -> Any:
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _take(step: Step, instance: Any) -> str:
    """DONE, or "refused: " and what the service said."""
    try:
        step.call(instance)
    except ValidationError as error:
        return f"{REFUSED}: {' '.join(error.messages)}"
    except PermissionDenied as error:
        return f"{REFUSED}: {error}"
    return DONE


def split_refusals(taken: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(DONE / REFUSED / error for each step, the refusals' messages)."""
    results = tuple(REFUSED if got.startswith(REFUSED) else got for got in taken)
    refused = [got for got in taken if got.startswith(REFUSED)]
    said = tuple(got.removeprefix(f"{REFUSED}:").strip() for got in refused)
    return results, said


def run_serially(load: Callable[[], Any], steps: tuple[Step, ...], order: tuple[int, ...]):
    """Take the steps one after the other, in `order`, each loading the record afresh."""
    results: dict[int, str] = {}
    for index in order:
        results[index] = on_own_connection(lambda step=steps[index]: _take(step, load()))
    return tuple(results[index] for index in range(len(steps)))


def run_race(load: Callable[[], Any], steps: tuple[Step, ...]) -> tuple[str, ...]:
    """Both racers load the record, meet at the barrier, then call their service at once."""
    barrier = threading.Barrier(len(steps), timeout=BARRIER_TIMEOUT)

    def racer(step: Step) -> str:
        try:
            instance = load()
            barrier.wait()
            return _take(step, instance)
        except Exception as error:  # a deadlock, say: an outcome to report, not a crash
            return f"error: {type(error).__name__}: {error}"[:300]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(steps)) as pool:
        futures = [pool.submit(racer, step) for step in steps]
        return tuple(future.result() for future in futures)


# Moments a step records (`submitted_at`): compared as set or not, since two runs differ in time.
MOMENTS = ("submitted_at",)


def events_on(object_type: str, object_id: int, after_seq: int, drop: tuple[str, ...] = ()):
    """(action, changes) of the record's events after `after_seq`; `drop` names the keys of
    `changes` that differ between two runs of the same thing (a message's primary key)."""
    rows = LedgerEvent.objects.filter(
        object_type=object_type, object_id=str(object_id), seq__gt=after_seq
    ).order_by("seq")
    events = []
    for action, changes in rows.values_list("action", "changes"):
        kept = {key: value for key, value in json.loads(changes).items() if key not in drop}
        for key in MOMENTS:
            if key in kept:
                kept[key] = [None if value is None else "<set>" for value in kept[key]]
        events.append((action, json.dumps(kept, sort_keys=True)))
    return tuple(events)


def chain_verifies() -> bool:
    return ledger.verify().ok
