"""Deployment writes that touch more than one row."""

from datetime import date

from django.contrib.auth.models import User

from audits.ledger.models import LedgerAction
from audits.ledger.services import recorded
from audits.register.models import Deployment, FacesSeenRevision, Status
from audits.register.services.changes import diff, field_values
from audits.register.services.records import (
    locked,
    log_event,
    record_amend,
    record_create,
    record_update,
)


@recorded
def deployment_revise_faces_seen(
    *,
    user: User | None,
    deployment: Deployment,
    value: int,
    as_of: date,
    source: str,
    reason: str = "",
) -> FacesSeenRevision:
    """Record a new faces-seen estimate. The old value stays, as an earlier revision.

    A draft simply takes the new current value; a submitted deployment is amended, which needs a
    reason and keeps the old and new value in the amendment as well.
    """
    current = locked(deployment)  # its status decides below: read it under the lock
    revision = FacesSeenRevision(deployment=current, value=value, as_of=as_of, source=source)
    revision.full_clean()
    if current.status == Status.DRAFT:
        record_update(user=user, instance=deployment, data={"faces_seen": value})
        return record_create(user=user, instance=revision)
    record_amend(user=user, instance=deployment, data={"faces_seen": value}, reason=reason)
    revision.save()  # the parent is locked, so this row is logged as part of the amendment
    log_event(LedgerAction.AMEND, revision, user, diff({}, field_values(revision)), reason)
    return revision
