import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from audits.metrics import IntervalMethod
from audits.reporting.renderers import RENDERERS
from audits.reporting.services import report_export

# The report parameters (audits.reporting.services) by the option that gives them.
OPTIONS = {
    "from": "date_from",
    "to": "date_to",
    "force": "force",
    "mode": "mode",
    "group_by": "group_by",
    "interval": "interval",
    "as_of": "as_of",
    "include_drafts": "include_drafts",
}


def option_errors(error: ValidationError) -> str:
    """The report service's errors by the command's option names: "--force: ..."."""
    return "; ".join(
        f"--{name.replace('_', '-')}: {' '.join(messages)}"
        for name, messages in sorted(error.message_dict.items())
    )


class Command(BaseCommand):
    help = (
        "Compute the oversight metrics with their intervals and export them as JSON (to standard "
        "output unless -o is given), CSV, XLSX, PDF or HTML. Options are checked as the API "
        "checks its parameters: a bad one is an error, and no export is recorded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="last day (YYYY-MM-DD)")
        parser.add_argument("--force", nargs="+", default=[], metavar="CODE")
        parser.add_argument("--mode", nargs="+", default=[], help="lfr or bodycam")
        parser.add_argument("--group-by", nargs="+", default=["year"], metavar="KEY")
        parser.add_argument("--format", default="json", choices=sorted(RENDERERS))
        parser.add_argument(
            "--interval",
            default=IntervalMethod.WILSON,
            help=" or ".join(method.value for method in IntervalMethod),
        )
        parser.add_argument(
            "--as-of",
            metavar="SEQ",
            help="the register as it stood after this ledger event, rebuilt from the ledger: "
            "a report's ledger_seq reproduces its figures",
        )
        parser.add_argument(
            "--include-drafts",
            action="store_const",
            const="true",
            default=None,
            help="count drafts beside submitted and reviewed records (the report says how many)",
        )
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = options["format"]
        if fmt != "json" and options["output"] is None:
            raise CommandError(f"--format {fmt} writes a file: give -o PATH")
        params = {name: options[option] for name, option in OPTIONS.items()}
        with tqdm(total=1, desc="report", unit="step", file=sys.stderr, disable=None) as bar:
            try:
                export = report_export(user=None, params=params, fmt=fmt)
            except ValidationError as error:
                raise CommandError(option_errors(error)) from None
            bar.update()
        if options["output"] is None:
            self.stdout.write(export.content.decode())
        else:
            options["output"].write_bytes(export.content)
            self.stderr.write(
                f"Wrote {options['output']} ({len(export.content):,} bytes; ledger head "
                f"{export.report.ledger_head})."
            )
