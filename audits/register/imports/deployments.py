"""Bring a parsed published grid into the register: plan first, then apply all or nothing.

A plan says, for every row, whether it creates a deployment, revises one (the force published a
different value: a new faces-seen estimate, say) or changes nothing, and lists every error. The
admin preview shows the plan; `apply_import` writes it in one transaction, every record through
the published-records services (audits/register/services/published.py) with the importing user's
permissions, and one ledger event for the file besides. A value is never overwritten silently:
each change is an amendment that keeps old and new. An import never creates a force, and never
changes a record a force entered itself unless the importer is one of that force's own users.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from audits.ledger.services import recorded
from audits.metrics.quality import TABLE_CHECKS, data_quality_checks
from audits.register.imports.layouts import Layout
from audits.register.imports.protocol import (
    CREATE,
    PRESENT,
    REVISE,
    UNCHANGED,
    ImportPreview,
    RowError,
    RowPreview,
    file_digest,
)
from audits.register.imports.published import (
    ParseResult,
    PublishedDeployment,
    natural_key,
    parse_published_table,
    published_frame,
)
from audits.register.models import Deployment, Force, Origin, Publication, PublishedRow
from audits.register.services.changes import plain
from audits.register.services.published import (
    import_authorise,
    publication_create,
    published_deployment_create,
    published_deployment_revise,
    published_grid_import_log,
    published_row_create,
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
        reference=row.reference,
        location_name=row.location,
        purpose_as_published=row.purpose,
        published_false_alert_rate=row.published_false_alert_rate or "",
        source_document=row.source_doc[:300],
        source_page=row.page,
    )
    return values


@dataclass
class PublishedImport:
    """What a published table's preview says beyond its rows: the layout that read it, the
    columns it ignored, the document, and every defect the table shows."""

    parsed: ParseResult
    series: str
    edition_of: Publication | None = None  # the earlier edition of the same publication
    same_file: Publication | None = None  # this very file, imported before
    flags: dict[int, list[dict[str, str]]] = field(default_factory=dict)  # row number: flags
    dropped: list[Deployment] = field(default_factory=list)  # in the last edition, not this

    @property
    def layout(self) -> Layout:
        assert self.parsed.layout is not None  # an ok parse has one
        return self.parsed.layout


def plan_import(
    path: Path,
    force_code: str | None = None,
    source_name: str = "",
    progress: Callable[[Iterable], Iterable] = iter,
    *,
    user: User | None = None,
    layout: Layout | None = None,
) -> ImportPreview:
    """Read and check every row against the register, as `user` would import it (None: the
    register itself, from the command line); `progress` may wrap the rows (tqdm). Each row of
    the preview holds its PublishedDeployment; `plan.about` the PublishedImport."""
    parsed = parse_published_table(path, force=force_code, layout=layout)
    plan = ImportPreview(source_name=source_name or path.name, digest=file_digest(path))
    if not parsed.ok:
        plan.errors = list(parsed.errors)
        return plan
    document = parsed.document
    about = PublishedImport(parsed, series=document.title if document else plan.source_name)
    plan.about = about
    codes = {row.force for row in parsed.rows}
    forces = {force.code: force for force in Force.objects.filter(code__in=codes)}
    for code in sorted(codes - set(forces)):
        plan.errors.append(RowError(None, "force", _NO_FORCE % code, value=code))
    if plan.errors:
        return plan
    _find_editions(about, forces, plan.digest)
    matcher = _Matcher(parsed.rows, about)
    _flag(about, parsed)
    for row in progress(parsed.rows):
        row_plan = _plan_row(row, matcher, plan.errors, about)
        plan.rows.append(row_plan)
        _check_may_write(row_plan, forces[row.force], user, plan.errors)
    about.dropped = matcher.dropped()
    return plan


_NO_FORCE = (
    "no force %r in the register: an import never creates one; an administrator adds it first "
    "(admin: Forces)"
)


def _find_editions(about: PublishedImport, forces: dict[str, Force], digest: str) -> None:
    editions = Publication.objects.filter(force__in=forces.values(), series=about.series)
    about.same_file = editions.filter(sha256=digest).first()
    earlier = editions.exclude(sha256=digest).order_by("-imported_at", "-pk")
    about.edition_of = earlier.first()


class _Matcher:
    """Finds the record a row is: by its published id where the table prints one, else by
    its natural key (force, date, place as published, occurrence), never by its position."""

    def __init__(self, rows: list[PublishedDeployment], about: PublishedImport) -> None:
        codes = {row.force for row in rows}
        dates = {row.date for row in rows}
        ids = {row.row_id for row in rows if row.row_id}
        candidates = Deployment.objects.select_related("force", "watchlist").filter(
            force__code__in=codes
        )
        candidates = candidates.filter(
            Q(reference__in=ids) | Q(date__in=dates) if ids else Q(date__in=dates)
        )
        self.by_reference = {(d.force.code, d.reference): d for d in candidates}
        self.by_key: dict[str, Deployment] = {}
        self.series_of: dict[int, set[str]] = {}
        rows_of = PublishedRow.objects.filter(deployment__in=candidates).select_related(
            "publication"
        )
        for published in rows_of:
            self.series_of.setdefault(published.deployment_id, set()).add(
                published.publication.series
            )
        seen: Counter[str] = Counter()
        for deployment in sorted(candidates, key=lambda d: d.pk):
            place = natural_key(deployment.force.code, deployment.date, deployment.location_name, 0)
            seen[place] += 1
            key = natural_key(
                deployment.force.code, deployment.date, deployment.location_name, seen[place]
            )
            self.by_key.setdefault(key, deployment)
        self.about = about
        self.matched: set[int] = set()

    def find(self, row: PublishedDeployment) -> Deployment | None:
        found = (
            self.by_reference.get((row.force, row.row_id))
            if row.row_id
            else self.by_key.get(row.natural_key)
        )
        if found is not None:
            self.matched.add(found.pk)
        return found

    def ours(self, deployment: Deployment) -> bool:
        """Whether the record belongs to this publication (an earlier edition of it, or, for a
        table with published ids, any import of it): only then may this edition revise it."""
        if "row_id" in self.about.layout.columns:
            return True  # matched by its id: revise_refusal says who may change it
        return self.about.series in self.series_of.get(deployment.pk, set())

    def dropped(self) -> list[Deployment]:
        earlier = self.about.edition_of
        if earlier is None:
            return []
        printed = Deployment.objects.filter(published_rows__publication=earlier)
        return list(printed.exclude(pk__in=self.matched).order_by("date", "pk"))


def _flag(about: PublishedImport, parsed: ParseResult) -> None:
    """Every defect of every row: those the table shows (read with the rows) and those of the
    row's own figures, by the one definition the reports use (metrics.quality)."""
    numbers = {row.reference: row.row_number for row in parsed.rows}
    for row in parsed.rows:
        about.flags[row.row_number] = list(row.flags)
    frame = published_frame(parsed.rows, about.layout.rate_of)
    for finding in data_quality_checks(frame):
        number = numbers[finding["record"]]
        about.flags[number].append({"check": finding["check"], "message": finding["message"]})


def _error(
    row: PublishedDeployment, column: str | None, reason: str, value: Any = None
) -> RowError:
    return RowError(
        row.row_number,
        column,
        reason,
        value=value,
        record=row.reference,
        page=row.page if row.printed_row else None,
        printed_row=row.printed_row,
    )


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


def _plan_row(
    row: PublishedDeployment, matcher: _Matcher, errors: list, about: PublishedImport
) -> RowPreview:
    values = deployment_values(row)
    _validate(Deployment(origin=Origin.PUBLISHED, **values), row, errors)
    existing = matcher.find(row)
    if existing is None:
        return RowPreview(row.row_number, row, CREATE)
    if not matcher.ours(existing):
        note = (
            f"already in the register as {existing.reference} "
            f"({existing.get_origin_display().lower()}); another publication does not change it"
        )
        return RowPreview(row.row_number, row, PRESENT, existing=existing, note=note)
    # Compare values, not text: Decimal("0.6000") and Decimal("0.6") are the same threshold.
    compared = {name: value for name, value in values.items() if name not in _PROVENANCE}
    if not row.row_id:
        compared.pop("reference")  # matched by natural key: its name may be the other's
    changes = {
        name: [plain(getattr(existing, name)), plain(value)]
        for name, value in compared.items()
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
    if changes and about.edition_of is not None:
        shown = "; ".join(f"{name} {old} -> {new}" for name, (old, new) in changes.items())
        about.flags.setdefault(row.row_number, []).append(
            {
                "check": "changed_between_editions",
                "message": f"{row.reference}: {shown} since {about.edition_of}",
            }
        )
    return RowPreview(row.row_number, row, action, changes=changes, existing=existing)


# Where a value was printed, not what: a new edition re-prints it elsewhere without changing it.
_PROVENANCE = {"source_document", "source_page"}


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
    """Write the plan in one transaction: the edition, every record through the
    published-records services and its row in the edition, then one ledger event for the
    file. Returns the plan, committed, with that event."""
    if not plan.ok:
        raise ValueError("An import plan with errors cannot be applied.")
    about: PublishedImport = plan.about
    reason = f"Import of {plan.source_name}"
    codes = {p.record.force for p in plan.rows}
    forces = {f.code: f for f in Force.objects.filter(code__in=codes)}
    today = timezone.localdate()
    editions = {} if about.same_file is not None else _editions(about, forces, plan, user, reason)
    for row_plan in plan.rows:
        row = row_plan.record
        deployment = row_plan.existing
        if row_plan.action == CREATE:
            deployment = published_deployment_create(
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
                reason=f"{_edition(about, plan)}: the published value changed",
            )
        if row.force in editions and row_plan.action != PRESENT:
            published_row_create(
                user=user,
                publication=editions[row.force],
                deployment=deployment,
                page=row.page if row.printed_row else None,
                row=row.printed_row or row.row_number,
                natural_key=row.natural_key,
                cells=row.cells,
                qualifiers=row.qualifiers,
                date_until=row.date_until,
                flags=[
                    flag
                    for flag in about.flags.get(row.row_number, [])
                    if flag["check"] in TABLE_CHECKS
                ],
                reason=reason,
            )
    event = published_grid_import_log(
        user=user,
        force_codes=codes,
        source_name=plan.source_name,
        digest=plan.digest,
        created=[p.record.reference for p in plan.rows if p.action == CREATE],
        revised={p.record.reference: p.changes for p in plan.rows if p.action == REVISE},
        unchanged=plan.count(UNCHANGED),
        reason=reason,
    )
    plan.committed, plan.ledger_seqs = True, [event.seq]
    return plan


def _edition(about: PublishedImport, plan: ImportPreview) -> str:
    """The edition, as an amendment cites it."""
    document = about.parsed.document
    created = f", created {document.created:%Y-%m-%d}" if document and document.created else ""
    return f"{about.series} ({plan.source_name}{created})"


def _editions(
    about: PublishedImport,
    forces: dict[str, Force],
    plan: ImportPreview,
    user: User | None,
    reason: str,
) -> dict[str, Publication]:
    document = about.parsed.document
    return {
        code: publication_create(
            user=user,
            force=force,
            series=about.series,
            file_name=plan.source_name,
            sha256=plan.digest,
            created=document.created if document else None,
            layout=about.layout.name,
            pages=document.pages if document else None,
            rate_of=about.layout.rate_of,
            table_flags=about.parsed.table_flags,
            reason=reason,
        )
        for code, force in sorted(forces.items())
    }
