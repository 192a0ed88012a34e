from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Facial recognition oversight"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audits import checks, signals  # noqa: F401  (registers checks, connects receivers)
        from audits.security import tokens  # noqa: F401  (revokes tokens on password change)
