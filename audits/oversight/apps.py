"""Commissioner reviews of deployments and periods, with their messages."""

from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "audits.oversight"
    label = "oversight"
    verbose_name = "Oversight"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audits.ledger import capture

        capture.audit(*self.get_models())  # reviews and their messages are in the ledger
