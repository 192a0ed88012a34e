"""Sign-in, the second factor, API tokens, and the ledger of logins and refusals."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "audits.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audits.accounts import signals, tokens  # noqa: F401  (connect their receivers)
