from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "oversight-demo-2026"  # a local demo only; never load demo data in production


class Command(BaseCommand):
    help = "Create (or reset) the demo administrator login and print it."

    def handle(self, *args, **options):
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.stdout.write(
            f"Demo login: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r} "
            "at http://127.0.0.1:8000/admin/"
        )
