from typing import Any

from django.core.management.base import BaseCommand

from audits.compliance.evaluate import evaluate_all


class Command(BaseCommand):
    help = "Judge every record against the policy profiles' rules (run daily: deadlines pass)."

    def handle(self, *args: Any, **options: Any) -> None:
        open_findings = evaluate_all()
        self.stdout.write(f"{open_findings} open finding(s).")
