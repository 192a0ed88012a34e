from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from audits.ledger import incremental, journal, reconcile
from audits.ledger import services as ledger

# Exit codes: a script tells a broken chain from tables that differ from it.
CHAIN_BROKEN = 1
RECORDS_DIFFER = 2


class Command(BaseCommand):
    help = (
        "Verify the ledger: recompute its hash chain, then replay every audited row's history "
        "and compare it with the tables. Exits 0 if all is verified; 1 if the chain is broken "
        "(naming the first bad event) or an anchored head is not in it; 2 if the chain holds but "
        "the tables differ from it (naming each record and field)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="HASH",
            help="a head hash recorded earlier (e.g. from an export): fail unless it is still "
            "in the chain, which catches events removed from the end or a rewritten chain",
        )
        parser.add_argument(
            "--chain-only",
            action="store_true",
            help="check the chain only, not the tables against it",
        )
        parser.add_argument(
            "--state",
            type=Path,
            metavar="PATH",
            help="carry on from the last verification kept in this file (made if missing): only "
            "the events since, and the rows they touched, are checked",
        )
        parser.add_argument(
            "--full", action="store_true", help="with --state: check everything, and start afresh"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(
        self,
        *args: Any,
        anchor: str | None = None,
        chain_only: bool = False,
        database: str,
        state: Path | None = None,
        full: bool = False,
        **options: Any,
    ) -> None:
        if state is not None:
            self.incremental(state, full, database)
            return
        result = ledger.verify(using=database)
        if not result.ok:
            raise CommandError(
                f"Ledger broken at event {result.first_bad_seq}: {result.problem}. "
                f"{result.events} events before it verify; their head hash is {result.head_hash}.",
                returncode=CHAIN_BROKEN,
            )
        if anchor and not ledger.contains_hash(anchor.strip().lower(), using=database):
            raise CommandError(
                f"The anchored hash {anchor} is not in the ledger: events were removed from its "
                f"end or the chain was rewritten. The {result.events} stored events verify.",
                returncode=CHAIN_BROKEN,
            )
        self.stdout.write(f"Ledger verified: {result.events} events. Head hash: {result.head_hash}")
        if not chain_only:
            self.records(database)

    def incremental(self, state: Path, full: bool, database: str) -> None:
        outcome = incremental.verify_incremental(state, full=full, using=database)
        chain = outcome.chain
        if not chain.ok:
            raise CommandError(
                f"Ledger broken at event {chain.first_bad_seq}: {chain.problem}. The state in "
                f"{state} is kept as it was.",
                returncode=CHAIN_BROKEN,
            )
        problems = [*map(str, outcome.differences), *map(str, outcome.unexplained)]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Records differ from the ledger: {len(problems)} problem(s) (listed above). The "
                f"state in {state} is kept as it was.",
                returncode=RECORDS_DIFFER,
            )
        scope = "every row" if outcome.full else "the rows they touched"
        self.stdout.write(
            f"Ledger verified: {chain.events} events ({outcome.events} read). Head hash: "
            f"{chain.head_hash}\nRecords reconciled: {outcome.rows} rows ({scope}) agree with "
            f"the ledger. State saved in {state}."
        )

    def records(self, database: str) -> None:
        found = reconcile.reconcile(using=database)
        behind = journal.unexplained(using=database)  # PostgreSQL's trigger journal
        problems = [*map(str, found.differences), *map(str, behind)]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Records differ from the ledger: {len(found.differences)} difference(s) in "
                f"{found.records} rows, {len(behind)} write(s) in the trigger journal that no "
                "event explains (listed above). The chain itself verifies.",
                returncode=RECORDS_DIFFER,
            )
        since = f"{found.since_creation} proven since their creation"
        if found.since_baseline:
            since += (
                f", {found.since_baseline} since the baseline at event {found.baseline_seq} "
                "(their earlier history is format 1: the events are proven, not every value)"
            )
        agree = f"{found.records} rows agree with the ledger"
        self.stdout.write(f"Records reconciled: {agree} ({since}).")
