"""Benchmark of batch ingestion on PostgreSQL (issue 5, the last "Must show" item).

In a scratch database it makes one force with a set of draft deployments (reference data comes
from the migrations), then, in one run:

1. ingests N alerts (default 1,000,000) in batches (default 10,000) through
   `audits.register.services.batches.ingest_alerts`, the service the API calls, with every
   validation it
   does for the API (user=None, the system, as a command-line import would be). Each item carries
   every alert field, as JSON decodes it. Only the service call is timed: making the dicts is not;
2. checks the rows and the ledger (one event per batch), and times one repeated batch (idempotent:
   nothing created);
3. copies the same rows out (untimed), truncates the alert table, and times loading them back
   with one PostgreSQL COPY FROM STDIN into the same table, with the same indexes and foreign
   keys (binary format, as the service uses);

and prints rows per second for both and the ratio. Targets: at least 20,000 rows per second
through the service, and within 5x of COPY (issue 5); within 3x of COPY with an entry per row in
the ledger (issue 12).

Run by hand (it creates, and afterwards drops, the database named in DATABASE_URL, whose name
must start with "bench_"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ingest \\
        .venv/bin/python bench/ingest_bench.py [--alerts 1000000] [--batch 10000] \\
        [--deployments 100] [--profile] [--keep]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from _scratch import database_url, drop_database, recreate_database, setup_django
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_ingest"
SEED = 20250601
TARGET_ROWS_PER_SECOND = 20_000
TARGET_RATIO = 5.0
TARGET_CAPTURE_RATIO = 3.0  # issue 12: with per-row capture
FIRST_DAY = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
CATEGORIES = ("wanted_by_courts", "suspected_offence", "bail_or_court_order", "missing_at_risk")
SEX = ("male", "female", "unknown")
AGE = ("18_24", "25_34", "35_44", "45_54", "55_64", "unknown")
ETHNIC = ("white", "black", "asian", "mixed", "other", "unknown")
OUTCOMES = ("arrest", "conditions_checked", "safeguarding", "no_action")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--deployments", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="cProfile one more batch")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    return parser.parse_args(argv)


# --- Data -------------------------------------------------------------------------------------


def make_force_and_deployments(count: int):
    from django.db import transaction

    from audits.register.models import Deployment, Force
    from audits.register.services.records import record_create

    with transaction.atomic():  # an audited row commits with its ledger event
        force = Force.objects.create(code="BEN", name="Benchmark Constabulary")
    for number in range(count):
        start = FIRST_DAY + timedelta(days=number)
        record_create(
            user=None,
            instance=Deployment(
                force=force,
                reference=f"BEN-D{number:04d}",
                location_name="Bench Street",
                date=start.date(),
                start=start,
                end=start + timedelta(hours=8),
            ),
        )
    return force, [f"BEN-D{number:04d}" for number in range(count)]


def alert_items(first: int, count: int, references: list[str], rng: random.Random) -> list[dict]:
    """`count` alerts as a sending system would post them: every field, JSON types only."""
    items = []
    for number in range(first, first + count):
        engaged = rng.random() < 0.7
        is_true = rng.random() < 0.9
        kind = ("true_" if is_true else "false_") + ("confirmed" if engaged else "unconfirmed")
        occurred = FIRST_DAY + timedelta(minutes=number % 500_000, seconds=number % 60)
        threshold = rng.choice((0.6, 0.62, 0.64))
        item: dict[str, Any] = {
            "external_id": f"A{number:08d}",
            "deployment": references[number % len(references)],
            "occurred_at": occurred.isoformat(),
            "score": round(threshold + rng.randint(0, 300) / 1000, 3),
            "threshold": threshold,
            "watchlist_category": rng.choice(CATEGORIES),
            "kind": kind,
            "engaged": engaged,
            "verification_method": "Police systems check" if engaged else "",
            "perceived_sex": rng.choice(SEX),
            "perceived_age_band": rng.choice(AGE),
            "perceived_ethnic_group": rng.choice(ETHNIC),
            "complaint_raised": rng.random() < 0.01,
            "biometric_data_deleted_at": (occurred + timedelta(days=30)).isoformat(),
            "adjudicated_by": f"PC{rng.randint(1000, 9999)}",
            "adjudication_reason": "Operator comparison of live and reference image",
        }
        if engaged:
            item["engagement_duration_seconds"] = rng.randint(60, 1500)
            item["outcome"] = rng.choice(OUTCOMES) if is_true else "no_action"
        items.append(item)
    return items


# --- Runs -------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Seconds spent: wall clock, CPU of this process, CPU of the PostgreSQL backend serving it.

    The CPU figures are steadier than the wall clock on a shared machine; their sum is roughly
    what the run would take on an idle one (less whatever the two overlap, plus disk waits).
    """

    wall: float = 0.0
    client: float = 0.0
    server: float | None = 0.0

    def add(self, other: Timing) -> None:
        self.wall += other.wall
        self.client += other.client
        if self.server is not None and other.server is not None:
            self.server += other.server
        else:
            self.server = None

    @property
    def cpu(self) -> float | None:
        return self.client + self.server if self.server is not None else None


def backend_cpu(pid: int) -> float | None:
    """CPU seconds used so far by a local PostgreSQL backend, or None if /proc cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class timed:
    """Times a block: wall clock, this process's CPU and the backend's CPU."""

    def __init__(self, backend_pid: int):
        self.pid = backend_pid

    def __enter__(self) -> Timing:
        self.timing = Timing()
        self.started = (time.perf_counter(), time.process_time(), backend_cpu(self.pid))
        return self.timing

    def __exit__(self, *exc_info: object) -> None:
        wall, client, server = self.started
        after = backend_cpu(self.pid)
        self.timing.wall = time.perf_counter() - wall
        self.timing.client = time.process_time() - client
        self.timing.server = after - server if None not in (server, after) else None


def django_backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def run_service(force, references: list[str], total: int, batch: int) -> Timing:
    from audits.register.services.batches import ingest_alerts

    rng = random.Random(SEED)
    total_timing = Timing()
    for first in range(0, total, batch):
        items = alert_items(first, min(batch, total - first), references, rng)
        with timed(django_backend_pid()) as timing:
            result = ingest_alerts(user=None, items=items, force=force)
        total_timing.add(timing)
        assert result.created == len(items), result
        done = first + len(items)
        if done % (total // 10 or 1) < batch:
            rate = done / total_timing.wall
            print(f"  {done:>9,} alerts, {rate:>9,.0f} rows/s so far", flush=True)
    return total_timing


def time_repeat(force, references: list[str], batch: int) -> Timing:
    from audits.register.services.batches import ingest_alerts

    items = alert_items(0, batch, references, random.Random(SEED))
    with timed(django_backend_pid()) as timing:
        result = ingest_alerts(user=None, items=items, force=force)
    assert (result.created, result.already_present, result.ledger_seq) == (0, batch, None)
    return timing


def time_copy(url: str) -> tuple[Timing, int]:
    """COPY the stored alerts out (untimed), truncate, and time one COPY of them back in."""
    from audits.register.models import Alert

    table = sql.Identifier(Alert._meta.db_table)
    with psycopg.connect(url) as connection:
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            with cursor.copy(sql.SQL("COPY {} TO STDOUT (FORMAT BINARY)").format(table)) as copy:
                for block in copy:
                    buffer.write(block)
            cursor.execute(sql.SQL("TRUNCATE {}").format(table))
        connection.commit()
        data = buffer.getvalue()
        with timed(connection.info.backend_pid) as timing:
            with connection.cursor() as cursor:
                into = sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)").format(table)
                with cursor.copy(into) as copy:
                    for offset in range(0, len(data), 1 << 20):
                        copy.write(data[offset : offset + (1 << 20)])
            connection.commit()  # the foreign keys are checked at commit: part of the load
        with connection.cursor() as cursor:
            rows = cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(table))
            return timing, rows.fetchone()[0]


def profile_batch(force, references: list[str], first: int, batch: int) -> None:
    from audits.register.services.batches import ingest_alerts

    items = alert_items(first, batch, references, random.Random(SEED + 1))
    profiler = cProfile.Profile()
    profiler.enable()
    ingest_alerts(user=None, items=items, force=force)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    url = database_url(DEFAULT_URL)
    print(f"Scratch database {urlsplit(url).path.lstrip('/')}: migrate ...", flush=True)
    recreate_database(url)
    setup_django(url)
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        from audits.ledger.models import LedgerEvent
        from audits.register.models import Alert

        force, references = make_force_and_deployments(args.deployments)
        events_before = LedgerEvent.objects.count()
        print(f"Ingest {args.alerts:,} alerts in batches of {args.batch:,} ...", flush=True)
        service = run_service(force, references, args.alerts, args.batch)
        assert Alert.objects.count() == args.alerts
        batches = -(-args.alerts // args.batch)
        assert LedgerEvent.objects.count() - events_before == batches
        repeat = time_repeat(force, references, args.batch)
        print("COPY the same rows ...", flush=True)
        copy, copied = time_copy(url)
        assert copied == args.alerts
        if args.profile:
            profile_batch(force, references, args.alerts, args.batch)
        report(args, service, repeat, copy)
    finally:
        if not args.keep:
            drop_database(url)


def report(args: argparse.Namespace, service: Timing, repeat: Timing, copy: Timing) -> None:
    def cpu(timing: Timing) -> str:
        return f"{timing.server:>10.2f}" if timing.server is not None else f"{'n/a':>10}"

    print()
    print(f"{'':28}{'wall s':>9}{'rows/s':>10}{'client CPU s':>14}{'server CPU s':>14}")
    for name, timing, rows in (
        ("service (ingest_alerts)", service, args.alerts),
        ("PostgreSQL COPY, same rows", copy, args.alerts),
        ("repeated batch, 0 created", repeat, args.batch),
    ):
        print(
            f"{name:28}{timing.wall:>9.2f}{rows / timing.wall:>10,.0f}"
            f"{timing.client:>14.2f}    {cpu(timing)}"
        )
    ratio = service.wall / copy.wall
    print(f"ratio service / COPY, wall clock: {ratio:.2f}x")
    if service.cpu is not None and copy.cpu is not None:
        print(
            f"ratio service / COPY, CPU (client + server): {service.cpu / copy.cpu:.2f}x; "
            f"rows per CPU-second: service {args.alerts / service.cpu:,.0f}, "
            f"COPY {args.alerts / copy.cpu:,.0f}"
        )
    rate = args.alerts / service.wall
    print(f"target >= {TARGET_ROWS_PER_SECOND:,} rows/s: {verdict(rate >= TARGET_ROWS_PER_SECOND)}")
    for target in (TARGET_RATIO, TARGET_CAPTURE_RATIO):
        print(f"target within {target:g}x of COPY: {verdict(ratio <= target)}")


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    main()
