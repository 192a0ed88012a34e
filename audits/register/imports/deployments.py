"""Bring a parsed published grid into the register: plan first, then apply all or nothing.

A plan says, for every row, whether it creates a deployment, revises one (the force published a
different value: a new faces-seen estimate, say) or changes nothing, and lists every error. The
admin preview shows the plan; `apply_import` writes it in one transaction, every record through
the published-records services (audits/register/services/published.py) with the importing user's
permissions, and one ledger event for the file besides. A value is never overwritten silently:
each change is an amendment that keeps old and new. An import never creates a force, and never
changes a record a force entered itself unless the importer is one of that force's own users.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audits.ledger.services import recorded
from audits.register.imports.protocol import (
    CREATE,
    REVISE,
    UNCHANGED,
    ImportPreview,
    RowError,
    RowPreview,
    file_digest,
)
from audits.register.imports.published import PublishedDeployment, parse_published_table
from audits.register.models import Deployment, Force
from audits.register.services.changes import plain
from audits.register.services.published import (
    import_authorise,
    published_deployment_create,
    published_deployment_revise,
    published_grid_import_log,
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


def plan_import(
    path: Path,
    force_code: str | None = None,
    source_name: str = "",
    progress: Callable[[Iterable], Iterable] = iter,
    *,
    user: User | None = None,
) -> ImportPreview:
    """Parse and check every row against the register, as `user` would import it (None: the
    register itself, from the command line); `progress` may wrap the rows (tqdm). Each row of
    the preview holds its PublishedDeployment."""
    parsed = parse_published_table(path, force=force_code)
    plan = ImportPreview(source_name=source_name or path.name, digest=file_digest(path))
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
            reason = _NO_FORCE % row.force
            plan.errors.append(_error(row, "force", reason, value=row.force))
            continue
        row_plan = _plan_row(row, existing.get((row.force, row.row_id)), plan.errors)
        plan.rows.append(row_plan)
        _check_may_write(row_plan, force, user, plan.errors)
    return plan


_NO_FORCE = (
    "no force %r in the register: an import never creates one; an administrator adds it first "
    "(admin: Forces)"
)


def _error(
    row: PublishedDeployment, column: str | None, reason: str, value: Any = None
) -> RowError:
    return RowError(row.row_number, column, reason, value=value, record=row.row_id)


def _check_may_write(
    plan: RowPreview, force: Force, user: User | None, errors: list[RowError]
) -> None:
    """What the importer may not do to this row is an error of the row, shown in the preview."""
    row = plan.record
    try:
        import_authorise(user, force)
    except PermissionDenied as refusal:
        errors.append(_error(row, "force", str(refusal), value=row.force))
        return
    if plan.action == REVISE:
        records = [plan.existing]
        if "watchlist_size" in plan.changes and plan.existing.watchlist is not None:
            records.append(plan.existing.watchlist)
        for record in records:
            refusal_text = revise_refusal(user, record)
            if refusal_text is not None:
                errors.append(_error(row, None, refusal_text))
                return


def _plan_row(row: PublishedDeployment, existing: Deployment | None, errors: list) -> RowPreview:
    values = deployment_values(row)
    _validate(Deployment(**values), row, errors)
    if existing is None:
        return RowPreview(row.row_number, row, CREATE)
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
            reason = (
                f"was published as {size} and is now unknown; the register does not forget "
                "a published value: check the file"
            )
            errors.append(_error(row, "watchlist_size", reason))
    action = REVISE if changes else UNCHANGED
    return RowPreview(row.row_number, row, action, changes=changes, existing=existing)


def _validate(candidate: Deployment, row: PublishedDeployment, errors: list[RowError]) -> None:
    try:
        candidate.full_clean(
            exclude=["force", "reference"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = PUBLISHED_COLUMN.get(name, name)
            value = getattr(candidate, name, None)
            for message in messages:
                errors.append(_error(row, column, message, value=value))


def authorise_import(user: User | None, force_codes: set[str]) -> None:
    """Refuse at once an importer who may not import these forces' rows at all."""
    for force in Force.objects.filter(code__in=force_codes).order_by("code"):
        import_authorise(user, force)
    if user is not None and not user.has_perm("register.import_records"):
        raise PermissionDenied(f"{user.get_username()} may not import published tables.")


@recorded
def apply_import(plan: ImportPreview, *, user: User | None = None) -> ImportPreview:
    """Write the plan in one transaction: every record through the published-records services,
    then one ledger event for the file. Returns the plan, committed, with that event."""
    if not plan.ok:
        raise ValueError("An import plan with errors cannot be applied.")
    reason = f"Import of {plan.source_name}"
    codes = {p.record.force for p in plan.rows}
    forces = {f.code: f for f in Force.objects.filter(code__in=codes)}
    today = timezone.localdate()
    for row_plan in plan.rows:
        row = row_plan.record
        if row_plan.action == CREATE:
            published_deployment_create(
                user=user,
                force=forces[row.force],
                values=deployment_values(row),
                watchlist_size=row.watchlist_size,
                as_of=today,
                reason=reason,
            )
        elif row_plan.action == REVISE:
            values = deployment_values(row)
            published_deployment_revise(
                user=user,
                deployment=row_plan.existing,
                data={name: values[name] for name in row_plan.changes if name in values},
                watchlist_size=row.watchlist_size,
                as_of=today,
                reason=f"Re-import of {plan.source_name}: the published value changed",
            )
    event = published_grid_import_log(
        user=user,
        force_codes=codes,
        source_name=plan.source_name,
        digest=plan.digest,
        created=[p.record.row_id for p in plan.rows if p.action == CREATE],
        revised={p.record.row_id: p.changes for p in plan.rows if p.action == REVISE},
        unchanged=plan.count(UNCHANGED),
        reason=reason,
    )
    plan.committed, plan.ledger_seqs = True, [event.seq]
    return plan
