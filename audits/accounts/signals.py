"""Logins and failed logins go to the ledger."""

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from audits.accounts.client_address import client_address
from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction
from audits.register.scoping import user_force


def _address(request: HttpRequest | None) -> str:
    return client_address(request) if request is not None else ""


@receiver(user_logged_in)
def record_login(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    force = user_force(user)
    ledger.append(
        action=LedgerAction.LOGIN,
        actor=user.get_username(),
        force=force.code if force else "",
        object_type="user",
        object_id=str(user.pk),
        changes={"address": _address(request)},
    )


@receiver(user_login_failed)
def record_failed_login(
    sender: str,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # Only the username is kept; Django already masks the password in `credentials`.
    ledger.append(
        action=LedgerAction.LOGIN_FAILED,
        actor=credentials.get("username", "")[:150],
        object_type="user",
        changes={"address": _address(request)},
    )
