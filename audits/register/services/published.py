"""Records from a force's published table: what an import may create and revise, and how.

An import writes only through these functions, with the importing user's permissions and the
record lifecycle:
- it needs the import permission; a force's own users import only their own force's rows,
  readers of every force (commissioners) any force the register has; it never creates a force;
- a new row becomes a submitted deployment (and its watchlist) marked published, each written
  and logged as any record is;
- a changed value of a published record becomes an amendment (old value, new value, reason)
  through the same locked change as every amendment;
- a record a force entered itself is changed by an import only when the importer is one of that
  force's own users, through the ordinary update (draft) or amend (submitted) service with their
  own permissions; never by anyone else's import. A withdrawn record is never revised.
How a published record is revised by a later edition of the table is for the published-tables
work to settle; `published_record_revise` is the one place it happens.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction, LedgerEvent
from audits.ledger.services import recorded
from audits.register.models import (
    Deployment,
    FacesSeenRevision,
    Force,
    Origin,
    Publication,
    PublishedRow,
    Status,
    Watchlist,
)
from audits.register.models.base import Record, RegisterModel
from audits.register.scoping import owning_force, reads_all_forces, record_force, user_force
from audits.register.services.changes import diff, field_values
from audits.register.services.records import (
    amendments_record,
    change_locked,
    check_one_force,
    locked,
    log_event,
    record_amend,
    record_update,
)
from audits.register.signals import record_changed


def import_authorise(user: User | None, force: Force) -> None:
    """Importers hold the import permission; a force's own users import only their force."""
    if user is None:
        return
    if not user.has_perm("register.import_records"):
        raise PermissionDenied(f"{user.get_username()} may not import published tables.")
    if not reads_all_forces(user) and user_force(user) != force:
        raise PermissionDenied(
            f"{user.get_username()} may import only their own force's rows, not {force.code}."
        )


def revise_refusal(user: User | None, record: Record) -> str | None:
    """Why this import may not change this record, or None if it may."""
    force = owning_force(record)
    if record.status == Status.WITHDRAWN:
        return f"{record} is withdrawn: an import does not revise a withdrawn record."
    if record.origin == Origin.PUBLISHED:
        return None
    if user is None or user_force(user) != force:
        return (
            f"{record} was entered by {force} itself: an import by anyone but {force}'s own "
            "users never changes it."
        )
    needed = (
        "register.change_deployment" if record.status == Status.DRAFT else "register.amend_record"
    )
    if not user.has_perm(needed):
        return f"{user.get_username()} lacks the permission {needed} needed to change {record}."
    return None


def _published(user: User | None, instance: Record, reason: str) -> None:
    """Write a new published record: submitted as it was published, one ledger event."""
    instance.status = Status.SUBMITTED
    instance.origin = Origin.PUBLISHED
    instance.submitted_at = timezone.now()
    instance.created_by = user
    instance.full_clean()
    check_one_force(None, instance)
    instance.save()
    log_event(LedgerAction.CREATE, instance, user, diff({}, field_values(instance)), reason)
    record_changed.send(sender=type(instance), record=instance)


def _faces_seen(
    user: User | None, deployment: Deployment, value: int, as_of: date, reason: str
) -> None:
    revision = FacesSeenRevision(
        deployment=deployment, value=value, as_of=as_of, source=deployment.source_document
    )
    _written(user, revision, reason)


def _written(user: User | None, instance: RegisterModel, reason: str) -> None:
    """A row an import adds beside its records (a revision, an edition, a printed row): checked,
    saved and logged as it was written."""
    instance.full_clean()
    instance.save()
    log_event(LedgerAction.CREATE, instance, user, diff({}, field_values(instance)), reason)


@recorded
def published_deployment_create(
    *,
    user: User | None,
    force: Force,
    values: dict[str, Any],
    watchlist_size: int | None,
    as_of: date,
    reason: str,
) -> Deployment:
    """A deployment as its force published it, with a watchlist of the published size."""
    import_authorise(user, force)
    watchlist = None
    if watchlist_size is not None:
        reference = f"{values['reference']}-WL"
        watchlist = Watchlist(force=force, reference=reference, size=watchlist_size)
        _published(user, watchlist, reason)
    deployment = Deployment(force=force, watchlist=watchlist, **values)
    _published(user, deployment, reason)
    if deployment.faces_seen is not None:
        _faces_seen(user, deployment, deployment.faces_seen, as_of, reason)
    return deployment


@recorded
def published_record_revise(
    *, user: User | None, record: Record, data: dict[str, Any], reason: str
) -> None:
    """Change a record to what a re-imported table says: an amendment that keeps both values."""
    current = locked(record)
    refusal = revise_refusal(user, current)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if current.origin == Origin.ENTERED:  # the force's own user, with their own rights
        if current.status == Status.DRAFT:
            record_update(user=user, instance=current, data=data)
        else:
            record_amend(user=user, instance=current, data=data, reason=reason)
        return
    import_authorise(user, record_force(current))
    changes = change_locked(None, current, data)
    if changes:
        amendments_record(user=user, current=current, changes=changes, reason=reason)


@recorded
def published_deployment_revise(
    *,
    user: User | None,
    deployment: Deployment,
    data: dict[str, Any],
    watchlist_size: int | None,
    as_of: date,
    reason: str,
) -> None:
    """A re-imported row: the deployment's changed values, and its watchlist's size."""
    current = locked(deployment)
    if data:
        published_record_revise(user=user, record=current, data=data, reason=reason)
    watchlist = current.watchlist
    if watchlist is not None and watchlist_size is not None and watchlist.size != watchlist_size:
        published_record_revise(
            user=user, record=watchlist, data={"size": watchlist_size}, reason=reason
        )
    elif watchlist is None and watchlist_size is not None:
        watchlist = Watchlist(
            force=current.force, reference=f"{current.reference}-WL", size=watchlist_size
        )
        _published(user, watchlist, reason)
        published_record_revise(
            user=user, record=current, data={"watchlist": watchlist}, reason=reason
        )
    if "faces_seen" in data and data["faces_seen"] is not None:
        _faces_seen(user, current, data["faces_seen"], as_of, reason)


def published_grid_import_log(
    *,
    user: User | None,
    force_codes: Iterable[str],
    source_name: str,
    digest: str,
    created: list[str],
    revised: dict[str, dict[str, list[Any]]],
    unchanged: int,
    reason: str,
) -> LedgerEvent:
    """The one ledger event of an imported grid, after its records' own: the file (by its
    SHA-256), the row ids it created and what it revised."""
    return ledger.append(
        action=LedgerAction.IMPORT,
        actor=user.get_username() if user else "",
        force=",".join(sorted(force_codes)),
        object_type="published_grid",
        object_id=digest[:16],
        changes={
            "file": source_name,
            "sha256": digest,
            "created": created,
            "revised": revised,
            "unchanged": unchanged,
        },
        reason=reason,
    )


@recorded
def publication_create(
    *,
    user: User | None,
    force: Force,
    series: str,
    file_name: str,
    sha256: str,
    created: datetime | None,
    layout: str,
    pages: int | None,
    rate_of: str,
    table_flags: list[dict[str, str]],
    reason: str,
) -> Publication:
    """One edition of a force's publication, as imported: its file, by its SHA-256."""
    import_authorise(user, force)
    publication = Publication(
        force=force,
        series=series[:200],
        file_name=file_name[:255],
        sha256=sha256,
        created=created,
        layout=layout,
        pages=pages,
        rate_of=rate_of,
        table_flags=table_flags,
    )
    _written(user, publication, reason)
    return publication


@recorded
def published_row_create(
    *,
    user: User | None,
    publication: Publication,
    deployment: Deployment,
    page: int | None,
    row: int,
    natural_key: str,
    cells: dict[str, str],
    qualifiers: dict[str, str],
    date_until: date | None,
    flags: list[dict[str, str]],
    reason: str,
) -> PublishedRow:
    """A record's row in one edition of its publication: where it was printed, and what."""
    published = PublishedRow(
        publication=publication,
        deployment=deployment,
        page=page,
        row=row,
        natural_key=natural_key[:300],
        cells=cells,
        qualifiers=qualifiers,
        date_until=date_until,
        flags=flags,
    )
    _written(user, published, reason)
    return published
