from typing import Any

from django.core.management.base import BaseCommand

from audits.demo.seed import DemoBuilder
from audits.ledger import services as ledger


class Command(BaseCommand):
    help = (
        "Load the deterministic demo dataset (three fictional forces, the two years up to "
        "today). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = DemoBuilder().build()
        self.stdout.write(
            f"Demo data: {created} records created (0 means it was already loaded). "
            f"Ledger head: {ledger.head_hash()}"
        )
