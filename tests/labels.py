"""Which app owns which model, for tests that build admin URL names or walk every model."""

from django.apps import apps

# Our apps that have models, lowest layer first (app/settings.py lists every app).
MODEL_APPS = ["ledger", "register", "compliance", "oversight"]


def our_models() -> list:
    return sorted(
        (model for label in MODEL_APPS for model in apps.get_app_config(label).get_models()),
        key=lambda model: model._meta.model_name,
    )


def app_of(model_name: str) -> str:
    for label in MODEL_APPS:
        if model_name in apps.get_app_config(label).models:
            return label
    raise LookupError(f"no app of ours has a model {model_name!r}")


def admin_url_name(model_name: str, view: str) -> str:
    return f"admin:{app_of(model_name)}_{model_name}_{view}"
