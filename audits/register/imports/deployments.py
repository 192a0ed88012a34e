"""Bring a parsed published grid into the register: plan first, then apply all or nothing.

A plan says, for every row, whether it creates a deployment, revises one (the force published a
different value: a new faces-seen estimate, say) or changes nothing, and lists every error. The
admin preview shows the plan; `apply_import` writes it in one transaction, every record through
the published-records services (audits/register/services/published.py) with the importing user's
permissions, and one ledger event for the file besides. A value is never overwritten silently:
each change is an amendment that keeps old and new. An import never creates a force, and never
changes a record a force entered itself unless the importer is one of that force's own users.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction
from audits.register.imports.published import PublishedDeployment, RowError, parse_published_table
from audits.register.models import Deployment, Force
from audits.register.services.changes import plain
from audits.register.services.published import (
    import_authorise,
    published_deployment_create,
    published_deployment_revise,
    revise_refusal,
)

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
    *,
    user: AbstractBaseUser | None = None,
) -> ImportPlan:
    """Parse and check every row against the register, as `user` would import it (None: the
    register itself, from the command line); `progress` may wrap the rows (tqdm)."""
    parsed = parse_published_table(path, force=force_code)
    plan = ImportPlan(source_name=source_name or path.name, digest=file_digest(path))
    if not parsed.ok:
        plan.errors = list(parsed.errors)
        return plan
    codes = {row.force for row in parsed.rows}
    forces = {force.code: force for force in Force.objects.filter(code__in=codes)}
    existing = {
        (d.force.code, d.reference): d
        for d in Deployment.objects.select_related("force", "watchlist").filter(
            force__code__in=codes, reference__in={row.row_id for row in parsed.rows}
        )
    }
    for row in progress(parsed.rows):
        force = forces.get(row.force)
        if force is None:
            plan.errors.append(RowError(row.row_number, row.row_id, "force", _NO_FORCE % row.force))
            continue
        row_plan = _plan_row(row, existing.get((row.force, row.row_id)), plan.errors)
        plan.rows.append(row_plan)
        _check_may_write(row_plan, force, user, plan.errors)
    return plan


_NO_FORCE = (
    "no force %r in the register: an import never creates one; an administrator adds it first "
    "(admin: Forces)"
)


def _check_may_write(plan: RowPlan, force: Force, user, errors: list[RowError]) -> None:
    """What the importer may not do to this row is an error of the row, shown in the preview."""
    row = plan.row
    try:
        import_authorise(user, force)
    except PermissionDenied as refusal:
        errors.append(RowError(row.row_number, row.row_id, "force", str(refusal)))
        return
    if plan.action == "revise":
        records = [plan.existing]
        if "watchlist_size" in plan.changes and plan.existing.watchlist is not None:
            records.append(plan.existing.watchlist)
        for record in records:
            refusal_text = revise_refusal(user, record)
            if refusal_text is not None:
                errors.append(RowError(row.row_number, row.row_id, None, refusal_text))
                return


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
    """Refuse at once an importer who may not import these forces' rows at all."""
    for force in Force.objects.filter(code__in=force_codes).order_by("code"):
        import_authorise(user, force)
    if user is not None and not user.has_perm("register.import_records"):
        raise PermissionDenied(f"{user.get_username()} may not import published tables.")


@transaction.atomic
def apply_import(plan: ImportPlan, *, user: AbstractBaseUser | None = None) -> ImportOutcome:
    """Write the plan in one transaction: every record through the published-records services,
    then one ledger event for the file."""
    if not plan.ok:
        raise ValueError("An import plan with errors cannot be applied.")
    reason = f"Import of {plan.source_name}"
    forces = {f.code: f for f in Force.objects.filter(code__in={p.row.force for p in plan.rows})}
    today = timezone.localdate()
    created = []
    for row_plan in plan.rows:
        row = row_plan.row
        if row_plan.action == "create":
            created.append(
                published_deployment_create(
                    user=user,
                    force=forces[row.force],
                    values=deployment_values(row),
                    watchlist_size=row.watchlist_size,
                    as_of=today,
                    reason=reason,
                )
            )
        elif row_plan.action == "revise":
            values = deployment_values(row)
            published_deployment_revise(
                user=user,
                deployment=row_plan.existing,
                data={name: values[name] for name in row_plan.changes if name in values},
                watchlist_size=row.watchlist_size,
                as_of=today,
                reason=f"Re-import of {plan.source_name}: the published value changed",
            )
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
            "created": [d.reference for d in created],
            "revised": {p.row.row_id: p.changes for p in revised},
            "unchanged": plan.count("unchanged"),
        },
        reason=reason,
    )
    return ImportOutcome(len(created), len(revised), plan.count("unchanged"), event.seq)
