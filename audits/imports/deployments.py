"""Bring a parsed published grid into the register: plan first, then apply all or nothing.

A plan says, for every row, whether it creates a deployment, revises one (the force published a
different value: a new faces-seen estimate, say) or changes nothing, and lists every error. The
admin preview shows the plan; `apply_import` writes it in one transaction with one ledger event.
A value is never overwritten silently: each change is an amendment that keeps old and new.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audits import ledger
from audits.imports.published import PublishedDeployment, RowError, parse_published_table
from audits.models import (
    Amendment,
    Deployment,
    FacesSeenRevision,
    Force,
    LedgerAction,
    Status,
    Watchlist,
)
from audits.scoping import reads_all_forces, user_force
from audits.services.changes import plain

# Model field -> the published column it comes from, so errors name what the person sees.
PUBLISHED_COLUMN = {
    "reference": "row_id",
    "location_name": "location",
    "purpose_as_published": "purpose",
    "faces_seen": "faces_seen_estimate",
    "other_disposals": "other_disposal",
    "source_document": "source_doc",
    "source_page": "page",
    "size": "watchlist_size",
}
COPIED_FIELDS = [
    "date",
    "start",
    "end",
    "duration",
    "threshold",
    *Deployment.RESULT_FIELDS,
    "technical_fault",
    "notes",
]


def deployment_values(row: PublishedDeployment) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in COPIED_FIELDS}
    values.update(
        reference=row.row_id,
        location_name=row.location,
        purpose_as_published=row.purpose,
        published_false_alert_rate=row.published_false_alert_rate or "",
        source_document=row.source_doc,
        source_page=row.page,
    )
    return values


@dataclass
class RowPlan:
    row: PublishedDeployment
    action: str  # "create", "revise" or "unchanged"
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field: [old, new]
    existing: Deployment | None = None


@dataclass
class ImportPlan:
    source_name: str
    digest: str
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    forces_to_create: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for plan in self.rows if plan.action == action)


def file_digest(path: Path) -> str:
    with path.open("rb") as file:  # streamed: the reader refuses an over-size file, not this
        return hashlib.file_digest(file, "sha256").hexdigest()


def plan_import(
    path: Path,
    force_code: str | None = None,
    source_name: str = "",
    progress: Callable[[Iterable], Iterable] = iter,
) -> ImportPlan:
    """Parse and check every row against the register; `progress` may wrap the rows (tqdm)."""
    parsed = parse_published_table(path, force=force_code)
    plan = ImportPlan(source_name=source_name or path.name, digest=file_digest(path))
    if not parsed.ok:
        plan.errors = list(parsed.errors)
        return plan
    forces = {
        force.code: force
        for force in Force.objects.filter(code__in={row.force for row in parsed.rows})
    }
    plan.forces_to_create = sorted({row.force for row in parsed.rows} - set(forces))
    existing = {
        (d.force.code, d.reference): d
        for d in Deployment.objects.select_related("force", "watchlist").filter(
            force__code__in={row.force for row in parsed.rows},
            reference__in={row.row_id for row in parsed.rows},
        )
    }
    for row in progress(parsed.rows):
        plan.rows.append(_plan_row(row, existing.get((row.force, row.row_id)), plan.errors))
    return plan


def _plan_row(row: PublishedDeployment, existing: Deployment | None, errors: list) -> RowPlan:
    values = deployment_values(row)
    _validate(Deployment(**values), row, errors)
    if existing is None:
        return RowPlan(row=row, action="create")
    # Compare values, not text: Decimal("0.6000") and Decimal("0.6") are the same threshold.
    changes = {
        name: [plain(getattr(existing, name)), plain(value)]
        for name, value in values.items()
        if getattr(existing, name) != value
    }
    size = existing.watchlist.size if existing.watchlist else None
    if size != row.watchlist_size:
        changes["watchlist_size"] = [size, row.watchlist_size]
        if row.watchlist_size is None:
            errors.append(
                RowError(
                    row.row_number,
                    row.row_id,
                    "watchlist_size",
                    (
                        f"was published as {size} and is now unknown; the register does not forget "
                        "a published value: check the file"
                    ),
                )
            )
    return RowPlan(
        row=row, action="revise" if changes else "unchanged", changes=changes, existing=existing
    )


def _validate(candidate: Deployment, row: PublishedDeployment, errors: list[RowError]) -> None:
    try:
        candidate.full_clean(
            exclude=["force", "reference"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = PUBLISHED_COLUMN.get(name, name)
            for message in messages:
                errors.append(RowError(row.row_number, row.row_id, column, message))


@dataclass
class ImportOutcome:
    created: int
    revised: int
    unchanged: int
    ledger_seq: int


def authorise_import(user: AbstractBaseUser | None, force_codes: set[str]) -> None:
    """Importers hold the import permission; a force's own users import only their force."""
    if user is None:
        return
    if not user.has_perm("audits.import_records"):
        raise PermissionDenied(f"{user.get_username()} may not import published tables.")
    if reads_all_forces(user):
        return
    own = user_force(user)
    others = sorted(force_codes - ({own.code} if own else set()))
    if others:
        raise PermissionDenied(
            f"{user.get_username()} may import only their own force's rows, not "
            f"{', '.join(others)}."
        )


@transaction.atomic
def apply_import(plan: ImportPlan, *, user: AbstractBaseUser | None = None) -> ImportOutcome:
    """Write the plan: one transaction, one ledger event for the whole file."""
    if not plan.ok:
        raise ValueError("An import plan with errors cannot be applied.")
    authorise_import(user, {row_plan.row.force for row_plan in plan.rows})
    forces = {code: Force.objects.create(code=code, name=code) for code in plan.forces_to_create}
    forces.update(
        {f.code: f for f in Force.objects.filter(code__in={p.row.force for p in plan.rows})}
    )
    today = timezone.localdate()
    created = [
        _create(p.row, forces[p.row.force], user, today) for p in plan.rows if p.action == "create"
    ]
    revised = [p for p in plan.rows if p.action == "revise"]
    event = ledger.append(
        action=LedgerAction.IMPORT,
        actor=user.get_username() if user else "",
        force=",".join(sorted({p.row.force for p in plan.rows})),
        object_type="published_grid",
        object_id=plan.digest[:16],
        changes={
            "file": plan.source_name,
            "sha256": plan.digest,
            "forces_created": plan.forces_to_create,
            "created": [d.reference for d in created],
            "revised": {p.row.row_id: p.changes for p in revised},
            "unchanged": plan.count("unchanged"),
        },
        reason=f"Import of {plan.source_name}",
    )
    for row_plan in revised:
        _revise(row_plan, user, today, event.seq, plan.source_name)
    return ImportOutcome(len(created), len(revised), plan.count("unchanged"), event.seq)


def _create(row: PublishedDeployment, force: Force, user, today: date) -> Deployment:
    watchlist = None
    if row.watchlist_size is not None:
        watchlist = Watchlist.objects.create(
            force=force,
            reference=f"{row.row_id}-WL",
            size=row.watchlist_size,
            status=Status.SUBMITTED,
            created_by=user,
        )
    deployment = Deployment.objects.create(
        force=force,
        watchlist=watchlist,
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=user,
        **deployment_values(row),
    )
    if row.faces_seen is not None:
        FacesSeenRevision.objects.create(
            deployment=deployment, value=row.faces_seen, as_of=today, source=row.source_doc
        )
    return deployment


def _revise(row_plan: RowPlan, user, today: date, seq: int, source: str) -> None:
    deployment, row = row_plan.existing, row_plan.row
    values = deployment_values(row)
    content_type = ContentType.objects.get_for_model(Deployment)
    for name, (old, new) in row_plan.changes.items():
        if name == "watchlist_size":
            _revise_watchlist(deployment, row, user)
        else:
            setattr(deployment, name, values[name])
        Amendment.objects.create(
            content_type=content_type,
            object_id=deployment.pk,
            field=name,
            old_value=old,
            new_value=new,
            reason=f"Re-import of {source}: the published value changed",
            amended_by=user,
            ledger_seq=seq,
        )
    deployment.save()
    if "faces_seen" in row_plan.changes and row.faces_seen is not None:
        FacesSeenRevision.objects.create(
            deployment=deployment, value=row.faces_seen, as_of=today, source=row.source_doc
        )


def _revise_watchlist(deployment: Deployment, row: PublishedDeployment, user) -> None:
    if deployment.watchlist is None:
        deployment.watchlist = Watchlist.objects.create(
            force=deployment.force,
            reference=f"{row.row_id}-WL",
            size=row.watchlist_size,
            status=Status.SUBMITTED,
            created_by=user,
        )
    else:
        Watchlist.objects.filter(pk=deployment.watchlist.pk).update(size=row.watchlist_size)
