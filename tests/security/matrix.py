"""The persona matrix's shared parts: who signs in, and how, in one place.

Every login of the security tests goes through `client_for` / `api_client_for`, because the
sign-in work (multi-factor) will change how tests log in.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.test import Client
from rest_framework.test import APIClient

from audits.ledger.models import LedgerEvent
from audits.register.models import Amendment, Force
from audits.register.scoping import force_path
from tests import personas
from tests.api.conftest import client_for as api_client

FORCE_A = "NMP"
FORCE_B = "EVC"
FORCE_ROLES = ("recorder", "reviewer", "officer")
# Ledger actions a refused or read-only request may leave behind.
HARMLESS_ACTIONS = {"permission_denied", "login", "logout", "login_failed"}


def client_for(user: AbstractBaseUser | None) -> Client:
    client = Client()
    return personas.login(client, user) if user is not None else client


def api_client_for(user: AbstractBaseUser | None) -> APIClient:
    return api_client(user)


@dataclass(frozen=True)
class Persona:
    name: str  # e.g. "NMP-recorder", "commissioner", "anonymous"
    user: AbstractBaseUser | None
    force: str | None  # the force code of a force persona

    @property
    def oversight(self) -> bool:
        return self.user is not None and self.force is None


def all_personas(forces: tuple[str, ...] = (FORCE_A, FORCE_B)) -> dict[str, Persona]:
    """Every persona at once: three force roles for each force, a commissioner, an auditor."""
    found = {}
    for code in forces:
        for role in FORCE_ROLES:
            user = getattr(personas, role)(code)
            found[f"{code}-{role}"] = Persona(f"{code}-{role}", user, code)
    found["commissioner"] = Persona("commissioner", personas.commissioner(), None)
    found["auditor"] = Persona("auditor", personas.auditor(), None)
    found["anonymous"] = Persona("anonymous", None, None)
    return found


def owner_code(obj: models.Model) -> str | None:
    """The force that owns a row, worked out independently of scoping.FORCE_PATHS where that
    table has no entry (the point is to catch models scoping forgot)."""
    if isinstance(obj, Force):
        return obj.code
    if isinstance(obj, Amendment):
        return owner_code(obj.record) if obj.record is not None else None
    if isinstance(obj, LedgerEvent):
        return obj.force or None
    if getattr(type(obj), "scoping", None) is None:
        return None  # not the register's (users, groups, devices): the administrator's alone
    path = force_path(type(obj))
    if path is None:
        # Reference items carry an optional force; a model with a `force` FK is force-owned.
        force = getattr(obj, "force", None)
        return force.code if isinstance(force, Force) else None
    value = obj
    for step in path.split("__"):
        value = getattr(value, step, None)
        if value is None:
            return None
    return value.code


def ledger_actions_since(seq: int) -> list[str]:
    return list(LedgerEvent.objects.filter(seq__gt=seq).values_list("action", flat=True))


def ledger_head() -> int:
    last = LedgerEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last or 0
