"""The people of the persona matrix: two forces' recorders, a commissioner, an auditor."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audits.register import roles
from audits.register.models import Force, Membership


def person(username: str, role: str, force_code: str | None = None):
    user = get_user_model().objects.create_user(
        username, password="persona-password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    if force_code:
        Membership.objects.create(user=user, force=Force.objects.get(code=force_code))
    return get_user_model().objects.get(pk=user.pk)  # fresh, without cached permissions


def recorder(force_code: str):
    return person(f"{force_code.lower()}-recorder-test", roles.FORCE_RECORDER, force_code)


def reviewer(force_code: str):
    return person(f"{force_code.lower()}-reviewer-test", roles.FORCE_REVIEWER, force_code)


def officer(force_code: str):
    return person(f"{force_code.lower()}-officer-test", roles.AUTHORISING_OFFICER, force_code)


def commissioner(username: str = "commissioner-test"):
    return person(username, roles.COMMISSIONER)


def auditor():
    return person("auditor-test", roles.AUDITOR)


def enrolled(user) -> TOTPDevice:
    """The user's confirmed authenticator-app device, created if need be."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The device's current code. django-otp refuses a code twice in one 30 s step, so tests that
    sign in twice forget the last step used (as if the next step had come)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def login(client, user):
    """Signs `client` in as `user` with the second factor passed, as the admin's verification
    page would: a confirmed TOTP device, and django-otp's session key naming it."""
    device = enrolled(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
