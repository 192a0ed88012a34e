"""Emails to the people a step hands work to: a commissioner's question to the force's
reviewers, the force's answer to the commissioner, an assessment to the commissioners who may
sign it off, a finding to its assignee, a submitted record to its force's reviewers.

Sent through Django's email backend (settings: the console in the demo, SMTP in production,
locmem in the tests) at the end of the step, once its writes are done. A failure to send is
logged, never undoes the step: the queue on the admin index shows the work either way.
`NOTIFY_BY_EMAIL = False` turns them off.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mass_mail
from django.db.models import Q, QuerySet

from audits.register.models import Force

log = logging.getLogger(__name__)


def people_who_may(permission: str, force: Force | None) -> QuerySet[User]:
    """Active users holding `permission` (through a role or directly): of `force` when given,
    or reading every force. Superusers are left out: they hold every permission and are told
    of nothing in particular."""
    app_label, codename = permission.split(".")
    holds = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    users = User.objects.filter(holds, is_active=True, is_superuser=False).distinct()
    if force is None:
        return users
    return users.filter(membership__force=force)


def notify(users: Iterable[User], subject: str, lines: list[str], path: str) -> int:
    """Email each user with an address: the subject, the lines, and the page to open.
    Returns how many emails were handed to the backend."""
    if not settings.NOTIFY_BY_EMAIL:
        return 0
    body = "\n\n".join([*lines, f"Open it: {settings.SITE_URL}{path}"])
    messages = [
        (f"[FRT register] {subject}", body, settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in users
        if user.email
    ]
    if not messages:
        return 0
    try:
        return send_mass_mail(messages, fail_silently=False)
    except Exception:
        log.exception("Could not send %d notification email(s): %s", len(messages), subject)
        return 0
