"""Failed logins are throttled and recorded; production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audits.ledger.models import LedgerEvent

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-enough-password-1"


@pytest.fixture
def member(db):
    return get_user_model().objects.create_user("member", password=PASSWORD, is_staff=True)


def log_in(client, password: str):
    return client.post(reverse("admin:login"), {"username": "member", "password": password})


def test_a_login_and_a_failed_login_are_recorded(client, member):
    log_in(client, "wrong")
    failed = LedgerEvent.objects.order_by("-seq").first()
    assert (failed.action, failed.actor) == ("login_failed", "member")
    assert "wrong" not in failed.changes
    assert log_in(client, PASSWORD).status_code == 302
    assert LedgerEvent.objects.order_by("-seq").first().action == "login"


def test_five_failures_lock_the_login_even_with_the_right_password(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert log_in(client, "wrong").status_code in (200, 429)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_password_validators_refuse_a_weak_password(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        validate_password("password")
    assert "too short" in " ".join(caught.value.messages)


def test_production_settings_pass_the_deployment_check():
    # The settings' own checks, on the embedded database: on PostgreSQL the ledger's role check
    # rightly warns about CI's superuser role (tests/ledger/test_journal.py asserts that warning).
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "DATABASE_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="app.settings",
        SECRET_KEY="n8Qv2kX7pL4rT9wZ1mB6cY3hJ5sD0fG8aE2uI7oK4lP9qR1tV6xN3bM5zW8yC2",
        ALLOWED_HOSTS="oversight.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
