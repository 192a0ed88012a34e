"""Reads the API needs that scope() alone does not answer."""

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from audits.models import Amendment
from audits.scoping import FORCE_PATHS, reads_all_forces, scope


def amendments_in_scope(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Amendment]:
    """Amendments of the records the user may read.

    An amendment points at its record generically (content type and id), so scope() cannot
    follow it: each record type's scoped ids are asked of scope() instead.
    """
    amendments = Amendment.objects.select_related("content_type", "amended_by")
    if reads_all_forces(user):
        return amendments
    readable = Q(pk__in=[])
    for model_name in FORCE_PATHS:
        model = apps.get_model("audits", model_name)
        ids = scope(model.objects.all(), user).values("pk")
        readable |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return amendments.filter(readable)
