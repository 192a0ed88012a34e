"""Forces, memberships, roles, reference data, the records, their lifecycle, imports."""

from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "audits.register"
    label = "register"
    verbose_name = "Register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from audits.ledger import capture
        from audits.register import checks  # noqa: F401  (registers the system checks)
        from audits.register.roles import roles_apply

        post_migrate.connect(roles_apply, dispatch_uid="audits.register.roles_apply")
        capture.audit(*self.get_models())  # every table of the register is in the ledger
        # and each user's roles (auth_user_groups), though not the users (password hashes)
        from django.contrib.auth.models import User

        capture.audit_links(User.groups.through)
