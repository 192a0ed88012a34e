"""Build a report for a user: select in scope, assemble, record the export in the ledger."""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from audits import ledger
from audits.models import LedgerAction
from audits.reports.assemble import assemble_report
from audits.scoping import user_force
from audits.selectors import ReportFilters, alerts_frame, deployments_frame, report_deployments


def build_report(
    *,
    filters: ReportFilters,
    group_by: Sequence[str],
    method: str = "wilson",
    user: AbstractBaseUser | None = None,
) -> dict[str, Any]:
    # One transaction, so the figures and the ledger head printed with them belong together.
    with transaction.atomic():
        head = ledger.head_hash()
        deployments = report_deployments(filters, user)
        return assemble_report(
            deployments=deployments_frame(deployments),
            alerts=alerts_frame(deployments),
            filters=filters.as_dict(),
            group_by=group_by,
            method=method,
            ledger_head=head,
            generated_at=timezone.now().isoformat(timespec="seconds"),
        )


def record_export(report: dict[str, Any], fmt: str, user: AbstractBaseUser | None) -> None:
    force = user_force(user) if user is not None else None
    ledger.append(
        action=LedgerAction.EXPORT,
        actor=user.get_username() if user is not None else "",
        force=force.code if force else "",
        object_type="report",
        changes={
            "format": fmt,
            "filters": report["filters"],
            "group_by": report["group_by"],
            "interval_method": report["interval_method"],
            "ledger_head": report["ledger_head"],
            "deployments": report["totals"].get("deployments", 0),
        },
    )
