"""Benchmark of ledger verification (issue 3, the last "Must show" item).

Builds a synthetic ledger (default 1,000,000 events, shaped like the demo ledger: two thirds
record creations with large changes, a third submissions, some updates) in a scratch database,
hashing every event with the real `event_bytes`. Then, in the same run, it times:

1. hashing alone: SHA-256 hex digests of the canonical bytes, precomputed in a list, with the
   least Python overhead there is (a C-level `map`), i.e. the floor for any verifier;
2. verification: the real `ledger.verify()` that `manage.py verify_ledger` runs, streaming rows
   from the database and rebuilding, hashing and comparing every event;
3. fetching alone: the same streamed SELECT with nothing done per row, to show where time goes.

It prints each (best of --repeat) and the ratio verification / hashing (target: 2x or less).

Run by hand, never under pytest:

    .venv/bin/python bench/ledger_verify.py                       # scratch SQLite file
    .venv/bin/python bench/ledger_verify.py --postgres postgres://postgres@127.0.0.1:5432
        # creates the database bench_ledger there, and drops it afterwards
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from operator import methodcaller
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "bench_ledger"
SEED = 20250101


def _scratch_sqlite() -> tuple[str, Callable[[], None]]:
    folder = tempfile.mkdtemp(prefix="bench_ledger_")
    path = Path(folder) / "ledger.sqlite3"

    def drop() -> None:
        for file in Path(folder).iterdir():
            file.unlink()
        Path(folder).rmdir()

    return f"sqlite:///{path}", drop


def _scratch_postgres(server_url: str) -> tuple[str, Callable[[], None]]:
    server_url = server_url.rstrip("/")
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")
        admin.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")

    def drop() -> None:
        with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")

    return f"{server_url}/{SCRATCH_DATABASE}", drop


def _setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.test_settings")
    import django

    django.setup()


def _change_texts(rng: random.Random) -> list[tuple[str, str]]:
    """(action, changes-with-an-__ID__-slot) pairs in the demo ledger's mix and sizes."""
    from audits.ledger.services import canonical_json

    values = [
        "Police National Database custody images",
        "NeoFace Live",
        "lfr",
        "no_match",
        "2025-06-09T16:16:00+01:00",
        "Oxford Street, London W1",
        True,
        False,
        None,
        17751455,
        0.64,
    ]
    texts = []
    for _ in range(64):
        fields = {f"field_{n:02d}": [None, rng.choice(values)] for n in range(rng.randint(14, 24))}
        fields["id"] = [None, 0]
        texts.append(
            ("create", canonical_json(fields).replace('"id":[null,0]', '"id":[null,__ID__]'))
        )
    for _ in range(6):
        fields = {f"field_{n:02d}": [rng.choice(values), rng.choice(values)] for n in range(12)}
        texts.append(("update", canonical_json(fields)))
    texts += [("submit", canonical_json({"status": ["draft", "submitted"]}))] * 30
    return texts


def build_events(count: int) -> Iterator[tuple[tuple, bytes]]:
    """(row in COLUMNS order, its canonical bytes) for a valid chain of `count` events."""
    from audits.ledger.services import GENESIS_HASH, event_bytes

    rng = random.Random(SEED)
    changes = _change_texts(rng)
    actors = ["", "nmp-recorder", "nmp-reviewer", "evc-recorder", "wsp-officer", "auditor"]
    forces = ["", "NMP", "EVC", "WSP"]
    object_types = ["deployment", "alert", "search", "watchlist", "authorisation"]
    prev_hash, sha256 = GENESIS_HASH, hashlib.sha256
    for seq in range(1, count + 1):
        action, text = changes[seq % len(changes)]
        object_id = str(rng.randrange(1, 200_000))
        fields = (
            seq,
            f"2025-{seq % 12 + 1:02d}-{seq % 28 + 1:02d}T{seq % 24:02d}:{seq % 60:02d}:00"
            f".{seq % 1_000_000:06d}+00:00",
            actors[seq % len(actors)],
            forces[seq % len(forces)],
            action,
            object_types[seq % len(object_types)],
            object_id,
            text.replace("__ID__", object_id),
            "",
            prev_hash,
        )
        body = event_bytes(*fields)  # format 1, as the chains written before format 2
        prev_hash = sha256(body).hexdigest()
        yield (*fields, 1, "", prev_hash), body  # COLUMNS: ..., prev_hash, format, rows, hash


def load(count: int) -> list[bytes]:
    """Create the ledger table, fill it with `count` events, return their canonical bytes."""
    from django.db import connection

    from audits.ledger.models import LedgerEvent

    with connection.schema_editor() as editor:
        editor.create_model(LedgerEvent)
    rows, bodies = [], []
    for row, body in build_events(count):
        rows.append(row)
        bodies.append(body)
    table = LedgerEvent._meta.db_table
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
        raw.autocommit = True
        raw.execute(f"VACUUM ANALYZE {table}")
        raw.autocommit = False
    else:
        marks = ", ".join(["?"] * len(rows[0]))
        raw.execute("BEGIN")
        raw.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        raw.execute("COMMIT")
        raw.execute("ANALYZE")
    return bodies


def hash_only(bodies: list[bytes]) -> None:
    deque(map(methodcaller("hexdigest"), map(hashlib.sha256, bodies)), maxlen=0)


def fetch_only() -> int:
    from django.db import connection, transaction

    from audits.ledger import services as ledger

    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(*ledger._select_chain(connection))
        batches = iter(partial(cursor.fetchmany, ledger.FETCH_SIZE), [])
        return sum(1 for _ in chain.from_iterable(batches))


def verify(expected: int) -> None:
    from audits.ledger import services as ledger

    result = ledger.verify()
    assert result.ok and result.events == expected, result


def seconds(work: Callable[[], object]) -> tuple[float, float]:
    """(wall-clock, this process's CPU) seconds: on a busy machine the second is steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="take the best of this many runs")
    parser.add_argument(
        "--postgres",
        metavar="SERVER_URL",
        help=f"use PostgreSQL at this server URL (database {SCRATCH_DATABASE} is created and "
        "dropped); without it, a scratch SQLite file",
    )
    options = parser.parse_args()

    database_url, drop = (
        _scratch_postgres(options.postgres) if options.postgres else _scratch_sqlite()
    )
    try:
        _setup_django(database_url)
        from django.db import connection, connections

        started = time.perf_counter()
        bodies = load(options.events)
        mean_size = sum(map(len, bodies)) / len(bodies)
        print(
            f"{connection.vendor}: {options.events:,} events, {mean_size:.0f} canonical bytes "
            f"each on average, built and loaded in {time.perf_counter() - started:.1f} s"
        )
        runs: dict[str, list[tuple[float, float]]] = {"hash": [], "fetch": [], "verify": []}
        for _ in range(options.repeat):  # interleaved, so load on the machine hits all three
            runs["hash"].append(seconds(partial(hash_only, bodies)))
            runs["fetch"].append(seconds(fetch_only))
            runs["verify"].append(seconds(partial(verify, options.events)))
        best = {name: tuple(map(min, zip(*times, strict=True))) for name, times in runs.items()}
        per_event = 1e6 / options.events
        for name, label in (
            ("hash", "hashing alone (hashlib)"),
            ("fetch", "fetching rows alone"),
            ("verify", "verification (verify)"),
        ):
            wall, cpu = best[name]
            print(
                f"{label:24s} {wall:6.2f} s wall ({wall * per_event:5.2f} us/event), "
                f"{cpu:6.2f} s CPU in this process"
            )
        (hash_wall, hash_cpu), (verify_wall, verify_cpu) = best["hash"], best["verify"]
        print(
            f"ratio verification / hashing: {verify_wall / hash_wall:.2f}x wall clock "
            f"(target: 2x or less); {verify_cpu / hash_cpu:.2f}x in CPU time of this process"
        )
        connections.close_all()
    finally:
        drop()


if __name__ == "__main__":
    main()
