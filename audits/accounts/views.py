"""The admin's two-factor pages: verify a code, enrol an authenticator app, new recovery codes."""

import base64
from typing import Any

import segno
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audits.accounts import mfa
from audits.accounts.client_address import client_address
from audits.accounts.forms import SecondFactorForm
from audits.ledger.models import LedgerAction
from audits.register.scoping import acting_user

APP_DEVICE_NAME = "Authenticator app"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/admin/"


def _render(request: HttpRequest, template: str, title: str, **context: Any) -> TemplateResponse:
    context = {
        **admin.site.each_context(request),
        "title": title,
        "next": _next(request),
        **context,
    }
    return TemplateResponse(request, template, context)


def verify(request: HttpRequest) -> HttpResponse:
    if not mfa.has_device(request.user):
        return redirect("admin:two_factor_enrol")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.second_factor_verify(
            request=request,
            user=acting_user(request.user),
            code=form.cleaned_data["otp_token"],
            address=client_address(request),
        ):
            return redirect(_next(request))
        form.add_error("otp_token", "That code is not valid (or was already used). Try again.")
    return _render(request, "admin/two_factor/verify.html", "Two-factor authentication", form=form)


@transaction.atomic
def enrol(request: HttpRequest) -> HttpResponse:
    user = acting_user(request.user)
    if mfa.has_device(user):
        # Enrolled already: change the factor only once this session has passed it.
        if not mfa.is_verified(user):
            return redirect("admin:two_factor_verify")
        return manage(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = mfa.recovery_codes_issue(user=user)
            mfa.record(user, LedgerAction.MFA_ENROLLED, address=client_address(request))
            mfa.otp_login(request, device)
            return _render(
                request, "admin/two_factor/codes.html", "Your recovery codes", codes=codes
            )
        form.add_error("otp_token", "That code does not match: check the clock of your phone.")
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code")
    return _render(
        request,
        "admin/two_factor/enrol.html",
        "Enrol an authenticator app",
        form=form,
        secret=secret,
        qr=qr,
    )


def manage(request: HttpRequest) -> HttpResponse:
    user = acting_user(request.user)
    if request.method == "POST" and request.POST.get("action") == "recovery-codes":
        with transaction.atomic():
            codes = mfa.recovery_codes_issue(user=user)
            mfa.record(
                user,
                LedgerAction.MFA_ENROLLED,
                address=client_address(request),
                recovery_codes="replaced",
            )
        return _render(request, "admin/two_factor/codes.html", "Your recovery codes", codes=codes)
    left = sum(device.token_set.count() for device in StaticDevice.objects.filter(user=user))
    return _render(request, "admin/two_factor/manage.html", "Two-factor authentication", left=left)
