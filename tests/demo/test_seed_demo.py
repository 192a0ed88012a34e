"""seed_demo builds the same realistic dataset every time, and a second run adds nothing."""

import hashlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Max, Min, Sum
from django.utils import timezone

from audits.demo.seed import DAYS, first_day
from audits.ledger.models import LedgerEvent
from audits.register.models import (
    Alert,
    AlertKind,
    Authorisation,
    Deployment,
    DeviceSession,
    FacesSeenRevision,
    PostDeploymentReview,
    Search,
    Watchlist,
    WatchlistCategoryCount,
)

pytestmark = pytest.mark.django_db


RECORD_MODELS = [
    Alert,
    DeviceSession,
    FacesSeenRevision,
    PostDeploymentReview,
    WatchlistCategoryCount,
    Deployment,
    Watchlist,
    Authorisation,
    Search,
]


# The fingerprint of the demo that seed_demo builds. It changes only when the demo is meant to
# change: then print fingerprint() and pin the new value here, saying why in the commit.
DEMO_FINGERPRINT = "bb3b3199ad08b1b665c0b1f09774e1ef417ae80c9a2898df3fec31ca3ed88e5a"


def fingerprint() -> str:
    """A digest of every demo record's content, leaving out ids and timestamps. Rows are sorted
    here, not by the database, and written as text, so that SQLite and PostgreSQL (whose
    collations and datetime types differ) give the same digest."""
    rows = [
        ("deployment", *row)
        for row in Deployment.objects.values_list(
            "force__code",
            "reference",
            "date",
            "location_name",
            "threshold",
            "faces_seen",
            "total_alerts",
            "true_confirmed",
            "false_confirmed",
            "arrests",
            "status",
        )
    ]
    rows += [
        ("alert", *row)
        for row in Alert.objects.values_list(
            "deployment__force__code",
            "deployment__reference",
            "external_id",
            "score",
            "kind",
            "perceived_sex",
            "perceived_ethnic_group",
        )
    ]
    rows += [
        ("search", *row)
        for row in Search.objects.values_list(
            "force__code", "external_id", "mode", "occurred_at", "candidates_returned", "outcome"
        )
    ]
    text = sorted("|".join(_text(value) for value in row) for row in rows)
    return hashlib.sha256("\n".join(text).encode()).hexdigest()


def _text(value: object) -> str:
    """Days as days after the demo's first day: the demo ends on the day it is loaded, and
    is the same demo on every day. A time as its day only: a time of day that a change of
    the clocks skips is stored an hour later, and which days those are moves with the demo."""
    first = first_day(timezone.localdate())
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"day {(value - first).days}" if isinstance(value, date) else str(value)


def test_a_second_run_creates_nothing(capsys):
    counts = {model: model.objects.count() for model in RECORD_MODELS}
    events = LedgerEvent.objects.count()
    call_command("seed_demo")
    assert "0 records created" in capsys.readouterr().out
    assert {model: model.objects.count() for model in RECORD_MODELS} == counts
    assert LedgerEvent.objects.count() == events


def test_it_builds_the_same_records_on_every_run_and_every_database():
    # The demo was seeded into an emptied register by this package's fixture (conftest.py): on
    # SQLite and on PostgreSQL, in every worker and on every machine, it is the same demo.
    assert Deployment.objects.count() == 300
    assert fingerprint() == DEMO_FINGERPRINT


def test_the_demo_figures_sit_in_the_published_ranges():
    deployments = Deployment.objects.all()
    assert 280 <= deployments.count() <= 320
    assert set(deployments.values_list("force__code", flat=True)) == {"NMP", "EVC", "WSP"}
    span = deployments.aggregate(first=Min("date"), last=Max("date"))
    today = timezone.localdate()
    # Two years up to today: this year and last year both have deployments, whatever the date.
    assert span["first"] >= first_day(today) and span["last"] <= today
    assert (span["last"] - span["first"]).days > DAYS - 10
    years = set(deployments.values_list("date__year", flat=True))
    assert {today.year, today.year - 1} <= years
    faces = deployments.aggregate(low=Min("faces_seen"), high=Max("faces_seen"))
    assert faces["low"] >= 1000 and faces["high"] <= 35000 * 1.6 + 1
    sizes = Watchlist.objects.aggregate(low=Min("size"), high=Max("size"))
    assert sizes["low"] >= 6000 and sizes["high"] <= 16000
    total_faces = deployments.aggregate(f=Sum("faces_seen"))["f"]
    false_alerts = Alert.objects.filter(
        kind__in=[AlertKind.FALSE_CONFIRMED, AlertKind.FALSE_UNCONFIRMED]
    ).count()
    assert 30_000 <= total_faces / false_alerts <= 300_000
    assert 1800 <= Search.objects.count() <= 2200
    assert Search.objects.filter(mode="oifr", force__code="WSP").exists()
    assert DeviceSession.objects.filter(deployment__force__code="WSP").count() >= 40 * 3
    # Device sessions in more than one force: Eastvale's mobile deployments too.
    assert DeviceSession.objects.filter(deployment__force__code="EVC").count() >= 6


def test_the_metropolitan_threshold_moves_from_060_to_064():
    thresholds = list(
        Deployment.objects.filter(force__code="NMP")
        .order_by("date")
        .values_list("threshold", flat=True)
    )
    assert thresholds[0] == Decimal("0.60") and thresholds[-1] == Decimal("0.64")
    assert thresholds == sorted(thresholds)


def test_every_deployment_counts_agree_with_its_alert_records():
    deployment = Deployment.objects.filter(total_alerts__gt=3).order_by("reference").first()
    alerts = deployment.alerts
    assert deployment.total_alerts == alerts.count()
    assert deployment.true_confirmed == alerts.filter(kind=AlertKind.TRUE_CONFIRMED).count()
    assert deployment.arrests == alerts.filter(outcome__kind="arrest").count()


def test_the_ledger_holds_an_event_for_every_demo_record_and_verifies():
    from audits.ledger import services as ledger

    for model in RECORD_MODELS:
        # created as a draft ("create"), or as part of a correction to a submitted one ("amend")
        created = set(
            LedgerEvent.objects.filter(
                action__in=["create", "amend"], object_type=model._meta.model_name
            ).values_list("object_id", flat=True)
        )
        records = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        assert records and records <= created, model._meta.model_name
    result = ledger.verify()
    assert result.ok and result.events == LedgerEvent.objects.count()


def test_the_demo_reconciles_with_its_ledger():
    """Every row the demo wrote (records, batches of alerts and searches, published grids,
    lifecycle steps, reviews) is in the ledger exactly as stored."""
    from audits.ledger import capture, reconcile

    found = reconcile.reconcile()

    assert [str(d) for d in found.differences] == []
    assert found.records == sum(m._base_manager.count() for m in capture.AUDITED.values())
    assert found.records > 6_000
    # the services record their own writes: no write is left to an event of its own
    assert not LedgerEvent.objects.filter(action="write", actor="").exists()
