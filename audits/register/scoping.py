"""Force scoping: the one function every read and write goes through.

A user belongs to at most one force (Membership). Commissioners, auditors and administrators hold
the `register.view_all_forces` permission and read every force; everyone else sees only their own
force's records, and a user with neither sees nothing. How a model is scoped is declared on the
model (`scoping`, audits/scoped.py); a model that declares nothing cannot be read at all.
"""

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models

from audits.register.models import Force
from audits.scoped import AllForcesOnly, ForceOwned, Scoping, Shared

QS = TypeVar("QS", bound=models.QuerySet[Any])


def scoping_of(model: type[models.Model]) -> Scoping:
    declared = getattr(model, "scoping", None)
    if not isinstance(declared, ForceOwned | Shared | AllForcesOnly):
        raise ImproperlyConfigured(
            f"{model._meta.label} does not declare how it is scoped to forces "
            "(a `scoping` attribute: ForceOwned, SHARED or ALL_FORCES_ONLY)."
        )
    return declared


def force_path(model: type[models.Model]) -> str | None:
    """The lookup from a row to its force ("" for a force), or None if rows have no force."""
    declared = scoping_of(model)
    return declared.path if isinstance(declared, ForceOwned) else None


def user_force(user: User | AnonymousUser) -> Force | None:
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.force if membership is not None else None


def acting_user(user: User | AnonymousUser) -> User:
    """The signed-in user a request writes as: an anonymous visitor writes nothing (the services'
    own permission check would refuse one too)."""
    if not isinstance(user, User):
        raise PermissionDenied("Sign in to change the register.")
    return user


def reads_all_forces(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("register.view_all_forces")
    )


def scope(queryset: QS, user: User | AnonymousUser) -> QS:
    """Only the rows this user may read."""
    declared = scoping_of(queryset.model)
    if not user.is_authenticated:
        return queryset.none()
    if reads_all_forces(user) or isinstance(declared, Shared):
        return queryset
    if isinstance(declared, AllForcesOnly):
        return queryset.none()
    return queryset.filter(in_force(declared, user_force(user)))


def in_force(declared: ForceOwned, force: Force | None) -> models.Q:
    """The rows of `force` (none for no force), and national rows where the model has them."""
    rows = models.Q(pk__in=[])
    if force is not None:
        rows = models.Q(**{declared.path or "pk": force.pk})
    if declared.national:
        rows |= models.Q(**{f"{declared.path}__isnull": True})
    return rows


def owning_force(instance: models.Model) -> Force | None:
    path = force_path(type(instance))
    if path is None:
        return None
    value: Any = instance
    for step in filter(None, path.split("__")):
        value = getattr(value, step, None)
        if value is None:
            return None
    return value


def record_force(instance: models.Model) -> Force:
    """The force of a record whose scoping always leads to one (every record of a force)."""
    force = owning_force(instance)
    if force is None:
        raise ImproperlyConfigured(f"{instance._meta.label} {instance.pk} belongs to no force.")
    return force


def may_write(user: User | AnonymousUser, instance: models.Model) -> bool:
    """Writes stay inside the writer's own force; reading every force never allows writing."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    force = owning_force(instance)
    return force is not None and force == user_force(user)
