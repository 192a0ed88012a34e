"""The register's tables before it was split into apps by capability.

This app has no models: it keeps the migrations that created the tables (0001 to 0019) and the one
that handed them to the apps that now own them (0020 moves them in Django's state only; the tables
keep their names). Every database, old or new, migrates through the same steps.
"""

from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    label = "audits"
    verbose_name = "Facial recognition oversight (tables before the split into apps)"
    default_auto_field = "django.db.models.BigAutoField"
