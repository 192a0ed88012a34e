"""The second factor (django-otp): who must pass it, and the gate in front of the admin and API.

With MFA_REQUIRED (whenever DEBUG is off) every signed-in user must pass a second factor before
anything but signing in and enrolling. Without it (the demo), a user who has enrolled is still
asked for the code: a factor once offered is then always used.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction
from audits.register.scoping import user_force

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
# Admin pages an unverified user may still reach: signing in and out, and the second factor.
OPEN_ADMIN_PAGES = {"login", "logout", "two_factor_verify", "two_factor_enrol", "jsi18n"}


def has_device(user: User | AnonymousUser) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def needs_second_factor(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated) and (settings.MFA_REQUIRED or has_device(user))


def is_verified(user: User | AnonymousUser) -> bool:
    # Without django-otp's middleware the user has no is_verified: fail closed.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def record(user: User, action: str, **changes: Any) -> None:
    force = user_force(user)
    ledger.append(
        action=action,
        actor=user.get_username(),
        force=force.code if force else "",
        object_type="user",
        object_id=str(user.pk),
        changes=changes,
    )


def match_second_factor(*, user: User, code: str) -> Device | None:
    """The device (TOTP first, then a recovery code) that accepts `code`, or None.

    A recovery code is deleted as it is used, so it works once."""
    code = code.strip().replace(" ", "")
    if not code:
        return None
    with transaction.atomic():  # locked, so two requests cannot both spend one code
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(code):
                    return device
    return None


def second_factor_verify(
    *, request: HttpRequest | Request | None, user: User, code: str, address: str
) -> bool:
    """Checks the code; records success, a used recovery code, or the failure in the ledger."""
    device = match_second_factor(user=user, code=code)
    if device is None:
        record(user, LedgerAction.MFA_FAILED, address=address)
        return False
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        record(user, LedgerAction.RECOVERY_CODE_USED, address=address, codes_left=left)
    else:
        record(user, LedgerAction.MFA_VERIFIED, address=address)
    if request is not None and hasattr(request, "session"):
        otp_login(request, device)
    return True


def recovery_codes_issue(*, user: User) -> list[str]:
    """Replaces the user's recovery codes with a fresh set and returns them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


class SecondFactorMiddleware:
    """Sends a signed-in but unverified user from any admin page to verification or enrolment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._blocked(request):
            name = "two_factor_verify" if has_device(request.user) else "two_factor_enrol"
            target = reverse(f"admin:{name}")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _blocked(self, request: HttpRequest) -> bool:
        if not request.path.startswith(reverse("admin:index")):
            return False
        if not needs_second_factor(request.user) or is_verified(request.user):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # nothing to see there either
        return not (match.namespace == "admin" and match.url_name in OPEN_ADMIN_PAGES)


class VerifiedSessionAuthentication(SessionAuthentication):
    """A session counts for the API only once it has passed the second factor (if needed)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if needs_second_factor(user) and not is_verified(user):
            raise exceptions.NotAuthenticated(
                "This session has not passed the second factor: verify at /admin/two-factor/."
            )
        return result
