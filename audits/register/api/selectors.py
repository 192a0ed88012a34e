"""Reads the API needs beyond a plain scoped queryset."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from audits.register.models import Amendment
from audits.register.scoping import scope


def amendments_in_scope(user: User | AnonymousUser) -> QuerySet[Amendment]:
    """Amendments of the records the user may read (each amendment carries its record's force)."""
    return scope(Amendment.objects.select_related("content_type", "amended_by"), user)
