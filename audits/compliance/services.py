"""Assigning findings in the queue; the rules set everything else about a finding."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from audits.compliance.models import Finding
from audits.ledger.models import LedgerAction
from audits.register.notify import notify
from audits.register.scoping import scope
from audits.register.services.records import log_event

READ_ALL = "view_all_forces"


def assignable_users(finding: Finding) -> QuerySet:
    """The active staff users who can read the finding (audits.register.scoping: everyone who reads
    all
    forces, and the users of its force): only they can work on it."""
    reads_all = (
        Q(is_superuser=True)
        | Q(groups__permissions__codename=READ_ALL)
        | Q(user_permissions__codename=READ_ALL)
    )
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(reads_all | Q(membership__force=finding.force_id)).distinct()


@transaction.atomic
def finding_assign(*, user: User, finding: Finding, assignee: User | None) -> Finding:
    if (
        not user.has_perm("compliance.change_finding")
        or not scope(Finding.objects.filter(pk=finding.pk), user).exists()
    ):
        raise PermissionDenied(f"{user.get_username()} may not assign this finding.")
    if assignee is not None and not scope(Finding.objects.filter(pk=finding.pk), assignee).exists():
        message = f"{assignee.get_username()} cannot read this finding (another force's user)."
        raise ValidationError({"assignee": message})
    if finding.assigned_to_id == (assignee.pk if assignee else None):
        return finding  # nothing changes, so nothing to record
    before = finding.assigned_to.get_username() if finding.assigned_to else None
    finding.assigned_to = assignee
    finding.save(update_fields=["assigned_to"])  # not last_evaluated: nothing was judged
    after = assignee.get_username() if assignee else None
    log_event(LedgerAction.UPDATE, finding, user, {"assigned_to": [before, after]})
    if assignee is not None and assignee != user:
        notify(
            [assignee],
            f"A finding is assigned to you: {finding.record_label}",
            [f"{user.get_username()} assigned you the finding {finding.rule}:", finding.message],
            reverse("admin:compliance_finding_change", args=[finding.pk]),
        )
    return finding
