"""System checks run at start-up (and by `manage.py check`): a model of the register that does
not say how it is scoped to forces is an error, not a model everyone can read."""

from collections.abc import Iterator, Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

from audits.register.models import Force
from audits.scoped import ForceOwned


@checks.register(checks.Tags.security)
def check_every_model_is_scoped(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    from audits.register.scoping import scoping_of

    errors: list[checks.CheckMessage] = []
    for model in _our_models():
        try:
            declared = scoping_of(model)
        except ImproperlyConfigured as problem:
            errors.append(checks.Error(str(problem), obj=model, id="audits.E001"))
            continue
        if isinstance(declared, ForceOwned) and _leads_to(model, declared.path) is not Force:
            message = f"{model._meta.label}: scoping path {declared.path!r} does not reach a Force."
            errors.append(checks.Error(message, obj=model, id="audits.E002"))
    return errors


def _our_models() -> Iterator[type[models.Model]]:
    """Every model of every app under audits/ (those not written yet included: fail closed)."""
    for config in apps.get_app_configs():
        if config.name == "audits" or config.name.startswith("audits."):
            yield from config.get_models()


def _leads_to(model: type[models.Model], path: str) -> type[models.Model] | None:
    for step in filter(None, path.split("__")):
        try:
            field = model._meta.get_field(step)
        except FieldDoesNotExist:
            return None
        related = field.related_model
        if not isinstance(related, type):  # not a relation (None), or one not resolved ("self")
            return None
        model = related
    return model
