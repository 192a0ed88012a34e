"""Policy profiles, rules and the findings they raise on records."""

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "audits.compliance"
    label = "compliance"
    verbose_name = "Compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from audits.compliance import receivers
        from audits.compliance.filtersets import deployment_filters_add
        from audits.compliance.models import Finding
        from audits.ledger import capture
        from audits.register.signals import record_changed

        deployment_filters_add()
        record_changed.connect(receivers.record_judge, dispatch_uid="audits.compliance.judge")
        post_migrate.connect(
            receivers.profiles_seed, sender=self, dispatch_uid="audits.compliance.seed"
        )
        # Profiles and rules are in the ledger; findings are judged again from the records.
        capture.audit(*(model for model in self.get_models() if model is not Finding))
        capture.derived(Finding)
