"""Shared fixtures: the persona register (tests/personas.py) is built once per test database,
then each test runs in a transaction that is rolled back, so every test starts from it. Only the
tests of seed_demo and the browser tests load the full demo (`demo_loaded`)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from audits.compliance.models import Finding
from audits.ledger import capture
from audits.oversight.models import CommissionerReview, ReviewMessage
from audits.register.models import (
    Alert,
    Amendment,
    Authorisation,
    Deployment,
    DeviceSession,
    FacesSeenRevision,
    PostDeploymentReview,
    Publication,
    PublishedRow,
    Search,
    Watchlist,
    WatchlistCategoryCount,
)
from tests import personas

# The persona register's records, in an order that deletes each after what points to it.
PERSONA_RECORDS = (
    ReviewMessage,
    CommissionerReview,
    Finding,
    Amendment,
    Alert,
    DeviceSession,
    FacesSeenRevision,
    PostDeploymentReview,
    PublishedRow,
    Publication,
    Deployment,
    WatchlistCategoryCount,
    Watchlist,
    Authorisation,
    Search,
)


# Folders whose tests share one expensive set-up, each run by one xdist worker (`make test` runs
# `--dist loadgroup`): the full demo, seeded once (tests/demo/conftest.py), and the database made
# before the split into apps, migrated once (tests/upgrade/).
XDIST_GROUPS = {"tests/demo/": "demo", "tests/upgrade/": "upgrade"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups and suffixes the ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for folder, group in XDIST_GROUPS.items():
            if item.nodeid.startswith(folder):
                item.add_marker(pytest.mark.xdist_group(group))
        # Schemathesis gives every operation's test the same id; xdist schedules by id and would
        # run only one of them. Its name holds the operation ("...[GET /api/v1/alerts/]").
        if hasattr(item, "operation_label") and not item.nodeid.endswith("]"):
            item._nodeid = f"{item.nodeid}[{item.operation_label}]"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        personas.build()


@contextmanager
def demo_loaded(django_db_blocker) -> Iterator[None]:
    """The full demo on a register emptied of the persona records (people and forces stay), for
    as long as the block lasts, inside a transaction that is then rolled back: every test in it
    runs in a savepoint of that transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        for model in PERSONA_RECORDS:
            ids = list(model._base_manager.values_list("pk", flat=True))
            model.objects.all()._raw_delete(model.objects.db)
            capture.deleted(model, ids)  # in the ledger too, so that the demo reconciles
        call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


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
