from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from audits.ledger import services as ledger


class Command(BaseCommand):
    help = (
        "Recompute the ledger's hash chain. Exits 0 and prints the number of events and the head "
        "hash; exits 1 and names the first bad event if anything was changed, removed, inserted "
        "or reordered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="HASH",
            help="a head hash recorded earlier (e.g. from an export): fail unless it is still "
            "in the chain, which catches events removed from the end or a rewritten chain",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, anchor: str | None = None, database: str, **options: Any) -> None:
        result = ledger.verify(using=database)
        if not result.ok:
            raise CommandError(
                f"Ledger broken at event {result.first_bad_seq}: {result.problem}. "
                f"{result.events} events before it verify; their head hash is {result.head_hash}."
            )
        if anchor and not ledger.contains_hash(anchor.strip().lower(), using=database):
            raise CommandError(
                f"The anchored hash {anchor} is not in the ledger: events were removed from its "
                f"end or the chain was rewritten. The {result.events} stored events verify."
            )
        self.stdout.write(f"Ledger verified: {result.events} events. Head hash: {result.head_hash}")
