"""Every model of the audits app declares how it is scoped, and the declaration holds: a force
user's scope() never returns a row another force owns. Models come from the app registry."""

import pytest
from django.apps import apps
from django.db import models

from audits.models import Force
from audits.scoping import force_path, scope
from tests import personas
from tests.security.matrix import FORCE_A, owner_code

pytestmark = pytest.mark.django_db

# Reference data every force reads. A force's own additions to a reference table (rows with a
# force) are still that force's: the row test below holds them to it.
SHARED_REFERENCE = {
    "system",
    "policyprofile",
    "rule",
    "usecase",
    "watchlistcategory",
    "offencetype",
    "outcome",
    "ledgerevent",  # the auditor's; no force role reads it at all
}

AUDITS_MODELS = sorted(apps.get_app_config("audits").get_models(), key=lambda m: m._meta.model_name)


def declared_scoping(model: type[models.Model]) -> str | None:
    """How a model says it is scoped: "force:<path>", "shared", or None (undeclared).

    The lead points this at the new declaration mechanism of audits/scoping.py."""
    if model is Force:
        return "force:pk"
    path = force_path(model)
    if path is not None:
        return f"force:{path}"
    if model._meta.model_name in SHARED_REFERENCE:
        return "shared"
    return None


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
