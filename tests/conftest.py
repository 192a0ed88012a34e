"""Shared fixtures: the demo dataset is loaded once per test session, then each test runs in a
transaction that is rolled back, so every test sees the same seeded database."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests import personas


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root-test", "root@example.org", "x" * 16)


@pytest.fixture
def admin_client(client, superuser):
    personas.login(client, superuser)
    return client


@pytest.fixture(autouse=True)
def uploads(tmp_path_factory, monkeypatch) -> Path:
    """The admin imports keep uploads in a folder of the test's own, not in var/uploads."""
    folder = tmp_path_factory.mktemp("uploads")
    monkeypatch.setattr("audits.register.admin.imports.UPLOADS", folder)
    return folder
