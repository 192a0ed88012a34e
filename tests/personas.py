"""The people of the persona matrix: two forces' recorders, a commissioner, an auditor."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from audits import roles
from audits.models import Force, Membership


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


def login(client, user):
    """Signs `client` in as `user` with the second factor passed, as the admin's verification
    page would: a confirmed TOTP device, and django-otp's session key naming it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
