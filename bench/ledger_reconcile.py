"""Benchmark of reconciliation and incremental verification (issue 12) on PostgreSQL.

On the register of bench/report_bench.py (default 100,000 deployments and 2,000,000 alerts,
loaded with COPY and the journal's triggers off, as a loader that bypasses the application on
purpose), with its ledger entries (one baseline entry per row, as the upgrade writes them), it
measures in one run:

1. full verification (`verify_ledger`'s work: the chain, reconciliation of every audited row,
   the journal) against merely streaming the same rows out of the database (every ledger event
   and every audited table's rows, through a server-side cursor, doing nothing with them):
   target 2x or less;
2. an incremental run (`verify_ledger --state`) after 1,000 new events (each an alert changed
   through the ORM, so one event with one row entry), at two register sizes (a tenth of the
   register, then all of it): target the same time at both, under a second.

Each size runs in a process of its own (a fresh database). Run by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reconcile \\
        .venv/bin/python bench/ledger_reconcile.py [--deployments 100000] [--alerts 2000000] \\
        [--events 1000] [--repeat 3]

Ingestion with per-row capture against COPY is bench/ingest_bench.py.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _scratch import database_url, drop_database, recreate_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_reconcile"


def best(function: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def stream_everything() -> int:
    """Every ledger event and every audited row, streamed and dropped: the floor."""
    from django.db import connection, transaction

    from audits.ledger import capture

    count = 0
    tables = ["audits_ledgerevent", *sorted(capture.AUDITED)]
    with transaction.atomic():
        for table in tables:
            with connection.chunked_cursor() as cursor:
                cursor.execute(f'SELECT * FROM "{table}"')
                while rows := cursor.fetchmany(2000):
                    count += len(rows)
    return count


def full_verification() -> None:
    from audits.ledger import journal, reconcile
    from audits.ledger import services as ledger

    assert ledger.verify().ok
    found = reconcile.reconcile()
    assert found.ok, found.differences[:5]
    assert journal.unexplained() == []


def load(deployments: int, alerts: int) -> dict[str, int]:
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction
    from report_bench import load_register

    from audits.ledger import capture
    from audits.ledger.baseline import baseline_rows

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # the loader bypasses the application, on purpose
        cursor.execute("SET session_replication_role = replica")
    sizes = load_register(deployments, alerts)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")
    with transaction.atomic():  # the ledger entries of the loaded rows, as an upgrade writes them
        # every audited table: the loader writes reference rows in bulk too (a second baseline
        # of the migrations' reference data only restates it)
        audited = [capture.AUDITED[table] for table in sorted(capture.AUDITED)]
        baseline_rows(apps.get_model("ledger", "LedgerEvent"), audited, "default")
    return sizes


def new_events(count: int) -> None:
    """`count` alerts changed through the ORM: each save is one event with one row entry."""
    from django.db import transaction

    from audits.register.models import Alert

    for alert in Alert.objects.order_by("-pk")[:count]:
        with transaction.atomic():  # the row and its event commit together
            alert.adjudication_reason = "Checked again."
            alert.save(update_fields=["adjudication_reason"])


def worker(deployments: int, alerts: int, events: int, repeat: int) -> dict[str, Any]:
    from audits.ledger import incremental
    from audits.ledger.models import LedgerEvent

    sizes = load(deployments, alerts)
    if os.environ.get("BENCH_PROFILE"):  # where full verification spends its time, to stderr
        profile = cProfile.Profile()
        profile.runcall(full_verification)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    streaming = best(stream_everything, repeat)
    full = best(full_verification, repeat)
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "verifier.sqlite3"
        assert incremental.verify_incremental(state).ok
        new_events(events)
        start = time.perf_counter()
        outcome = incremental.verify_incremental(state)
        since = time.perf_counter() - start
        assert outcome.ok and outcome.events == events, outcome
    return {
        **sizes,
        "events": LedgerEvent.objects.count(),
        "streaming": streaming,
        "full": full,
        "incremental": since,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deployments", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=2_000_000)
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", nargs=2, type=int, metavar=("DEPLOYMENTS", "ALERTS"))
    args = parser.parse_args()
    url = database_url(DEFAULT_URL)
    if args.worker:
        recreate_database(url)
        setup_django(url)
        try:
            print(json.dumps(worker(*args.worker, args.events, args.repeat)))
        finally:
            drop_database(url)
        return
    results = []
    for deployments, alerts in (
        (args.deployments // 10, args.alerts // 10),
        (args.deployments, args.alerts),
    ):
        command = [sys.executable, __file__, "--worker", str(deployments), str(alerts)]
        command += ["--events", str(args.events), "--repeat", str(args.repeat)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("| deployments | alerts | events | streaming | full verification | ratio | incremental |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['deployments']:,} | {r['alerts']:,} | {r['events']:,} | {r['streaming']:.2f} s "
            f"| {r['full']:.2f} s | {r['full'] / r['streaming']:.1f}x | {r['incremental']:.2f} s |"
        )


if __name__ == "__main__":
    main()
