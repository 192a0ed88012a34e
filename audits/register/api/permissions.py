"""Model-level permissions per action, from the roles (audits/register/roles.py).

Which *rows* a user reaches is decided by `scope()` in the views' querysets (another force's
record is a 404), and whether a write is allowed on a row by the record services (own force,
draft only). This class only answers "may this role do this kind of thing at all", so that a
commissioner's write is refused with 403 before anything is looked up.
"""

from typing import Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

# DRF action -> Django permission verb. Lifecycle actions need only "view" here: the service
# checks the real permission (submit, amend, ...) together with the record's force.
ACTION_VERBS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "partial_update": "change",
    "update": "change",
    "destroy": "delete",
}


@runtime_checkable
class GuardedView(Protocol):
    """A view of the register's API: it names the model whose permissions guard it."""

    def permission_model(self) -> type[models.Model]: ...


def permission_model(view: APIView) -> type[models.Model]:
    if not isinstance(view, GuardedView):
        raise ImproperlyConfigured(f"{type(view).__name__} names no permission_model().")
    return view.permission_model()


class ModelActionPermission(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = permission_model(view)
        action = getattr(view, "action", None) or ""
        # A workflow step can need a permission of its own rather than a model verb (a
        # commissioner opens a review with "conduct", not "add"): the view names it.
        required = getattr(view, "action_permissions", {}).get(action)
        if required is None:
            verbs = {**ACTION_VERBS, **getattr(view, "action_verbs", {})}
            verb = verbs.get(action, "view")
            required = f"{model._meta.app_label}.{verb}_{model._meta.model_name}"
        return user.has_perm(required)


class MayAdd(BasePermission):
    """For views that only create (batches): the model's add permission."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        model = permission_model(view)
        return bool(user and user.is_authenticated) and user.has_perm(
            f"{model._meta.app_label}.add_{model._meta.model_name}"
        )
