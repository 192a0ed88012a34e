"""Every model of the audits app declares how it is scoped, and the declaration holds: a force
user's scope() never returns a row another force owns. Models come from the app registry."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from audits.register.checks import check_every_model_is_scoped
from audits.register.models import Force
from audits.register.scoping import force_path, scope, scoping_of
from audits.scoped import ForceOwned
from tests import personas
from tests.labels import our_models
from tests.security.matrix import FORCE_A, owner_code

pytestmark = pytest.mark.django_db

AUDITS_MODELS = our_models()


def declared_scoping(model: type[models.Model]) -> str | None:
    """How a model says it is scoped (its `scoping`, audits/scoped.py), or None."""
    try:
        declared = scoping_of(model)
    except ImproperlyConfigured:
        return None
    if isinstance(declared, ForceOwned):
        return f"force:{declared.path or 'pk'}"
    return type(declared).__name__.lower()


def test_a_model_that_declares_nothing_is_a_start_up_error_and_unreadable():
    undeclared = type(
        "Undeclared",
        (models.Model,),
        {
            "__module__": "audits.register.models",
            "Meta": type("Meta", (), {"app_label": "register"}),
        },
    )
    try:
        errors = check_every_model_is_scoped()
        assert [(e.id, e.obj) for e in errors] == [("audits.E001", undeclared)]
        with pytest.raises(ImproperlyConfigured, match="does not declare how it is scoped"):
            scope(undeclared.objects.all(), personas.auditor())
    finally:
        del apps.all_models["register"]["undeclared"]
        apps.clear_cache()


def _has_force_link(model: type[models.Model]) -> bool:
    return any(
        f.is_relation and f.related_model is Force and not f.many_to_many
        for f in model._meta.get_fields()
    )


@pytest.mark.parametrize("model", AUDITS_MODELS, ids=lambda m: m._meta.model_name)
def test_every_model_declares_its_scoping(model):
    assert declared_scoping(model) is not None, (
        f"{model._meta.label} declares neither a force path nor shared reference data"
    )


@pytest.mark.parametrize("model", AUDITS_MODELS, ids=lambda m: m._meta.model_name)
def test_a_model_with_a_force_column_is_not_silently_shared(model):
    # A `force` foreign key means some rows belong to a force; scope() must know how to narrow.
    if _has_force_link(model):
        assert force_path(model) is not None or model is Force, (
            f"{model._meta.label} has a force column but scope() has no path for it, so a "
            "force user reads every force's rows"
        )


@pytest.mark.parametrize("model", AUDITS_MODELS, ids=lambda m: m._meta.model_name)
def test_a_force_user_never_scopes_in_another_forces_row(model):
    user = personas.recorder(FORCE_A)
    seen = scope(model._default_manager.all(), user)
    others = sorted(
        {code for code in map(owner_code, seen) if code is not None and code != FORCE_A}
    )
    assert others == [], f"{FORCE_A} recorder's scope() of {model._meta.label} holds {others}"
