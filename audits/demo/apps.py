"""Demo data and demo logins (seed_demo, demo_login)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "audits.demo"
    label = "demo"
    verbose_name = "Demo"
    default_auto_field = "django.db.models.BigAutoField"
