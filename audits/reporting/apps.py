"""Selectors, reports and their renderers, the dashboard and the public pages."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "audits.reporting"
    label = "reporting"
    verbose_name = "Reporting"
    default_auto_field = "django.db.models.BigAutoField"
