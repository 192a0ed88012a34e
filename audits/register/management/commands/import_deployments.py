import sys
from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audits.register.imports.deployments import apply_import, plan_import
from audits.register.imports.protocol import CREATE, REVISE, UNCHANGED
from audits.register.imports.published import format_errors
from audits.register.imports.tables import UnreadableFile, check_file_size


class Command(BaseCommand):
    help = (
        "Import a force's published deployment grid (CSV or XLSX, the layout of "
        "met_lfr_deployments_2020_2023.csv). All or nothing: any bad row and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", dest="force_code", help="Force code the rows must carry")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing"
        )

    def handle(self, path: Path, force_code: str | None, dry_run: bool, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            check_file_size(path)  # before it is hashed or read
        except UnreadableFile as refusal:
            raise CommandError(str(refusal)) from None
        bar = partial(tqdm, desc="checking rows", unit="row", file=sys.stderr, disable=None)
        plan = plan_import(path, force_code, progress=bar)
        if not plan.ok:
            self.stderr.write(format_errors(plan.errors))
            raise CommandError(f"{path.name}: {len(plan.errors)} error(s); nothing was imported.")
        summary = (
            f"{plan.count(CREATE)} to create, {plan.count(REVISE)} to revise, "
            f"{plan.count(UNCHANGED)} unchanged"
        )
        for row_plan in plan.rows:
            if row_plan.action == REVISE:
                changes = "; ".join(
                    f"{name}: {old!r} -> {new!r}" for name, (old, new) in row_plan.changes.items()
                )
                self.stdout.write(f"  {row_plan.record.row_id} revised: {changes}")
        if dry_run:
            self.stdout.write(f"Dry run of {path.name}: {summary}. Nothing was written.")
            return
        apply_import(plan)
        self.stdout.write(
            f"Imported {path.name}: {plan.count(CREATE)} created, {plan.count(REVISE)} revised, "
            f"{plan.count(UNCHANGED)} unchanged (ledger event {plan.ledger_seqs[0]})."
        )
