"""Assigning findings in the queue; the rules set everything else about a finding."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from audits.models import Finding, LedgerAction
from audits.scoping import scope
from audits.services.records import log_event


@transaction.atomic
def finding_assign(
    *, user: AbstractBaseUser, finding: Finding, assignee: AbstractBaseUser | None
) -> Finding:
    if (
        not user.has_perm("audits.change_finding")
        or not scope(Finding.objects.filter(pk=finding.pk), user).exists()
    ):
        raise PermissionDenied(f"{user.get_username()} may not assign this finding.")
    before = finding.assigned_to.get_username() if finding.assigned_to else None
    finding.assigned_to = assignee
    finding.save(update_fields=["assigned_to", "last_evaluated"])
    after = assignee.get_username() if assignee else None
    log_event(LedgerAction.UPDATE, finding, user, {"assigned_to": [before, after]})
    return finding
