"""The one protocol every import follows, whatever it reads: a published deployment grid
(imports/deployments.py), a file of alerts, searches or device sessions (imports/batch_files.py)
or an API batch (services/batches.py).

- Bad input is a RowError naming the row, the column, the value found and the reason; an import
  collects every one of them before it writes anything.
- What an import would do is an ImportPreview: one RowPreview per row (created, revised,
  unchanged, already present or in error) with the file's digest and every error.
- A file is named by `file_digest`, the SHA-256 of its bytes.
- A preview is confirmed by a signed Confirmation (`confirmation_sign` / `confirmation_read`):
  the upload, the user, the file's digest and what the preview does to each row, no older than
  the upload is kept. Confirming re-runs the import and writes only if the run `matches` it.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core import signing

# What an import does to a row.
CREATE, REVISE, UNCHANGED = "create", "revise", "unchanged"
PRESENT, ERROR = "already present", "error"
# Files count rows as a spreadsheet does: the header is row 1, the first record row 2.
HEADER_ROW = 1
FIRST_ROW = 2


def file_digest(path: Path) -> str:
    """The SHA-256 of the file's bytes, as hex."""
    with path.open("rb") as file:  # streamed: the reader refuses an over-size file, not this
        return hashlib.file_digest(file, "sha256").hexdigest()


@dataclass(frozen=True)
class RowError:
    """Why one row, cell or the whole input cannot be imported.

    `row` is where the input says it is: a file's row as a spreadsheet numbers it (HEADER_ROW for
    the header), a batch's item by its position (from 0); None for the input as a whole.
    `column` is the file's column or the item's key (None: the row as a whole); `value` what was
    found there, when one cell is at fault; `record` the record's own name, when the row has one
    (a grid's row_id).
    """

    row: int | None
    column: str | None
    reason: str
    value: Any = None
    record: str | None = None
    page: int | None = None  # in a PDF: the page, and the row's number on it
    printed_row: int | None = None

    def __str__(self) -> str:
        """One line for the command line, e.g. "row 11 (MPS-010), column arrests: '-1' is
        negative", or "page 2, row 5 (Westminster 10/01/24), column ..." in a PDF."""
        if self.row is None:
            where = "file"
        elif self.page is not None:
            where = f"page {self.page}, row {self.printed_row}" + (
                f" ({self.record})" if self.record else ""
            )
        elif self.row == HEADER_ROW and self.record is None:
            where = "header"
        else:
            where = f"row {self.row}" + (f" ({self.record})" if self.record else "")
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


def plain(value: Any) -> str:
    """A value as a person reads it in a preview: a duration in hours and minutes, not in
    seconds (the ledger writes the exact value, `field_value`)."""
    if value is None:
        return "none"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        text = f"{minutes // 60}h {minutes % 60:02d}m"
        return text + (f" {seconds:02d}s" if seconds else "")
    return str(value)


@dataclass
class RowPreview:
    number: int  # the row, as RowError counts it
    record: Any  # the row as read: a PublishedDeployment, or a batch item (a dict)
    action: str = ""  # CREATE, REVISE, ...; blank while other rows' errors hide what it would do
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field: [old, new], if revised
    existing: Any = None  # the stored record it revises or repeats, if it is known
    note: str = ""  # why it does what it does, where that is not plain (held by another source)

    @property
    def changes_shown(self) -> dict[str, list[str]]:
        """The changes as a person reads them (the ledger writes them exactly)."""
        return {name: [plain(old), plain(new)] for name, (old, new) in self.changes.items()}


@dataclass
class ImportPreview:
    """What an import does, row by row; `committed` once it is written, with its ledger events."""

    source_name: str
    digest: str  # file_digest of the file
    rows: list[RowPreview] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    ledger_seqs: list[int] = field(default_factory=list)
    about: Any = None  # what the import says of the file as a whole (its layout, its defects)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def outcome(self) -> str:
        """A digest of what the import does to each row: a confirmation writes only if it is
        the preview's."""
        lines = "".join(f"{row.number}:{row.action}\n" for row in self.rows)
        return hashlib.sha256(lines.encode()).hexdigest()


@dataclass(frozen=True)
class Confirmation:
    """A preview as its signed "Confirm" brings it back."""

    token: str  # names the kept upload
    source_name: str
    digest: str
    outcome: str
    options: dict[str, Any]  # what else the preview was run with (force, time zone, ...)

    def matches(self, run: ImportPreview) -> bool:
        """True if the run is the preview confirmed: the same file, doing the same to every row,
        without an error."""
        return run.ok and (run.digest, run.outcome) == (self.digest, self.outcome)


def confirmation_sign(
    preview: ImportPreview, *, salt: str, user_pk: Any, token: str, **options: Any
) -> str:
    """What a preview's "Confirm" posts back, signed, so that it confirms exactly that preview,
    for that user: unsigned, a changed force or source name would be imported and recorded in
    the ledger as if it had been previewed."""
    confirmation = {
        "token": token,
        "user": user_pk,
        "source": preview.source_name,
        "digest": preview.digest,
        "outcome": preview.outcome,
        "options": options,
    }
    return signing.dumps(confirmation, salt=salt)


def confirmation_read(signed: str, *, salt: str, user_pk: Any, max_age: int) -> Confirmation | None:
    """The confirmation signed for this user under this salt, no older than `max_age` seconds;
    None if the signature, the age or the user does not hold."""
    try:
        confirmation = signing.loads(signed, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    try:
        if confirmation["user"] != user_pk:
            return None
        return Confirmation(
            confirmation["token"],
            confirmation["source"],
            confirmation["digest"],
            confirmation["outcome"],
            confirmation["options"],
        )
    except (KeyError, TypeError):  # signed by an earlier version of this code
        return None
