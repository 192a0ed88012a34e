"""Audited writes for every record: create, update a draft, submit, amend, withdraw.

Every step is one transaction that first locks the record's row (and the row of the record whose
status governs it), reads its state again there, refuses a step that no longer applies, writes
only the fields it changes and appends one ledger event. So two steps on one record run one after
the other, and the second is judged on what the first left, never on what a view loaded earlier.
The writer's force is checked before the change and after it, on the record and on everything it
points to, so a form or serializer that forgets to scope a choice cannot move a record across
forces.
"""

import hashlib
from typing import Any, NoReturn, TypeVar

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction, LedgerError, LedgerEvent
from audits.ledger.services import recorded
from audits.register.models import Amendment, Authorisation, Deployment, Status
from audits.register.models.base import Record
from audits.register.notify import notify, people_who_may
from audits.register.scoping import force_path, may_write, owning_force, record_force
from audits.register.services.changes import diff, field_values, object_label
from audits.register.signals import record_changed

# `user=None` is the register itself (demo data, imports run from the command line).
SYSTEM_ACTOR = ""
# Set by the lifecycle steps only: never by an edit or an amendment.
LIFECYCLE_FIELDS = frozenset({"status", "created_by", "submitted_at", "withdrawn_reason"})
# Characters in the reason for an amendment or a withdrawal (the API's and the admin's limit too).
REASON_MAX_LENGTH = 2000

M = TypeVar("M", bound=models.Model)
R = TypeVar("R", bound=Record)


def check_reason(reason: str, needed_for: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": f"{needed_for} needs a reason."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"At most {REASON_MAX_LENGTH:,} characters ({len(reason):,} given)."}
        )


def actor_name(user: User | None) -> str:
    return user.get_username() if user is not None else SYSTEM_ACTOR


def authorise(user: User | None, instance: models.Model, permission: str) -> None:
    """Refuse unless the user holds the permission and the record belongs to the user's force."""
    if user is None:
        return
    if not user.has_perm(permission):
        raise PermissionDenied(f"{user.get_username()} lacks the permission {permission}.")
    if not may_write(user, instance):
        force = owning_force(instance)
        raise PermissionDenied(
            f"{user.get_username()} may not write records of force {force or 'none'}."
        )


def check_one_force(user: User | None, instance: models.Model) -> None:
    """After a change: the record is still the writer's force's, and every record it points to
    belongs to the same force (national reference data belongs to none, and fits any)."""
    force = owning_force(instance)
    for field in instance._meta.concrete_fields:
        target_model = field.related_model  # None unless the field is a relation
        if not isinstance(target_model, type) or getattr(target_model, "scoping", None) is None:
            continue
        if force_path(target_model) is None or getattr(instance, field.attname) is None:
            continue
        target = getattr(instance, field.name)
        theirs = owning_force(target)
        if theirs is not None and theirs != force:
            raise ValidationError(
                {field.name: f"{target} belongs to force {theirs}, not to {force or 'no force'}."}
            )
    if user is not None and not may_write(user, instance):
        raise PermissionDenied(
            f"{user.get_username()} may not write records of force {force or 'none'}."
        )


def model_permission(action: str, instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{action}_{instance._meta.model_name}"


def submit_permission(instance: models.Model) -> str:
    if isinstance(instance, Authorisation):
        return "register.approve_authorisation"
    return "register.submit_record"


def lifecycle_owner(instance: models.Model) -> Record | None:
    """The record whose status governs this one: itself, or its deployment or watchlist."""
    if isinstance(instance, Record):
        return instance
    for parent in ("deployment", "watchlist"):
        if hasattr(instance, parent):
            owner: Record = getattr(instance, parent)
            return owner
    return None


def ensure_draft(instance: models.Model) -> None:
    owner = lifecycle_owner(instance)
    if owner is not None and owner.pk and owner.status != Status.DRAFT:
        raise PermissionDenied(
            f"{owner} is {owner.get_status_display().lower()}: it cannot be changed in place; "
            "record an amendment with a reason instead."
        )


def locked(instance: M) -> M:
    """The record's row as stored now, locked until the transaction ends, read with the rows on
    the way to its force (every write asks whose record it is; only the row itself is locked)."""
    rows = type(instance)._default_manager.select_for_update(of=("self",))
    path = force_path(type(instance))
    if path:  # "deployment__force" brings the deployment too
        rows = rows.select_related(path)
    return rows.get(pk=instance.pk)


def _lock_owner(instance: models.Model) -> None:
    """Lock the row whose status governs a part (an alert's deployment), so that a part cannot be
    added, changed or deleted while its record is being submitted."""
    owner = lifecycle_owner(instance)
    if owner is not None and owner is not instance and owner.pk:
        setattr(instance, _owner_field(instance), locked(owner))


def _owner_field(instance: models.Model) -> str:
    return "deployment" if hasattr(instance, "deployment") else "watchlist"


def record_version(instance: models.Model) -> str:
    """A digest of a record's stored values: a page that shows a record posts it back, so that a
    change made meanwhile by someone else is refused rather than silently overwritten."""
    values = ledger.canonical_json(field_values(instance))
    return hashlib.sha256(values.encode()).hexdigest()


def change_locked(
    user: User | None, current: models.Model, data: dict[str, Any]
) -> dict[str, list[Any]]:
    """Set `data` on the locked row, check it, and save only the fields that changed: their
    {field: [old, new]}. A record never changes force, and its lifecycle fields change only by
    their own step."""
    for name in sorted(LIFECYCLE_FIELDS & set(data)):
        if data[name] != getattr(current, name):
            raise ValidationError({name: f"The {name.replace('_', ' ')} is set by its step only."})
    force = owning_force(current)
    before = field_values(current)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean()
    if owning_force(current) != force:
        field = (force_path(type(current)) or "force").split("__")[0]
        raise ValidationError(
            {field: f"A record's force never changes: this one stays with {force or 'no force'}."}
        )
    check_one_force(user, current)
    changes = diff(before, field_values(current))
    if changes:
        current.save(update_fields=_with_updated_at(current, list(changes)))
    return changes


def _with_updated_at(instance: models.Model, names: list[str]) -> list[str]:
    has_updated_at = any(f.name == "updated_at" for f in instance._meta.concrete_fields)
    return [*names, "updated_at"] if has_updated_at else names


def log_event(
    action: str, instance: models.Model, user: User | None, changes: Any, reason: str = ""
) -> LedgerEvent:
    force = owning_force(instance)
    return ledger.append(
        action=action,
        actor=actor_name(user),
        force=force.code if force is not None else "",
        object_type=object_label(instance),
        object_id=str(instance.pk),
        changes=changes,
        reason=reason,
    )


def _refuse_step(current: Record, step: str, allowed: str) -> NoReturn:
    state = current.get_status_display().lower()
    raise ValidationError(
        {"status": f"{current} is {state} (as stored now): {step}; {allowed}. Nothing was changed."}
    )


@recorded
def record_create(*, user: User | None, instance: M) -> M:
    authorise(user, instance, model_permission("add", instance))
    _lock_owner(instance)
    ensure_draft(instance)
    if user is not None and isinstance(instance, Record) and not instance.created_by_id:
        instance.created_by = user
    instance.full_clean()
    check_one_force(user, instance)
    instance.save()
    log_event(LedgerAction.CREATE, instance, user, diff({}, field_values(instance)))
    record_changed.send(sender=type(instance), record=instance)
    return instance


@recorded
def record_update(*, user: User | None, instance: M, data: dict[str, Any]) -> M:
    """Change a draft. A submitted record refuses: corrections go through record_amend."""
    _lock_owner(instance)
    current = locked(instance)
    authorise(user, current, model_permission("change", current))
    ensure_draft(current)
    changes = change_locked(user, current, data)
    if changes:
        log_event(LedgerAction.UPDATE, current, user, changes)
        record_changed.send(sender=type(current), record=current)
    instance.refresh_from_db()
    return instance


def _check_ready_to_submit(current: Record) -> None:
    """A deployment is submitted only under an authorisation that has itself been approved."""
    if not isinstance(current, Deployment) or current.authorisation is None:
        return
    authorisation = locked(current.authorisation)
    if authorisation.status in (Status.DRAFT, Status.WITHDRAWN):
        state = authorisation.get_status_display().lower()
        raise ValidationError(
            {
                "authorisation": f"{authorisation} is {state}: a deployment is submitted only "
                "under an approved (submitted) authorisation."
            }
        )


@recorded
def record_submit(*, user: User | None, instance: R) -> R:
    current = locked(instance)
    authorise(user, current, submit_permission(current))
    if current.status != Status.DRAFT:
        _refuse_step(current, "only a draft is submitted", "it was submitted already")
    current.full_clean()
    _check_ready_to_submit(current)
    current.status = Status.SUBMITTED
    current.submitted_at = timezone.now()
    current.save(update_fields=["status", "submitted_at", "updated_at"])
    changes = {
        "status": [Status.DRAFT, Status.SUBMITTED],
        "submitted_at": [None, current.submitted_at.isoformat()],
    }
    log_event(LedgerAction.SUBMIT, current, user, changes)
    record_changed.send(sender=type(current), record=current)
    if user is not None:  # a person's step, not an import's or the demo's
        _tell_reviewers(user, current)
    instance.refresh_from_db()
    return instance


def _tell_reviewers(user: User, record: Record) -> None:
    """A submitted record waits for its force's reviewers to mark it reviewed."""
    force = owning_force(record)
    reviewers = people_who_may("register.mark_reviewed", force).exclude(pk=user.pk)
    name = record._meta.model_name
    notify(
        reviewers,
        f"Submitted, to review: {record}",
        [f"{user.get_username()} submitted {record} ({record._meta.verbose_name})."],
        reverse(f"admin:register_{name}_change", args=[record.pk]),
    )


@recorded
def record_amend(
    *,
    user: User | None,
    instance: Record,
    data: dict[str, Any],
    reason: str,
    based_on: str | None = None,
) -> list[Amendment]:
    """Correct a submitted record: the old and new value and the reason are all kept.

    `based_on`, when given, is the record_version() the person saw: if the record changed since,
    the amendment is refused instead of overwriting the other change."""
    current = locked(instance)
    authorise(user, current, "register.amend_record")
    check_reason(reason, "An amendment")
    if current.status not in (Status.SUBMITTED, Status.REVIEWED):
        _refuse_step(current, "only a submitted record is amended", "edit a draft instead")
    if based_on is not None and based_on != record_version(current):
        raise ValidationError(
            {"__all__": f"{current} was changed by someone else since you opened it: reload it."}
        )
    changes = change_locked(user, current, data)
    if not changes:
        raise ValidationError({"__all__": "The amendment changes nothing."})
    amendments = amendments_record(user=user, current=current, changes=changes, reason=reason)
    instance.refresh_from_db()
    return amendments


def amendments_record(
    *, user: User | None, current: Record, changes: dict[str, list[Any]], reason: str
) -> list[Amendment]:
    """The amendment rows of a change already saved (change_locked), and the ledger event that
    records them with it. Each row names the event's seq, taken first under the ledger's lock,
    so that the event holds the rows too."""
    seq = ledger.next_seq()
    content_type = ContentType.objects.get_for_model(current)
    force = record_force(current)
    amendments = [
        Amendment.objects.create(
            force=force,
            content_type=content_type,
            object_id=current.pk,
            field=name,
            old_value=old,
            new_value=new,
            reason=reason,
            amended_by=user,
            ledger_seq=seq,
        )
        for name, (old, new) in changes.items()
    ]
    event = log_event(LedgerAction.AMEND, current, user, changes, reason)
    if event.seq != seq:  # cannot happen while the lock is held; never record a wrong seq
        raise LedgerError(f"The amendment expected event {seq}, not {event.seq}.")
    record_changed.send(sender=type(current), record=current)
    return amendments


@recorded
def record_withdraw(*, user: User | None, instance: R, reason: str) -> R:
    """Withdraw a record: it stays visible, marked withdrawn, with the reason."""
    current = locked(instance)
    authorise(user, current, "register.withdraw_record")
    check_reason(reason, "Withdrawing a record")
    if current.status == Status.WITHDRAWN:
        _refuse_step(current, "it cannot be withdrawn again", "its reason stays as it was")
    before = current.status
    current.status = Status.WITHDRAWN
    current.withdrawn_reason = reason
    current.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    changes = {"status": [before, Status.WITHDRAWN], "withdrawn_reason": ["", reason]}
    log_event(LedgerAction.WITHDRAW, current, user, changes, reason)
    record_changed.send(sender=type(current), record=current)
    instance.refresh_from_db()
    return instance


@recorded
def record_delete_draft(*, user: User | None, instance: models.Model) -> None:
    """Delete a draft (or part of one). Submitted records are withdrawn, never deleted."""
    _lock_owner(instance)
    current = locked(instance)
    authorise(user, current, model_permission("delete", current))
    ensure_draft(current)
    before = field_values(current)
    pk = current.pk
    current.delete()
    current.pk = pk
    log_event(LedgerAction.DELETE, current, user, diff(before, {}))


@recorded
def record_mark_reviewed(*, user: User | None, instance: R) -> R:
    current = locked(instance)
    authorise(user, current, "register.mark_reviewed")
    if current.status != Status.SUBMITTED:
        _refuse_step(current, "only a submitted record is marked reviewed", "nothing to do")
    current.status = Status.REVIEWED
    current.save(update_fields=["status", "updated_at"])
    log_event(LedgerAction.REVIEW, current, user, {"status": [Status.SUBMITTED, Status.REVIEWED]})
    record_changed.send(sender=type(current), record=current)
    instance.refresh_from_db()
    return instance
