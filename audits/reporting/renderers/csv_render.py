"""The report's groups as CSV: one row per group, the columns of `audits.reporting.flatten`.

Provenance travels in trailing columns with the same value on every row:
`interval_method`, `generated_at`, `ledger_head`, `ledger_seq` (the event it is the hash
of), and `counted`, `drafts` and `withdrawn` (which records the figures count: submitted and
reviewed ones, with the number of drafts included when asked for, and the number of withdrawn
records left out). A trailing column (rather than a comment line) keeps the file a plain table:
`pandas.read_csv(path)` and spreadsheets read it with no options, and a '#' inside a location
name cannot be mistaken for a comment. Read `ledger_head` with `dtype={"ledger_head": str}` so
that a hex string is never parsed as a number.

Strings that a spreadsheet would run as a formula are escaped with a leading apostrophe.
"""

import csv
import io

from audits.reporting.flatten import escape_cell, flatten
from audits.reporting.report import GroupRow, Report

PROVENANCE = (
    "interval_method",
    "generated_at",
    "ledger_head",
    "ledger_seq",
    "counted",
    "drafts",
    "withdrawn",
)


def render_csv(report: Report) -> bytes:
    table = flatten(report.groups, GroupRow, report.group_by)
    provenance = [getattr(report, name) for name in PROVENANCE]
    buffer = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as the terminator the writer quotes any cell holding a
    # "\r" or "\n", which a bare "\n" terminator would leave unquoted (and break the row).
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_cell(name) for name in (*table.columns, *PROVENANCE)])
    for row in table.rows:
        writer.writerow([escape_cell(cell) for cell in (*row, *provenance)])
    return buffer.getvalue().encode("utf-8")
