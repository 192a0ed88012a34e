from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audits.register import roles
from audits.register.models import Force, Membership

DEMO_PASSWORD = "oversight-demo-2026"  # a local demo only; never load demo data in production

# username, role, force code (None: reads across forces)
DEMO_USERS = [
    ("demo", roles.ADMINISTRATOR, None),
    ("nmp-recorder", roles.FORCE_RECORDER, "NMP"),
    ("nmp-officer", roles.AUTHORISING_OFFICER, "NMP"),
    ("nmp-reviewer", roles.FORCE_REVIEWER, "NMP"),
    ("evc-recorder", roles.FORCE_RECORDER, "EVC"),
    ("evc-reviewer", roles.FORCE_REVIEWER, "EVC"),
    ("wsp-recorder", roles.FORCE_RECORDER, "WSP"),
    ("wsp-reviewer", roles.FORCE_REVIEWER, "WSP"),
    ("commissioner", roles.COMMISSIONER, None),
    # A second commissioner: a review one assesses, the other signs off (two-person rule).
    ("commissioner2", roles.COMMISSIONER, None),
    ("auditor", roles.AUDITOR, None),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo logins, one per role, and print them. Run after seed_demo."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not Force.objects.filter(code="NMP").exists():
            raise CommandError("Load the demo data first: python manage.py seed_demo")
        for username, role, force_code in DEMO_USERS:
            self.create(username, role, force_code)
        self.stdout.write(
            f"Demo logins at http://127.0.0.1:8000/admin/ (password for all: {DEMO_PASSWORD!r}):"
        )
        for username, role, force_code in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {role}{f' ({force_code})' if force_code else ''}")
        self.stdout.write(
            "Two-factor sign-in is offered here, not forced (production forces it): sign in,\n"
            "open 'Two-factor authentication' on the admin index, scan the QR code with an\n"
            "authenticator app (or type the secret), enter its code and keep the recovery codes.\n"
            "From then on that login asks for the app's code (or a recovery code, once each)."
        )

    def create(self, username: str, role: str, force_code: str | None) -> None:
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.email = f"{username}@demo.invalid"  # the demo's emails are printed, never sent
        user.is_superuser = role == roles.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if force_code:
            Membership.objects.update_or_create(
                user=user, defaults={"force": Force.objects.get(code=force_code)}
            )
        else:
            Membership.objects.filter(user=user).delete()
