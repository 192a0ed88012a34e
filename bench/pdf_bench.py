"""Benchmark of reading a force's published PDF (issue 13, the last "Must show" item).

In one run, alternately, best of N each (default 5):

1. **pdfplumber**: its own table extraction of every page of the Met's 10-page 2023-to-date
   grid, `page.extract_tables()`, and nothing else: the floor for any reader built on it;
2. **reading**: `parse_published_table`, what `import_deployments --dry-run` does to the file
   before it looks at the register: the tables from their ruling lines, the headers merged over
   rows and columns, every cell read in every format, the layout, the table's defects;
3. **dry run**: `plan_import`, the whole dry run (reading, then matching every row with the
   register and judging its figures), on a scratch SQLite database migrated for it (untimed).

and prints seconds and the ratios. Target: reading within 1.5x of pdfplumber's extraction.

    .venv/bin/python bench/pdf_bench.py [--repeat 5] [--pdf PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT.parent / "shared/data/published/met-lfr-grid-2023-to-date.pdf"
TARGET_RATIO = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pdf", type=Path, default=PDF)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup_django(Path(folder) / "bench.sqlite3")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        _force()
        run(args.pdf, args.repeat)


def _setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "app.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _force() -> None:
    from django.db import transaction

    from audits.register.models import Force
    from audits.register.services.records import record_create

    with transaction.atomic():
        record_create(user=None, instance=Force(code="MPS", name="Metropolitan Police Service"))


def run(pdf: Path, repeat: int) -> None:
    import pdfplumber

    from audits.register.imports.deployments import plan_import
    from audits.register.imports.published import parse_published_table

    def extraction() -> int:
        with pdfplumber.open(pdf) as document:
            return sum(len(table) for page in document.pages for table in page.extract_tables())

    def reading() -> int:
        result = parse_published_table(pdf, force="MPS")
        assert result.ok, result.errors
        return len(result.rows)

    def dry_run() -> int:
        plan = plan_import(pdf, "MPS")
        assert plan.ok, plan.errors
        return len(plan.rows)

    timings: dict[str, list[float]] = {"pdfplumber": [], "reading": [], "dry run": []}
    steps: dict[str, Callable[[], int]] = {
        "pdfplumber": extraction,
        "reading": reading,
        "dry run": dry_run,
    }
    counts = {}
    for _ in range(repeat):
        for name, step in steps.items():
            started = time.perf_counter()
            counts[name] = step()
            timings[name].append(time.perf_counter() - started)
    best = {name: min(times) for name, times in timings.items()}
    print(f"{pdf.name}, best of {repeat}:")
    print(f"  pdfplumber extract_tables, every page: {best['pdfplumber']:6.2f} s "
          f"({counts['pdfplumber']} table rows, spacers included)")  # fmt: skip
    print(f"  reading (parse_published_table):       {best['reading']:6.2f} s "
          f"({counts['reading']} deployments)")  # fmt: skip
    print(f"  dry run (plan_import):                 {best['dry run']:6.2f} s")
    ratio = best["reading"] / best["pdfplumber"]
    print(f"ratio reading / pdfplumber: {ratio:.2f}x; dry run / pdfplumber: "
          f"{best['dry run'] / best['pdfplumber']:.2f}x")  # fmt: skip
    print(f"target reading within {TARGET_RATIO}x: {'met' if ratio <= TARGET_RATIO else 'MISSED'}")


if __name__ == "__main__":
    main()
