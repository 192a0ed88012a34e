"""The hash-chained ledger of every change: append and verify. Imports no other app."""

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "audits.ledger"
    label = "ledger"
    verbose_name = "Ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audits.ledger import checks  # noqa: F401  (registers the deployment check)
