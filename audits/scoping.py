"""Force scoping: the one function every read and write goes through.

A user belongs to at most one force (Membership). Commissioners, auditors and administrators hold
the `audits.view_all_forces` permission and read every force; everyone else sees only their own
force's records, and a user with neither sees nothing.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from audits.models import Force

# How to reach the owning force from each scoped model; models not listed are not force-owned.
FORCE_PATHS: dict[str, str] = {
    "authorisation": "force",
    "watchlist": "force",
    "watchlistcategorycount": "watchlist__force",
    "deployment": "force",
    "devicesession": "deployment__force",
    "facesseenrevision": "deployment__force",
    "alert": "deployment__force",
    "search": "force",
    "postdeploymentreview": "deployment__force",
    "membership": "force",
    "finding": "force",
    "commissionerreview": "force",
    "reviewmessage": "review__force",
}


def user_force(user: AbstractBaseUser | AnonymousUser) -> Force | None:
    if not user.is_authenticated:
        return None
    membership = getattr(user, "membership", None)
    return membership.force if membership is not None else None


def reads_all_forces(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm("audits.view_all_forces"))


def force_path(model: type[models.Model]) -> str | None:
    return FORCE_PATHS.get(model._meta.model_name)


def scope(queryset: models.QuerySet, user: AbstractBaseUser | AnonymousUser) -> models.QuerySet:
    """Only the rows this user may read."""
    if not user.is_authenticated:
        return queryset.none()
    if queryset.model is Force:
        if reads_all_forces(user):
            return queryset
        force = user_force(user)
        return queryset.filter(pk=force.pk) if force else queryset.none()
    path = force_path(queryset.model)
    if path is None or reads_all_forces(user):
        return queryset
    force = user_force(user)
    return queryset.filter(**{path: force}) if force else queryset.none()


def owning_force(instance: models.Model) -> Force | None:
    path = force_path(type(instance))
    if path is None:
        return instance if isinstance(instance, Force) else None
    value = instance
    for step in path.split("__"):
        value = getattr(value, step, None)
        if value is None:
            return None
    return value


def may_write(user: AbstractBaseUser | AnonymousUser, instance: models.Model) -> bool:
    """Writes stay inside the writer's own force; reading every force never allows writing."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    force = owning_force(instance)
    return force is not None and force == user_force(user)
