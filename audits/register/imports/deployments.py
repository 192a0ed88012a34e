"""Bring a parsed published grid into the register: plan first, then apply all or nothing.

A plan says, for every row, whether it creates a deployment, revises one (the force published a
different value: a new faces-seen estimate, say) or changes nothing, and lists every error. The
admin preview shows the plan; `apply_import` writes it in one transaction, every record through
the published-records services (audits/register/services/published.py) with the importing user's
permissions, and one ledger event for the file besides. A value is never overwritten silently:
each change is an amendment that keeps old and new. An import never creates a force, and never
changes a record a force entered itself unless the importer is one of that force's own users.
"""

import dataclasses
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
    plain,
)
from audits.register.imports.published import (
    ParseResult,
    PublishedDeployment,
    parse_published_table,
    place_key,
    place_reference,
    published_frame,
)
from audits.register.models import (
    Deployment,
    Force,
    Origin,
    Publication,
    PublishedRow,
    Watchlist,
)
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
    newer: Publication | None = None  # a later edition, imported before this older one
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
    # A file without a title (a CSV, a spreadsheet) is an edition of its layout's publication:
    # its file name changes from one edition to the next.
    assert parsed.layout is not None  # an ok parse has one
    series = document.title if document and document.title else parsed.layout.title
    about = PublishedImport(parsed, series=series)
    plan.about = about
    codes = {row.force for row in parsed.rows}
    forces = {force.code: force for force in Force.objects.filter(code__in=codes)}
    for code in sorted(codes - set(forces)):
        plan.errors.append(RowError(None, "force", _NO_FORCE % code, value=code))
    if plan.errors:
        return plan
    _find_editions(about, forces, plan.digest)
    matcher = _Matcher(parsed.rows, about)
    parsed.rows = _named(parsed.rows, matcher)
    _flag(about, parsed)
    for row in progress(parsed.rows):
        row_plan = _plan_row(row, matcher, plan.errors, about)
        plan.rows.append(row_plan)
        _check_may_write(row_plan, forces[row.force], user, plan.errors)
    about.dropped = matcher.dropped(parsed.rows)
    return plan


_NO_FORCE = (
    "no force %r in the register: an import never creates one; an administrator adds it first "
    "(admin: Forces)"
)


def _find_editions(about: PublishedImport, forces: dict[str, Force], digest: str) -> None:
    """This file's place among the editions imported before: the same file again, a later
    edition of the last one, or an older one (by the documents' own creation dates) found
    after a newer one, whose differences are flagged and change nothing."""
    editions = Publication.objects.filter(force__in=forces.values(), series=about.series)
    about.same_file = editions.filter(sha256=digest).first()
    others = list(editions.exclude(sha256=digest))
    if not others:
        return
    created = about.parsed.document.created if about.parsed.document else None
    # The latest by the documents' own dates where they have them, else by when imported.
    latest = max(others, key=lambda p: (p.created is not None, p.created or p.imported_at, p.pk))
    if created is not None and latest.created is not None and latest.created > created:
        about.newer = latest
    else:
        about.edition_of = latest


class _Matcher:
    """Finds the record each row is. A row with a published id the register holds is that
    record. Any other row (no id, or an id the register does not hold: the same deployment
    imported before from another layout) is matched among the records of its force, date and
    place: by its times first, then by how many of its values agree, and only then by the
    order the rows were printed in; never by its position in the table."""

    def __init__(self, rows: list[PublishedDeployment], about: PublishedImport) -> None:
        self.about = about
        candidates = self._candidates(rows)
        self.series_of: dict[int, set[str]] = {}
        for published in PublishedRow.objects.filter(deployment__in=candidates).select_related(
            "publication"
        ):
            self.series_of.setdefault(published.deployment_id, set()).add(
                published.publication.series
            )
        by_reference = {(d.force.code, d.reference): d for d in candidates}
        self.found: dict[int, Deployment] = {}  # row number: the record it is
        self.by_id: set[int] = set()  # row numbers matched by their published id
        rest: dict[str, list[PublishedDeployment]] = {}
        for row in rows:
            record = by_reference.get((row.force, row.row_id)) if row.row_id else None
            if record is not None:
                self.found[row.row_number] = record
                self.by_id.add(row.row_number)
            else:
                rest.setdefault(place_key(row.force, row.date, row.location), []).append(row)
        places: dict[str, list[Deployment]] = {}
        matched_by_id = {record.pk for record in self.found.values()}
        for record in sorted(candidates, key=lambda d: d.pk):
            if record.pk not in matched_by_id:
                key = place_key(record.force.code, record.date, record.location_name)
                places.setdefault(key, []).append(record)
        for key, group in rest.items():
            self._pair(group, places.get(key, []))

    @staticmethod
    def _candidates(rows: list[PublishedDeployment]) -> list[Deployment]:
        codes = {row.force for row in rows}
        dates = {row.date for row in rows}
        ids = {row.row_id for row in rows if row.row_id}
        found = Deployment.objects.select_related("force", "watchlist").filter(
            force__code__in=codes
        )
        return list(found.filter(Q(reference__in=ids) | Q(date__in=dates)))

    def _pair(self, rows: list[PublishedDeployment], records: list[Deployment]) -> None:
        """The rows of one force, date and place with the records of the same: the likeliest
        pairs first (see `_likeness`), each row and record used once."""
        values = {row.row_number: deployment_values(row) for row in rows}  # once a row
        pairs = sorted(
            (
                (
                    *_likeness(row, values[row.row_number], record, place_order),
                    -row.row_number,
                    -record.pk,
                )
                for row in rows
                for place_order, record in enumerate(records, start=1)
            ),
            reverse=True,
        )
        by_number = {row.row_number: row for row in rows}
        by_pk = {record.pk: record for record in records}
        used: set[int] = set()
        for *_, number, pk in pairs:
            if -number not in self.found and -pk not in used:
                self.found[-number] = by_pk[-pk]
                used.add(-pk)
        earlier = self.about.edition_of
        if earlier is not None and records:
            printed = sum(
                1 for record in records if earlier.series in self.series_of.get(record.pk, set())
            )
            if printed and printed != len(rows):
                row = rows[0]
                message = (
                    f"{row.location} {row.date:%d/%m/%Y}: {printed} deployment"
                    f"{'s' if printed > 1 else ''} in {earlier}, {len(rows)} in this edition; "
                    "rows matched by their times and figures, not their order"
                )
                for number in by_number:
                    self.about.flags.setdefault(number, []).append(
                        {"check": "changed_between_editions", "message": message}
                    )

    def find(self, row: PublishedDeployment) -> Deployment | None:
        return self.found.get(row.row_number)

    def ours(self, row: PublishedDeployment, deployment: Deployment) -> bool:
        """Whether the record belongs to this publication (an earlier edition of it, or, for a
        row matched by its published id, any import of it): only then may this edition revise
        it."""
        if row.row_number in self.by_id:
            return True  # revise_refusal says who may change it
        return self.about.series in self.series_of.get(deployment.pk, set())

    def dropped(self, rows: list[PublishedDeployment]) -> list[Deployment]:
        """The last edition's records dated within this edition's span that this one does
        not print (a yearly file does not drop last year's rows)."""
        earlier = self.about.edition_of
        if earlier is None or not rows:
            return []
        first = min(row.date for row in rows)
        last = max(row.date_until or row.date for row in rows)
        printed = Deployment.objects.filter(
            published_rows__publication=earlier, date__range=(first, last)
        )
        matched = [record.pk for record in self.found.values()]
        return list(printed.exclude(pk__in=matched).order_by("date", "pk"))


def _likeness(
    row: PublishedDeployment, values: dict[str, Any], record: Deployment, place_order: int
) -> tuple[bool, int, int]:
    """How alike a row (and its `deployment_values`) and a record of the same place and date
    are: the same times, then the number of values that agree, then how close their places in
    print order are."""
    same_times = row.start is not None and (record.start, record.end) == (row.start, row.end)
    agree = sum(
        getattr(record, name) == values[name] for name in COPIED_FIELDS if values[name] is not None
    )
    return same_times, agree, -abs(row.occurrence - place_order)


def _named(rows: list[PublishedDeployment], matcher: _Matcher) -> list[PublishedDeployment]:
    """Every row a reference of its own: a long place name cut to fit, or a record of the same
    place and date that another source holds, would otherwise give two rows one name."""
    codes = {row.force for row in rows}
    held = dict(
        ((code, reference), pk)
        for code, reference, pk in Deployment.objects.filter(force__code__in=codes).values_list(
            "force__code", "reference", "pk"
        )
    )
    used: set[tuple[str, str]] = set()
    named = []
    for row in rows:
        record = matcher.find(row)
        number = row.occurrence
        while not row.row_id and _taken((row.force, row.reference), used, held, record):
            number += 1
            row = dataclasses.replace(row, named=place_reference(row.location, row.date, number))
        used.add((row.force, row.reference))
        named.append(row)
    return named


def _taken(
    key: tuple[str, str],
    used: set[tuple[str, str]],
    held: dict[tuple[str, str], int],
    record: Deployment | None,
) -> bool:
    if key in used:
        return True
    holder = held.get(key)
    return holder is not None and (record is None or holder != record.pk)


def _flag(about: PublishedImport, parsed: ParseResult) -> None:
    """Every defect of every row: those the table shows (read with the rows) and those of the
    row's own figures, by the one definition the reports use (metrics.quality)."""
    numbers = {row.reference: row.row_number for row in parsed.rows}
    for row in parsed.rows:
        about.flags.setdefault(row.row_number, []).extend(row.flags)
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
        _check_names(row, errors)
        if about.newer is not None:
            about.flags.setdefault(row.row_number, []).append(
                {
                    "check": "changed_between_editions",
                    "message": f"{row.reference}: printed in this older edition, not in "
                    f"{about.newer}; created as this edition printed it",
                }
            )
        return RowPreview(row.row_number, row, CREATE)
    if not matcher.ours(row, existing):
        note = (
            f"already in the register as {existing.reference} "
            f"({existing.get_origin_display().lower()}); another publication does not change it"
        )
        differences, _ = _changes(row, values, existing)
        if differences:
            shown = "; ".join(
                f"{name} {plain(new)} here, {plain(old)} in the register"
                for name, (old, new) in differences.items()
            )
            about.flags.setdefault(row.row_number, []).append(
                {
                    "check": "differs_from_the_register",
                    "message": f"{row.reference} ({existing.reference}): {shown}",
                }
            )
        return RowPreview(row.row_number, row, PRESENT, existing=existing, note=note)
    if about.same_file is not None:
        note = f"imported before, from {about.same_file}"
        return RowPreview(row.row_number, row, UNCHANGED, existing=existing, note=note)
    changes, kept = _changes(row, values, existing)
    flags = about.flags.setdefault(row.row_number, [])
    since = about.newer or about.edition_of
    if changes and since is not None:
        shown = "; ".join(
            f"{name} {plain(old)} -> {plain(new)}" for name, (old, new) in changes.items()
        )
        later = "" if about.newer is None else "; the later edition's values are kept"
        direction = "in" if about.newer is not None else "since"
        flags.append(
            {
                "check": "changed_between_editions",
                "message": f"{row.reference}: {shown} {direction} {since}{later}",
            }
        )
    for name, old in kept.items():
        flags.append(
            {
                "check": "changed_between_editions",
                "message": f"{row.reference}: {name} was published as {plain(old)} and is now "
                "not published; the register keeps the published value",
            }
        )
    if about.newer is not None:
        changes = {}  # an older edition is evidence of what was said, not a correction
    action = REVISE if changes else UNCHANGED
    return RowPreview(row.row_number, row, action, changes=changes, existing=existing)


def _changes(
    row: PublishedDeployment, values: dict[str, Any], existing: Deployment
) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """The values this edition changes ({name: [old, new]}), and those it no longer publishes
    ({name: old}): a known value is never replaced by "not published"."""
    # Compare values, not text: Decimal("0.6000") and Decimal("0.6") are the same threshold.
    compared = {name: value for name, value in values.items() if name not in _PROVENANCE}
    if row.row_id is None or existing.reference != row.row_id:
        compared.pop("reference")  # matched by place and date: the register keeps its name
    compared["watchlist_size"] = row.watchlist_size
    changes, kept = {}, {}
    for name, value in compared.items():
        old = _stored(existing, name)
        if old == value:
            continue
        if value in (None, "") and old not in (None, ""):
            kept[name] = old
        else:
            changes[name] = [old, value]
    if "notes" in kept:
        changes.pop("technical_fault", None)  # read from the notes, which are kept
    return changes, kept


def _stored(existing: Deployment, name: str) -> Any:
    if name == "watchlist_size":
        return existing.watchlist.size if existing.watchlist else None
    return getattr(existing, name)


def _check_names(row: PublishedDeployment, errors: list[RowError]) -> None:
    """A new record's reference, and its watchlist's ("-WL" after it), must fit and be free:
    refused here, in the preview, rather than when the import is confirmed."""
    longest = Deployment._meta.get_field("reference").max_length or 60
    reference = row.reference
    if len(reference) > longest:
        reason = f"{len(reference)} characters; a record's reference is at most {longest}"
        errors.append(_error(row, "row_id", reason, value=reference))
        return
    if row.watchlist_size is None:
        return
    watchlist = f"{reference}-WL"
    if len(watchlist) > longest:
        reason = (
            f"its watchlist would be named {watchlist!r}, {len(watchlist)} characters; "
            f"at most {longest}: a published id of at most {longest - 3} characters"
        )
        errors.append(_error(row, "row_id", reason, value=reference))
    elif Watchlist.objects.filter(force__code=row.force, reference=watchlist).exists():
        reason = f"its watchlist would be named {watchlist!r}, which another watchlist is"
        errors.append(_error(row, "row_id", reason, value=reference))


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
