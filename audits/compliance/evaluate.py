"""Evaluate the rules on records and keep the findings up to date.

Only records a force has submitted are judged (a draft is work in progress; a withdrawn record
is out of scope, so its findings are resolved). Deployments that come from a published grid are
judged by the data-quality checks instead: the grids carry none of these fields.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from audits.compliance.checks import CHECKS
from audits.compliance.models import Finding, Rule
from audits.register.models import (
    Alert,
    Authorisation,
    Deployment,
    Force,
    PostDeploymentReview,
    Search,
    Status,
    Watchlist,
)
from audits.register.models.base import Record
from audits.register.scoping import record_force

# The records the rules judge: the lifecycle records and the alerts (judged by their deployment's
# status).
Judged = Record | Alert

JUDGED = (Status.SUBMITTED, Status.REVIEWED)


def _status(record: Judged) -> str:
    owner: Record = record.deployment if isinstance(record, Alert) else record
    return owner.status


def _judged(record: Judged) -> bool:
    if isinstance(record, Deployment) and record.source_document:
        return False
    if isinstance(record, Alert) and record.deployment.source_document:
        return False
    return _status(record) in JUDGED


def rules_for(record: Judged, force: Force) -> Iterable[Rule]:
    return (
        Rule.objects.filter(active=True, applies_to=record._meta.model_name)
        .filter(Q(profile__all_forces=True) | Q(profile__forces=force))
        .distinct()
    )


def evaluate(record: Judged, now: datetime | None = None) -> list[Finding]:
    """Judge one record against every rule for it; returns its open findings."""
    if _status(record) == Status.DRAFT:
        return []  # drafts are never judged, and a record never returns to draft
    now = now or timezone.now()
    force = record_force(record)
    content_type = ContentType.objects.get_for_model(record)
    existing = {
        f.rule_id: f for f in Finding.objects.filter(content_type=content_type, object_id=record.pk)
    }
    broken = {}
    if _judged(record):
        for rule in rules_for(record, force):
            message = CHECKS[rule.check_name](record, rule.parameters, force, now)
            if message:
                broken[rule.pk] = (rule, message)
    for rule_id, finding in existing.items():
        if rule_id not in broken and finding.state == Finding.State.OPEN:
            finding.state, finding.resolved_at = Finding.State.RESOLVED, now
            finding.save(update_fields=["state", "resolved_at", "last_evaluated"])
    open_findings = []
    for rule_id, (rule, message) in broken.items():
        finding = existing.get(rule_id) or Finding(
            rule=rule, force=force, content_type=content_type, object_id=record.pk
        )
        finding.record_label, finding.message, finding.severity = (
            str(record),
            message,
            rule.severity,
        )
        finding.state, finding.resolved_at = Finding.State.OPEN, None
        finding.save()
        open_findings.append(finding)
    return open_findings


def affected_records(record: models.Model) -> list[Judged]:
    """The records whose findings a change to `record` can alter."""
    if isinstance(record, Authorisation | Watchlist):
        return [record, *record.deployments.all()]
    if isinstance(record, PostDeploymentReview):
        return [record.deployment]
    if isinstance(record, Alert):
        return [record, record.deployment]  # its totals are weighed against its alert rows
    if isinstance(record, Deployment | Search):
        return [record]
    if hasattr(record, "deployment"):
        return [record.deployment]
    if hasattr(record, "watchlist"):
        return [record.watchlist]
    return []


def reevaluate(record: models.Model) -> None:
    for affected in affected_records(record):
        evaluate(affected)


def evaluate_all(now: datetime | None = None) -> int:
    """Judge every record (deadlines pass without any record changing). Returns open findings."""
    now = now or timezone.now()
    for model in (Authorisation, Watchlist, Deployment, Search):
        for record in model.objects.select_related("force").iterator(chunk_size=500):
            evaluate(record, now)
    for alert in Alert.objects.select_related("deployment__force").iterator(chunk_size=500):
        evaluate(alert, now)
    return Finding.objects.filter(state=Finding.State.OPEN).count()
