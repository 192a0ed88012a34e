import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from audits.metrics import GROUP_KEYS
from audits.reporting.build import build_report, record_export, sections_for
from audits.reporting.renderers import RENDERERS
from audits.reporting.selectors import KINDS_OF_MODE, ReportFilters


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Compute the oversight metrics with their intervals and export them as JSON (to standard "
        "output unless -o is given), CSV, XLSX, PDF or HTML."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="date_from", type=iso_date, help="first day (YYYY-MM-DD)"
        )
        parser.add_argument("--to", dest="date_to", type=iso_date, help="last day (YYYY-MM-DD)")
        parser.add_argument("--force", nargs="+", default=[], metavar="CODE")
        parser.add_argument("--mode", nargs="+", default=[], choices=sorted(KINDS_OF_MODE))
        parser.add_argument("--group-by", nargs="+", default=["year"], choices=GROUP_KEYS)
        parser.add_argument("--format", default="json", choices=sorted(RENDERERS))
        parser.add_argument("--interval", default="wilson", choices=["wilson", "exact"])
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, **options):
        fmt = options["format"]
        if fmt != "json" and options["output"] is None:
            raise CommandError(f"--format {fmt} writes a file: give -o PATH")
        filters = ReportFilters(
            date_from=options["date_from"],
            date_to=options["date_to"],
            forces=options["force"],
            modes=options["mode"],
        )
        with tqdm(total=3, desc="report", unit="step", file=sys.stderr, disable=None) as bar:
            report = build_report(
                filters=filters,
                group_by=options["group_by"],
                method=options["interval"],
                sections=sections_for(fmt),
            )
            bar.update()
            render, _content_type, _extension = RENDERERS[fmt]
            content = render(report)
            bar.update()
            record_export(report, fmt, user=None)
            bar.update()
        if options["output"] is None:
            self.stdout.write(content.decode())
        else:
            options["output"].write_bytes(content)
            self.stderr.write(
                f"Wrote {options['output']} ({len(content):,} bytes; ledger head "
                f"{report['ledger_head']})."
            )
