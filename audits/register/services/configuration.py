"""Changes to the register's configuration: forces and their policy settings, memberships,
systems, reference data, policy profiles and rules.

These have no lifecycle (no draft, no submission), but they decide how records are judged (a
force's minimum threshold, a rule's parameters) and who may do what (a membership), so each
change is a ledger event with the old and the new values, as a record's change is.
"""

from typing import Any

from django.contrib.auth.models import User
from django.db import models

from audits.ledger.models import LedgerAction, LedgerEvent
from audits.ledger.services import recorded
from audits.register.services.changes import diff, field_values
from audits.register.services.records import log_event


def stored_values(instance: models.Model) -> dict[str, Any] | None:
    """The instance's values as stored now, before a change; None if it is not stored yet."""
    if instance.pk is None:
        return None
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    return field_values(stored) if stored is not None else None


@recorded
def configuration_save(
    *, user: User | None, instance: models.Model, before: dict[str, Any] | None
) -> LedgerEvent | None:
    """Save a checked instance; `before` is `stored_values(instance)` taken before the form
    changed it. Nothing is written when nothing changed."""
    if before is not None and not diff(before, field_values(instance)):
        return None
    instance.save()
    changes = diff(before or {}, field_values(instance))
    action = LedgerAction.CREATE if before is None else LedgerAction.UPDATE
    return log_event(action, instance, user, changes)


@recorded
def configuration_related(
    *, user: User | None, instance: models.Model, name: str, before: list, after: list
) -> LedgerEvent | None:
    """Log a change of a many-to-many field (a profile's forces, say), as sorted lists."""
    before, after = sorted(before), sorted(after)
    if before == after:
        return None
    return log_event(LedgerAction.UPDATE, instance, user, {name: [before, after]})


@recorded
def configuration_delete(*, user: User | None, instance: models.Model) -> LedgerEvent:
    values = field_values(instance)
    pk = instance.pk
    instance.delete()  # first, so that the event records the deletion (of cascades too)
    instance.pk = pk
    return log_event(LedgerAction.DELETE, instance, user, diff(values, {}))
