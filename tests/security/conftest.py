"""Fixtures for the race tests. Racers commit for real, so the people and records they race on
are committed too, each on a connection of its own; afterwards every row they left (records,
amendments, findings, review messages, ledger events, the people) is removed past the
append-only trigger, and the seeded demo is checked to be exactly as it was.

A transactional test (`transaction=True`) is no way out: its flush truncates every table, which
the trigger refuses on PostgreSQL and which would wipe the seeded data the other tests read."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from audits.compliance.models import Finding
from audits.ledger import services as ledger
from audits.ledger.models import JournalEntry, LedgerEvent
from audits.oversight.models import CommissionerReview, ReviewMessage
from audits.register import roles
from audits.register.models import Amendment, Deployment, Force, Membership
from tests import personas
from tests.security.harness import on_own_connection

# Every row a race test commits is named with these, so that cleaning up finds them all, even a
# record whose creation failed half way.
PREFIX = "race-"
REFERENCE_PREFIX = "RACE-"
SUBJECT_PREFIX = "Race review"
COUNTED = (Amendment, CommissionerReview, Deployment, Finding, Force, Membership, ReviewMessage)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...): real parallel writers")


@dataclass(frozen=True)
class People:
    recorder: object  # NMP's recorder: creates and submits deployments
    reviewer: object  # NMP's reviewer: amends and withdraws them
    evaluator: object  # a commissioner who assesses reviews
    validator: object  # a second commissioner, who signs off
    second_validator: object  # a third, who returns


def _make_people() -> People:
    return People(
        recorder=personas.person(f"{PREFIX}nmp-recorder", roles.FORCE_RECORDER, "NMP"),
        reviewer=personas.person(f"{PREFIX}nmp-reviewer", roles.FORCE_REVIEWER, "NMP"),
        evaluator=personas.person(f"{PREFIX}evaluator", roles.COMMISSIONER),
        validator=personas.person(f"{PREFIX}validator", roles.COMMISSIONER),
        second_validator=personas.person(f"{PREFIX}second-validator", roles.COMMISSIONER),
    )


def _remove_committed(after_seq: int, after_entry: int) -> None:
    deployments = Deployment.objects.filter(reference__startswith=REFERENCE_PREFIX)
    reviews = CommissionerReview.objects.filter(subject__startswith=SUBJECT_PREFIX)
    of_deployments = dict(
        content_type=ContentType.objects.get_for_model(Deployment),
        object_id__in=list(deployments.values_list("pk", flat=True)),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Act as a replica, as a database superuser can: the append-only trigger does not fire.
        cursor.execute("SET LOCAL session_replication_role = replica")
        Amendment.objects.filter(**of_deployments).delete()
        Finding.objects.filter(**of_deployments).delete()
        ReviewMessage.objects.filter(review__in=reviews).delete()
        reviews.delete()
        deployments.delete()
        get_user_model().objects.filter(username__startswith=PREFIX).delete()
        cursor.execute(f"DELETE FROM {LedgerEvent._meta.db_table} WHERE seq > %s", [after_seq])
        # The journal saw the racers' writes; with their events gone it would name them.
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE id > %s", [after_entry])


def _last_entry() -> int:
    last = JournalEntry.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def _snapshot() -> tuple:
    counts = tuple(model.objects.count() for model in COUNTED)
    return ledger.head(), counts, get_user_model().objects.count(), _last_entry()


@pytest.fixture
def people(db) -> Iterator[People]:
    """The racers' people, committed; everything committed during the test is removed after."""
    before = _snapshot()
    try:
        yield on_own_connection(_make_people)
    finally:
        on_own_connection(lambda: _remove_committed(before[0][0], before[3]))
    assert _snapshot() == before
