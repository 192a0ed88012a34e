"""Audited writes for every record: create, update a draft, submit, amend, withdraw.

Every write validates the whole record (model.full_clean), saves it and appends one ledger event
in the same transaction, so a record never exists without its history.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from audits import ledger
from audits.compliance.evaluate import reevaluate
from audits.models import Amendment, Authorisation, LedgerAction, Status
from audits.scoping import may_write, owning_force
from audits.services.changes import diff, field_values, object_label

# `user=None` is the register itself (demo data, imports run from the command line).
SYSTEM_ACTOR = ""


def actor_name(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user is not None else SYSTEM_ACTOR


def authorise(user: AbstractBaseUser | None, instance: models.Model, permission: str) -> None:
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


def model_permission(action: str, instance: models.Model) -> str:
    return f"audits.{action}_{instance._meta.model_name}"


def submit_permission(instance: models.Model) -> str:
    if isinstance(instance, Authorisation):
        return "audits.approve_authorisation"
    return "audits.submit_record"


def lifecycle_owner(instance: models.Model) -> models.Model | None:
    """The record whose status governs this one: itself, or its deployment or watchlist."""
    if hasattr(instance, "status"):
        return instance
    for parent in ("deployment", "watchlist"):
        if hasattr(instance, parent):
            return getattr(instance, parent)
    return None


def ensure_draft(instance: models.Model) -> None:
    owner = lifecycle_owner(instance)
    if owner is not None and owner.pk and owner.status != Status.DRAFT:
        raise PermissionDenied(
            f"{owner} is {owner.get_status_display().lower()}: it cannot be changed in place; "
            "record an amendment with a reason instead."
        )


def log_event(action: str, instance: models.Model, user, changes: Any, reason: str = ""):
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


@transaction.atomic
def record_create(*, user: AbstractBaseUser | None, instance: models.Model) -> models.Model:
    authorise(user, instance, model_permission("add", instance))
    ensure_draft(instance)
    if user is not None and hasattr(instance, "created_by_id") and not instance.created_by_id:
        instance.created_by = user
    instance.full_clean()
    instance.save()
    log_event(LedgerAction.CREATE, instance, user, diff({}, field_values(instance)))
    reevaluate(instance)
    return instance


@transaction.atomic
def record_update(
    *, user: AbstractBaseUser | None, instance: models.Model, data: dict[str, Any]
) -> models.Model:
    """Change a draft. A submitted record refuses: corrections go through record_amend."""
    before_instance = type(instance).objects.select_for_update().get(pk=instance.pk)
    authorise(user, before_instance, model_permission("change", instance))
    ensure_draft(before_instance)
    before = field_values(before_instance)
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    changes = diff(before, field_values(instance))
    if changes:
        log_event(LedgerAction.UPDATE, instance, user, changes)
        reevaluate(instance)
    return instance


@transaction.atomic
def record_submit(*, user: AbstractBaseUser | None, instance: models.Model) -> models.Model:
    authorise(user, instance, submit_permission(instance))
    if instance.status != Status.DRAFT:
        raise ValidationError(
            {"status": f"Only a draft can be submitted; this is {instance.status}."}
        )
    instance.full_clean()
    instance.status = Status.SUBMITTED
    instance.submitted_at = timezone.now()
    instance.save(update_fields=["status", "submitted_at", "updated_at"])
    log_event(LedgerAction.SUBMIT, instance, user, {"status": [Status.DRAFT, Status.SUBMITTED]})
    reevaluate(instance)
    return instance


@transaction.atomic
def record_amend(
    *, user: AbstractBaseUser | None, instance: models.Model, data: dict[str, Any], reason: str
) -> list[Amendment]:
    """Correct a submitted record: the old and new value and the reason are all kept."""
    authorise(user, instance, "audits.amend_record")
    if not reason.strip():
        raise ValidationError({"reason": "An amendment needs a reason."})
    if instance.status not in (Status.SUBMITTED, Status.REVIEWED):
        raise ValidationError({"status": "Only a submitted record is amended; edit a draft."})
    before = field_values(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    changes = diff(before, field_values(instance))
    if not changes:
        raise ValidationError({"__all__": "The amendment changes nothing."})
    event = log_event(LedgerAction.AMEND, instance, user, changes, reason)
    reevaluate(instance)
    content_type = ContentType.objects.get_for_model(instance)
    return [
        Amendment.objects.create(
            content_type=content_type,
            object_id=instance.pk,
            field=name,
            old_value=old,
            new_value=new,
            reason=reason,
            amended_by=user,
            ledger_seq=event.seq,
        )
        for name, (old, new) in changes.items()
    ]


@transaction.atomic
def record_withdraw(
    *, user: AbstractBaseUser | None, instance: models.Model, reason: str
) -> models.Model:
    """Withdraw a record: it stays visible, marked withdrawn, with the reason."""
    authorise(user, instance, "audits.withdraw_record")
    if not reason.strip():
        raise ValidationError({"reason": "Withdrawing a record needs a reason."})
    if instance.status == Status.WITHDRAWN:
        raise ValidationError({"status": "This record is already withdrawn."})
    before = instance.status
    instance.status = Status.WITHDRAWN
    instance.withdrawn_reason = reason
    instance.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    log_event(LedgerAction.WITHDRAW, instance, user, {"status": [before, Status.WITHDRAWN]}, reason)
    reevaluate(instance)
    return instance


@transaction.atomic
def record_delete_draft(*, user: AbstractBaseUser | None, instance: models.Model) -> None:
    """Delete a draft (or part of one). Submitted records are withdrawn, never deleted."""
    authorise(user, instance, model_permission("delete", instance))
    ensure_draft(instance)
    before = field_values(instance)
    pk = instance.pk
    instance.delete()
    instance.pk = pk
    log_event(LedgerAction.DELETE, instance, user, diff(before, {}))


@transaction.atomic
def record_mark_reviewed(*, user: AbstractBaseUser | None, instance: models.Model) -> models.Model:
    authorise(user, instance, "audits.mark_reviewed")
    if instance.status != Status.SUBMITTED:
        raise ValidationError({"status": "Only a submitted record can be marked reviewed."})
    instance.status = Status.REVIEWED
    instance.save(update_fields=["status", "updated_at"])
    log_event(LedgerAction.REVIEW, instance, user, {"status": [Status.SUBMITTED, Status.REVIEWED]})
    reevaluate(instance)
    return instance
