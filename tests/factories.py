"""Valid records to start from; each test changes one thing."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from audits.register.models import (
    Alert,
    AlertKind,
    Authorisation,
    Deployment,
    DeviceSession,
    Force,
    Rank,
    Search,
    Watchlist,
)

LONDON = ZoneInfo("Europe/London")
START = datetime(2025, 6, 3, 10, 0, tzinfo=LONDON)


def force(code: str = "TST") -> Force:
    found, _ = Force.objects.get_or_create(code=code, defaults={"name": f"Test force {code}"})
    return found


def authorisation(**overrides) -> Authorisation:
    values = dict(
        force=overrides.get("force") or force(),
        reference="T-AUTH-1",
        ao_identifier="S1234",
        ao_rank=Rank.SUPERINTENDENT,
        authorised_at=START - timedelta(days=2),
        valid_from=START - timedelta(hours=1),
        valid_to=START + timedelta(hours=9),
    )
    return Authorisation(**{**values, **overrides})


def watchlist(**overrides) -> Watchlist:
    values = dict(
        force=overrides.get("force") or force(),
        reference="T-WL-1",
        compiled_at=START - timedelta(hours=6),
        size=9000,
    )
    return Watchlist(**{**values, **overrides})


def deployment(**overrides) -> Deployment:
    values = dict(
        force=overrides.get("force") or force(),
        reference="T-D-1",
        kind=Deployment.Kind.VAN,
        location_name="Oxford Circus",
        date=date(2025, 6, 3),
        start=START,
        end=START + timedelta(hours=8),
        threshold=Decimal("0.64"),
        faces_seen=12120,
        total_alerts=11,
        true_confirmed=7,
        true_unconfirmed=3,
        false_confirmed=1,
        false_unconfirmed=0,
        arrests=4,
    )
    return Deployment(**{**values, **overrides})


def saved_deployment(**overrides) -> Deployment:
    record = deployment(**overrides)
    record.save()
    return record


def alert(parent: Deployment, **overrides) -> Alert:
    values = dict(
        deployment=parent,
        occurred_at=START + timedelta(hours=1),
        score=Decimal("0.71"),
        threshold=Decimal("0.64"),
        kind=AlertKind.TRUE_CONFIRMED,
        engaged=True,
    )
    return Alert(**{**values, **overrides})


def device_session(parent: Deployment, **overrides) -> DeviceSession:
    values = dict(
        deployment=parent,
        device_id="BWV-101",
        officer_reference="PC1234",
        start=START,
        end=START + timedelta(hours=2),
        faces_seen=800,
        alerts=1,
    )
    return DeviceSession(**{**values, **overrides})


def search(**overrides) -> Search:
    values = dict(
        force=overrides.get("force") or force(),
        external_id="T-S-1",
        mode=Search.Mode.RFR,
        occurred_at=START,
        purpose=Search.Purpose.SUSPECT,
        probe_source=Search.ProbeSource.CCTV,
        rank_limit=6,
        candidates_returned=2,
        first_reviewer="OP1",
        second_reviewer="OP2",
    )
    return Search(**{**values, **overrides})
