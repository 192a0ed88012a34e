"""The append-only, hash-chained ledger of every change (see audits/ledger/services.py for the
chain)."""

from typing import Any, ClassVar, NoReturn

from django.db import models

from audits.scoped import ALL_FORCES_ONLY, Scoping


class LedgerAction(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete draft"
    SUBMIT = "submit", "Submit"
    REVIEW = "review", "Review"
    AMEND = "amend", "Amend"
    WITHDRAW = "withdraw", "Withdraw"
    IMPORT = "import", "Import"
    EXPORT = "export", "Export"
    LOGIN = "login", "Login"
    LOGIN_FAILED = "login_failed", "Failed login"
    MFA_VERIFIED = "mfa_verified", "Second factor passed"
    MFA_FAILED = "mfa_failed", "Failed second factor"
    MFA_ENROLLED = "mfa_enrolled", "Second factor enrolled"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    PERMISSION_DENIED = "permission_denied", "Permission denied"
    BASELINE = "baseline", "Baseline"
    WRITE = "write", "Write"


class LedgerError(Exception):
    """Raised when anyone tries to change or remove a ledger row through the application."""


class LedgerEventQuerySet(models.QuerySet["LedgerEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise LedgerError("Ledger events are append-only: they cannot be updated.")

    def delete(self) -> NoReturn:
        raise LedgerError("Ledger events are append-only: they cannot be deleted.")


class LedgerEvent(models.Model):
    scoping: ClassVar[Scoping] = ALL_FORCES_ONLY
    # Columns hold plain text so that verification rebuilds the canonical bytes without parsing.
    seq = models.BigIntegerField(primary_key=True)
    occurred_at = models.CharField(max_length=40, help_text="ISO 8601, UTC, microseconds.")
    actor = models.CharField(max_length=150, blank=True, help_text="Username, or empty.")
    force = models.CharField(max_length=12, blank=True, help_text="Force code, or empty.")
    action = models.CharField(max_length=20, choices=LedgerAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    changes = models.TextField(help_text="Canonical JSON: {field: [before, after]} or details.")
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    # Defaults in the database too: a row written by SQL that names neither is of format 1.
    format = models.PositiveSmallIntegerField(
        default=1,
        db_default=1,
        help_text="1: the events before exact capture; 2: RFC 8785 with row entries.",
    )
    rows = models.TextField(
        blank=True,
        db_default="",
        help_text="Format 2: RFC 8785 JSON, the row writes this event records.",
    )
    hash = models.CharField(max_length=64, unique=True)

    objects = LedgerEventQuerySet.as_manager()

    class Meta:
        db_table = "audits_ledgerevent"  # the table's name from before the split
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["force", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerError("Ledger events are append-only: they cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerError("Ledger events are append-only: they cannot be deleted.")


class JournalEntry(models.Model):
    """A write to an audited table as PostgreSQL's own triggers saw it (audits/ledger/journal.py):
    which row, how, in which transaction, by which database role. Written by the database, never
    by the application; verification names every entry that no ledger event explains."""

    scoping: ClassVar[Scoping] = ALL_FORCES_ONLY
    txid = models.BigIntegerField(help_text="The writing transaction (txid_current()).")
    role = models.CharField(
        max_length=150, help_text="The database role that wrote (current_user)."
    )
    at = models.DateTimeField(help_text="When its transaction began (now()).")
    table_name = models.CharField(max_length=80)
    op = models.CharField(max_length=8, help_text="INSERT, UPDATE or DELETE.")
    row_id = models.BigIntegerField()

    class Meta:
        db_table = "audits_ledger_journal"
        indexes = [models.Index(fields=["txid"])]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"{self.op} {self.table_name} {self.row_id} (transaction {self.txid}, {self.role})"
