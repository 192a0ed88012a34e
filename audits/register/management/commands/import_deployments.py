import sys
from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audits.register.imports.deployments import PublishedImport, apply_import, plan_import
from audits.register.imports.layouts import Layout, LayoutError, builtin, layout_load
from audits.register.imports.protocol import CREATE, PRESENT, REVISE, UNCHANGED, ImportPreview
from audits.register.imports.published import format_errors
from audits.register.imports.tables import UnreadableFile, check_file_size


class Command(BaseCommand):
    help = (
        "Import a force's published deployment table as published: its PDF, or a CSV or XLSX "
        "(the Met's grids and the register's own layout are recognised; another force's "
        "layout is described with --layout). Defects are flagged, never refused; a cell that "
        "cannot be read refuses the file, and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", dest="force_code", help="Force code the rows must carry")
        parser.add_argument(
            "--layout",
            help="A layout file (TOML, docs/layouts.md) or a built-in layout's name",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing"
        )

    def handle(
        self,
        path: Path,
        force_code: str | None,
        layout: str | None,
        dry_run: bool,
        **options: Any,
    ) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            check_file_size(path)  # before it is hashed or read
            chosen = _layout(layout)
        except (UnreadableFile, LayoutError) as refusal:
            raise CommandError(str(refusal)) from None
        bar = partial(tqdm, desc="checking rows", unit="row", file=sys.stderr, disable=None)
        plan = plan_import(path, force_code, progress=bar, layout=chosen)
        if not plan.ok:
            self.stderr.write(format_errors(plan.errors))
            raise CommandError(f"{path.name}: {len(plan.errors)} error(s); nothing was imported.")
        self._report(plan)
        summary = (
            f"{plan.count(CREATE)} to create, {plan.count(REVISE)} to revise, "
            f"{plan.count(UNCHANGED)} unchanged, {plan.count(PRESENT)} held by another source"
        )
        if dry_run:
            self.stdout.write(f"Dry run of {path.name}: {summary}. Nothing was written.")
            return
        apply_import(plan)
        self.stdout.write(
            f"Imported {path.name}: {plan.count(CREATE)} created, {plan.count(REVISE)} revised, "
            f"{plan.count(UNCHANGED)} unchanged, {plan.count(PRESENT)} held by another source "
            f"(ledger event {plan.ledger_seqs[0]})."
        )

    def _report(self, plan: ImportPreview) -> None:
        about: PublishedImport = plan.about
        parsed = about.parsed
        self.stdout.write(f"Layout: {about.layout.title} ({about.layout.name}).")
        if parsed.ignored_columns:
            self.stdout.write(f"Columns ignored: {'; '.join(parsed.ignored_columns)}.")
        if about.same_file is not None:
            self.stdout.write(f"This file was imported before ({about.same_file}).")
        elif about.newer is not None:
            self.stdout.write(
                f"An older edition than {about.newer}: its differences are flagged, and the "
                "later edition's values kept."
            )
        elif about.edition_of is not None:
            self.stdout.write(f"A later edition of {about.edition_of}.")
        for flag in parsed.table_flags:
            self.stdout.write(f"  table: {flag['check']}: {flag['message']}")
        for row_plan in plan.rows:
            name = row_plan.record.reference
            if row_plan.action == REVISE:
                changes = "; ".join(
                    f"{field}: {old} -> {new}"
                    for field, (old, new) in row_plan.changes_shown.items()
                )
                self.stdout.write(f"  {name} revised: {changes}")
            elif row_plan.action == PRESENT:
                self.stdout.write(f"  {name}: {row_plan.note}")
            for flag in about.flags.get(row_plan.number, []):
                self.stdout.write(f"  flag {flag['check']}: {flag['message']}")
        for deployment in about.dropped:
            self.stdout.write(
                f"  {deployment.reference}: in the last edition, not in this one (kept)"
            )
        flagged = sum(len(flags) for flags in about.flags.values())
        self.stdout.write(f"{flagged} flag(s) on {len(plan.rows)} row(s).")


def _layout(given: str | None) -> Layout | None:
    if given is None:
        return None
    candidate = Path(given)
    if candidate.suffix.lower() == ".toml" or candidate.is_file():
        return layout_load(candidate)
    return builtin(given)
