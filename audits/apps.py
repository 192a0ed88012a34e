from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Facial recognition oversight"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audits import signals  # noqa: F401  (connects the login receivers)
        from audits.security import tokens  # noqa: F401  (revokes tokens on password change)
