"""Build a report on a selection of deployments (`filtersets.report_selection`): assemble, and
record an export in the ledger. Callers go through `audits.reporting.services`.

`build_report(..., sections=...)` builds only the sections asked for (see
`audits.reporting.assemble.SECTIONS`); `sections_for(format)` names the ones a format shows. Each
section reads only what it needs: the summary comes from a GROUP BY (a few hundred rows
whatever the size of the register), the demographics from alert counts made in SQL, and only
the per-deployment sections (the XLSX sheet, the PDF appendix, lab against field, data quality)
read one row per deployment.
"""

from collections.abc import Collection, Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction
from audits.metrics.intervals import IntervalMethod
from audits.register.filtersets import ReportSelection
from audits.register.scoping import user_force
from audits.reporting.assemble import ROW_SECTIONS, SECTIONS, SUMMARY_SECTIONS, assemble_report
from audits.reporting.report import Report
from audits.reporting.selectors import alert_tallies, condensed_deployments, deployments_frame

# What each export shows; every other format shows every section.
FORMAT_SECTIONS: dict[str, tuple[str, ...]] = {"csv": ("totals", "groups")}


def sections_for(fmt: str) -> tuple[str, ...]:
    """The sections an export in this format shows (renderers read nothing else)."""
    return FORMAT_SECTIONS.get(fmt, SECTIONS)


def _summary_keys(group_by: Sequence[str], sections: Collection[str]) -> list[str]:
    """The keys the condensed summary frame must keep: group_by, and threshold for by_threshold."""
    keys = list(group_by)
    if "by_threshold" in sections and "threshold" not in keys:
        keys.append("threshold")
    return keys


def build_report(
    *,
    selection: ReportSelection,
    group_by: Sequence[str],
    method: str = IntervalMethod.WILSON,
    sections: Collection[str] = SECTIONS,
    head: tuple[int, str] | None = None,
) -> Report:
    """The report over the selected deployments; `sections` (default: all) limits the work to
    what the caller will show, the other sections left empty. `head`: the (seq, hash) the
    register stands at, when it is not the live one (a register rebuilt as of an event).
    """
    # One transaction, so the figures and the ledger head printed with them belong together.
    with transaction.atomic():
        seq, head_hash = head if head is not None else ledger.head()
        deployments = selection.deployments
        wants = set(sections)
        return assemble_report(
            deployments=deployments_frame(deployments) if wants & set(ROW_SECTIONS) else None,
            summary=condensed_deployments(deployments, _summary_keys(group_by, wants))
            if wants & set(SUMMARY_SECTIONS)
            else None,
            alert_tallies=alert_tallies(deployments) if "demographics" in wants else None,
            filters=selection.filters,
            drafts=selection.drafts,
            withdrawn=selection.withdrawn,
            group_by=group_by,
            method=method,
            ledger_head=head_hash,
            ledger_seq=seq,
            generated_at=timezone.now().isoformat(timespec="seconds"),
            sections=sections,
        )


def record_export(report: Report, fmt: str, user: User | AnonymousUser | None) -> None:
    force = user_force(user) if user is not None else None
    ledger.append(
        action=LedgerAction.EXPORT,
        actor=user.get_username() if user is not None else "",
        force=force.code if force else "",
        object_type="report",
        changes={
            "format": fmt,
            "filters": report.filters,
            "group_by": report.group_by,
            "interval_method": report.interval_method,
            "ledger_head": report.ledger_head,
            "ledger_seq": report.ledger_seq,
            "deployments": report.totals.deployments if report.totals else 0,
        },
    )
