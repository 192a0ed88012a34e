"""A deterministic, realistic demo dataset, written through the audited services.

Three fictional forces over 2024-2025: a large metropolitan force running van LFR whose threshold
moves from 0.60 to 0.64, a county force deploying at events, and a force running a bodycam trial
and operator-initiated searches. Figures sit in the ranges of the published grids: 1,000 to 35,000
faces a deployment, true alerts about 1 in 6,000 faces, false alerts about 1 in 30,000 to 1 in
300,000 faces. The same seed gives the same records; records that exist are left alone.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import models, transaction
from django.utils import timezone

from audits.register.models import (
    Alert,
    AlertKind,
    Authorisation,
    Deployment,
    DeviceSession,
    FacesSeenRevision,
    Force,
    OffenceType,
    Outcome,
    PerceivedAgeBand,
    PerceivedEthnicGroup,
    PerceivedSex,
    PostDeploymentReview,
    Rank,
    Search,
    System,
    UseCase,
    Watchlist,
    WatchlistCategory,
    WatchlistCategoryCount,
)
from audits.register.services.deployments import deployment_revise_faces_seen
from audits.register.services.records import record_create, record_submit, record_update

LONDON = ZoneInfo("Europe/London")
# Two years of records ending on the day the demo is loaded, so that "this year" and "last year"
# both have records whatever the date: every date is a number of days after the first day.
DAYS = 731
# The metropolitan force raises its threshold in two steps, as the Met did: these many days in.
THRESHOLD_STEPS = (244, 456)


def first_day(last_day: date) -> date:
    """The first day of a demo whose last day is `last_day`."""
    return last_day - timedelta(days=DAYS - 1)


SEED = 20240101


@dataclass(frozen=True)
class ForcePlan:
    code: str
    name: str
    jurisdiction: str
    deployments: int
    kind: str
    use_cases: tuple[str, ...]
    places: tuple[tuple[str, str, float, float], ...]
    searches: int
    oifr_share: float
    # Every this many deployments, one is a mobile deployment (officers' phones) with device
    # sessions; 0: none.
    mobile_every: int = 0


PUBLISHING_FORCE = ("MPS", "Metropolitan Police Service", "London")
FORCES = (
    ForcePlan(
        "NMP",
        "Northmoor Metropolitan Police (demo)",
        "Northmoor",
        200,
        Deployment.Kind.VAN,
        ("crime_hotspot", "sought_person", "missing_person_hotspot"),
        (
            ("Market Square", "Central", 51.5101, -0.1340),
            ("Station Approach", "Central", 51.5154, -0.1410),
            ("High Street North", "Northgate", 51.5622, -0.1058),
            ("Riverside Walk", "Southbank", 51.5055, -0.0754),
            ("Canal Street", "Eastford", 51.5390, -0.0550),
            ("Broadway", "Westfield", 51.4965, -0.2010),
            ("Arena Gate", "Northgate", 51.5560, -0.2795),
        ),
        1300,
        0.0,
    ),
    ForcePlan(
        "EVC",
        "Eastvale Constabulary (demo)",
        "Eastvale",
        60,
        Deployment.Kind.VAN,
        ("event", "critical_infrastructure"),
        (
            ("Eastvale Stadium", "Eastvale", 52.6309, 1.2974),
            ("Racecourse Road", "Eastvale", 52.6420, 1.3100),
            ("Festival Field", "Kingsmoor", 52.7100, 1.1800),
        ),
        400,
        0.0,
        mobile_every=10,
    ),
    ForcePlan(
        "WSP",
        "Westshire Police (demo)",
        "Westshire",
        40,
        Deployment.Kind.BODYCAM,
        ("sought_person", "crime_hotspot"),
        (
            ("Westshire City Centre", "Westshire", 51.4545, -2.5879),
            ("Harbourside", "Westshire", 51.4490, -2.6000),
        ),
        300,
        0.35,
    ),
)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; the means here are small, so it is quick and exact enough."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


M = TypeVar("M", bound=models.Model)


def span(deployment: Deployment) -> tuple[datetime, datetime]:
    """The start and end every demo deployment is built with."""
    if deployment.start is None or deployment.end is None:
        raise ValueError(f"Demo deployment {deployment.reference} has no start or end.")
    return deployment.start, deployment.end


class DemoBuilder:
    def __init__(self, seed: int = SEED, last_day: date | None = None):
        self.rng = random.Random(seed)
        self.first_day = first_day(last_day or timezone.localdate())
        self.created = 0
        self.use_cases = {u.code: u for u in UseCase.objects.filter(force=None)}
        self.categories = list(WatchlistCategory.objects.filter(force=None).order_by("code"))
        self.outcomes = {o.code: o for o in Outcome.objects.filter(force=None)}
        self.offences = list(OffenceType.objects.filter(force=None).order_by("code"))

    def create(self, instance: M) -> M:
        record_create(user=None, instance=instance)
        self.created += 1
        return instance

    def build(self) -> int:
        systems = self.systems()
        for plan in FORCES:
            with transaction.atomic():
                force = self.force(plan)
                for number in range(1, plan.deployments + 1):
                    self.deployment(plan, force, systems, number)
                for number in range(1, plan.searches + 1):
                    self.search(plan, force, systems, number)
        self.publishing_force()
        return self.created

    def publishing_force(self) -> Force:
        """The Met, whose published grids are in ../shared/data: it has no users here, and its
        records come only from importing what it publishes (an import never creates a force)."""
        existing = Force.objects.filter(code=PUBLISHING_FORCE[0]).first()
        code, name, jurisdiction = PUBLISHING_FORCE
        return existing or self.create(Force(code=code, name=name, jurisdiction=jurisdiction))

    def systems(self) -> dict[str, System]:
        specs = {
            "lfr": ("NEC", "NeoFace Live", "V4 / M40", "lfr"),
            "bodycam": ("NEC", "NeoFace Mobile", "V4", "bodycam"),
            "rfr": ("NEC", "NeoFace Reveal", "V5", "rfr"),
            "oifr": ("NEC", "NeoFace OIFR", "V1", "oifr"),
        }
        found = {}
        for key, (vendor, algorithm, version, mode) in specs.items():
            system = System.objects.filter(
                vendor=vendor, algorithm=algorithm, version=version, mode=mode
            ).first()
            found[key] = system or self.create(
                System(vendor=vendor, algorithm=algorithm, version=version, mode=mode)
            )
        return found

    def force(self, plan: ForcePlan) -> Force:
        existing = Force.objects.filter(code=plan.code).first()
        return existing or self.create(
            Force(
                code=plan.code,
                name=plan.name,
                jurisdiction=plan.jurisdiction,
                oversight_bodies=f"{plan.jurisdiction} Police and Crime Commissioner\n"
                "Biometrics and Surveillance Camera Commissioner",
            )
        )

    def threshold(self, plan: ForcePlan, day: date) -> Decimal:
        if plan.code != "NMP":
            return Decimal("0.60")
        days = (day - self.first_day).days
        if days < THRESHOLD_STEPS[0]:
            return Decimal("0.60")
        return Decimal("0.62") if days < THRESHOLD_STEPS[1] else Decimal("0.64")

    def deployment(
        self, plan: ForcePlan, force: Force, systems: dict[str, System], number: int
    ) -> None:
        rng = self.rng
        reference = f"{plan.code}-D{number:04d}"
        day = self.first_day + timedelta(days=int((number - 0.5) * DAYS / plan.deployments))
        draws: dict[str, Any] = {
            "place": rng.choice(plan.places),
            "use_case": rng.choice(plan.use_cases),
            "start_hour": rng.randint(8, 14),
            "hours": rng.randint(3, 8),
            "size": rng.randint(6000, 16000),
            "faces": rng.randint(1000, 35000),
            "seed": rng.getrandbits(32),
        }
        if Deployment.objects.filter(force=force, reference=reference).exists():
            return  # drawn anyway, so that the records after it come out the same
        sub = random.Random(draws["seed"])
        start = at(day, draws["start_hour"])
        end = start + timedelta(hours=draws["hours"])
        threshold = self.threshold(plan, day)
        mobile = plan.mobile_every and number % plan.mobile_every == 0
        kind = Deployment.Kind.MOBILE if mobile else plan.kind
        worn = kind in (Deployment.Kind.BODYCAM, Deployment.Kind.MOBILE)  # device sessions
        authorisation = self.authorisation(force, reference, start, end, draws["use_case"], sub)
        watchlist = self.watchlist(force, reference, start, draws["size"], sub)
        name, borough, lat, lon = draws["place"]
        deployment = self.create(
            Deployment(
                force=force,
                reference=reference,
                kind=kind,
                authorisation=authorisation,
                watchlist=watchlist,
                use_case=self.use_cases[draws["use_case"]],
                system=systems["bodycam" if worn else "lfr"],
                location_name=name,
                borough=borough,
                latitude=Decimal(f"{lat:.5f}"),
                longitude=Decimal(f"{lon:.5f}"),
                date=day,
                start=start,
                end=end,
                cameras=sub.randint(1, 3),
                threshold=threshold,
                nonmatch_biometrics_deleted_at=end,
                alert_data_deleted_at=end + timedelta(days=sub.randint(1, 40)),
                footage_deleted_at=end + timedelta(days=sub.randint(20, 35)),
            )
        )
        faces = draws["faces"]
        sessions = self.device_sessions(deployment, faces, sub) if worn else []
        self.faces_seen(deployment, faces, sub)
        self.alerts(deployment, faces, threshold, sessions, sub)
        self.finish(deployment, watchlist, authorisation, day, sub)

    def authorisation(
        self,
        force: Force,
        reference: str,
        start: datetime,
        end: datetime,
        use_case: str,
        rng: random.Random,
    ) -> Authorisation:
        urgent = rng.random() < 0.05
        authorised_at = start - timedelta(hours=rng.choice([2, 20, 48, 96]))
        return self.create(
            Authorisation(
                force=force,
                reference=f"{reference}-AUTH",
                ao_identifier=f"S{rng.randint(1000, 9999)}",
                ao_rank=rng.choice([Rank.SUPERINTENDENT] * 9 + [Rank.CHIEF_INSPECTOR]),
                authorised_at=authorised_at,
                valid_from=start - timedelta(hours=1),
                valid_to=end + timedelta(hours=1),
                urgent=urgent,
                written_confirmation_at=authorised_at + timedelta(hours=rng.choice([3, 12, 30]))
                if urgent
                else None,
                legal_basis="Common law policing powers; DPA 2018 s.35",
                policy_paragraph="LFR policy 4.2",
                use_case=self.use_cases[use_case],
                intelligence_case="Recent crime pattern and outstanding wanted persons.",
                watchlist_justification="Persons wanted by the courts or for serious offences.",
                location_justification="Footfall and crime data for the area.",
                necessity="Less intrusive tactics have not located the persons sought.",
                alternatives_considered="Patrols; CCTV review; media appeals.",
                dpia_reference="DPIA-LFR-2024",
                equality_impact_reference="EIA-LFR-2024",
                policy_document_reference="APD-LFR-2024",
                public_notice_at=start - timedelta(days=1) if rng.random() < 0.95 else None,
                public_notice_method="Force website and signage at the site",
            )
        )

    def watchlist(
        self, force: Force, reference: str, start: datetime, size: int, rng: random.Random
    ) -> Watchlist:
        watchlist = self.create(
            Watchlist(
                force=force,
                reference=f"{reference}-WL",
                compiled_at=start - timedelta(hours=6),
                approved_by=f"S{rng.randint(1000, 9999)}",
                reviewed_at=start - timedelta(hours=2) if rng.random() < 0.97 else None,
                reviewed_by=f"I{rng.randint(1000, 9999)}",
                size=size,
                under_18s=rng.randint(0, size // 200),
                not_wanted_for_arrest=rng.randint(0, size // 20),
                image_sources="Custody images",
                oldest_image_age_days=rng.randint(200, 3650),
            )
        )
        shares = [0.45, 0.35, 0.12, 0.04, 0.03, 0.01]
        remaining = size
        for category, share in zip(self.categories, shares, strict=False):
            count = round(size * share) if category is not self.categories[-1] else remaining
            count = min(count, remaining)
            remaining -= count
            self.create(WatchlistCategoryCount(watchlist=watchlist, category=category, count=count))
        return watchlist

    def device_sessions(
        self, deployment: Deployment, faces: int, rng: random.Random
    ) -> list[DeviceSession]:
        sessions, left = [], faces
        count = rng.randint(3, 8)
        for index in range(count):
            share = left if index == count - 1 else rng.randint(0, left // 2)
            left -= share
            start = span(deployment)[0] + timedelta(minutes=30 * index)
            sessions.append(
                self.create(
                    DeviceSession(
                        deployment=deployment,
                        external_id=f"{deployment.reference}-S{index + 1}",
                        device_id=f"BWV-{rng.randint(100, 999)}",
                        officer_reference=f"PC{rng.randint(1000, 9999)}",
                        start=start,
                        end=start + timedelta(hours=2),
                        faces_seen=share,
                        alerts=0,
                    )
                )
            )
        return sessions

    def faces_seen(self, deployment: Deployment, faces: int, rng: random.Random) -> None:
        """The first estimate, and for a few deployments a later revised one (both kept)."""
        first = faces if rng.random() > 0.05 else round(faces * rng.uniform(0.4, 0.7))
        self.create(
            FacesSeenRevision(
                deployment=deployment,
                value=first,
                as_of=deployment.date,
                source="Operational log on the day",
            )
        )
        if first != faces:
            self.create(
                FacesSeenRevision(
                    deployment=deployment,
                    value=faces,
                    as_of=deployment.date + timedelta(days=30),
                    source="Revised estimate from system logs",
                )
            )

    def alerts(
        self,
        deployment: Deployment,
        faces: int,
        threshold: Decimal,
        sessions: list[DeviceSession],
        rng: random.Random,
    ) -> None:
        true_count = poisson(rng, faces / 6000)
        false_count = poisson(rng, faces / rng.choice([30000, 60000, 120000, 300000]))
        kinds = [True] * true_count + [False] * false_count
        rng.shuffle(kinds)
        for index, is_true in enumerate(kinds):
            session = rng.choice(sessions) if sessions else None
            self.alert(deployment, index, is_true, threshold, session, rng)

    def alert(
        self,
        deployment: Deployment,
        index: int,
        is_true: bool,
        threshold: Decimal,
        session: DeviceSession | None,
        rng: random.Random,
    ) -> None:
        engaged = rng.random() < (0.85 if is_true else 0.6)
        kind = {
            (True, True): AlertKind.TRUE_CONFIRMED,
            (True, False): AlertKind.TRUE_UNCONFIRMED,
            (False, True): AlertKind.FALSE_CONFIRMED,
            (False, False): AlertKind.FALSE_UNCONFIRMED,
        }[(is_true, engaged)]
        outcome = None
        if engaged:
            if is_true:
                outcome = rng.choices(
                    ["arrest", "conditions_checked", "safeguarding", "no_action"], [55, 25, 10, 10]
                )[0]
            else:
                outcome = "no_action"
        occurred = span(deployment)[0] + timedelta(minutes=rng.randint(5, 170))
        self.create(
            Alert(
                deployment=deployment,
                device_session=session,
                external_id=f"{deployment.reference}-A{index + 1}",
                occurred_at=occurred,
                score=threshold + Decimal(rng.randint(0, 300)) / 1000,
                threshold=threshold,
                watchlist_category=rng.choices(self.categories, [45, 35, 12, 4, 3, 1])[0],
                adjudicated_by=f"PC{rng.randint(1000, 9999)}",
                adjudication_reason="Operator comparison of live image and reference image",
                kind=kind,
                engaged=engaged,
                engagement_duration=timedelta(minutes=rng.randint(2, 25)) if engaged else None,
                outcome=self.outcomes[outcome] if outcome else None,
                verification_method="Identity document or police systems check" if engaged else "",
                perceived_sex=rng.choices(
                    [PerceivedSex.MALE, PerceivedSex.FEMALE, PerceivedSex.UNKNOWN], [78, 20, 2]
                )[0],
                perceived_age_band=rng.choices(
                    [
                        PerceivedAgeBand.AGE_18_24,
                        PerceivedAgeBand.AGE_25_34,
                        PerceivedAgeBand.AGE_35_44,
                        PerceivedAgeBand.AGE_45_54,
                        PerceivedAgeBand.AGE_55_64,
                        PerceivedAgeBand.UNKNOWN,
                    ],
                    [22, 34, 23, 12, 6, 3],
                )[0],
                perceived_ethnic_group=rng.choices(
                    [
                        PerceivedEthnicGroup.WHITE,
                        PerceivedEthnicGroup.BLACK,
                        PerceivedEthnicGroup.ASIAN,
                        PerceivedEthnicGroup.MIXED,
                        PerceivedEthnicGroup.OTHER,
                        PerceivedEthnicGroup.UNKNOWN,
                    ],
                    [52, 22, 14, 6, 3, 3],
                )[0],
                complaint_raised=rng.random() < 0.01,
                biometric_data_deleted_at=occurred + timedelta(days=rng.randint(1, 31)),
            )
        )

    def finish(
        self,
        deployment: Deployment,
        watchlist: Watchlist,
        authorisation: Authorisation,
        day: date,
        rng: random.Random,
    ) -> None:
        """Derive the deployment's counts from its alerts, then submit and review most of it."""
        latest = deployment.faces_seen_revisions.order_by("-as_of").first()
        if latest is None:
            raise ValueError(f"Demo deployment {deployment.reference} has no faces-seen figure.")
        faces = latest.value
        counts = {"faces_seen": faces, **alert_counts(deployment)}
        record_update(user=None, instance=deployment, data=counts)
        if day > self.first_day + timedelta(days=DAYS - 21):
            return  # the last three weeks are still drafts
        end = span(deployment)[1]
        destroyed_at = end + timedelta(hours=rng.choice([1, 2, 30]))
        record_update(user=None, instance=watchlist, data={"destroyed_at": destroyed_at})
        for record in (authorisation, watchlist, deployment):
            record_submit(user=None, instance=record)
        if rng.random() < 0.03:
            # A later, higher published estimate, as when the Met revised ~15,600 to 34,286.
            deployment_revise_faces_seen(
                user=None,
                deployment=deployment,
                value=round(deployment.faces_seen * 1.6),
                as_of=day + timedelta(days=90),
                source="Revised figure in the annual grid",
                reason="The force republished a higher estimate from the system logs.",
            )
        if rng.random() < 0.9:
            review = self.create(
                PostDeploymentReview(
                    deployment=deployment,
                    reviewer=f"CI{rng.randint(1000, 9999)}",
                    reviewed_at=end + timedelta(days=rng.randint(2, 40)),
                    findings="Ran as authorised; alerts adjudicated by trained operators.",
                    concerns="" if rng.random() < 0.8 else "Signage at one entrance was obscured.",
                )
            )
            record_submit(user=None, instance=review)

    def search(
        self, plan: ForcePlan, force: Force, systems: dict[str, System], number: int
    ) -> None:
        rng = self.rng
        external_id = f"{plan.code}-S{number:05d}"
        oifr = rng.random() < plan.oifr_share
        day = self.first_day + timedelta(days=rng.randrange(DAYS))
        occurred = at(day, rng.randint(0, 23), rng.randint(0, 59))
        seed = rng.getrandbits(32)
        if Search.objects.filter(force=force, external_id=external_id).exists():
            return
        sub = random.Random(seed)
        candidates = sub.choices([0, 1, 2, 3, 6], [35, 30, 15, 10, 10])[0]
        possible = candidates > 0 and sub.random() < 0.7
        second = sub.random() < 0.85
        outcome = (
            Search.Outcome.LEAD
            if possible
            else Search.Outcome.ELIMINATED
            if candidates
            else Search.Outcome.NO_MATCH
        )
        corroborated = possible and sub.random() < 0.8
        search = self.create(
            Search(
                force=force,
                external_id=external_id,
                mode=Search.Mode.OIFR if oifr else Search.Mode.RFR,
                occurred_at=occurred,
                requesting_officer=f"PC{sub.randint(1000, 9999)}",
                requesting_unit=sub.choice(
                    ["CID", "Response", "Neighbourhood", "Public Protection"]
                ),
                operator=f"OP{sub.randint(100, 999)}",
                operator_trained=sub.random() < 0.97,
                crime_reference=f"CR/{occurred:%Y}/{sub.randint(10000, 99999)}",
                offence_type=sub.choice(self.offences),
                seriousness=sub.choice(list(Search.Seriousness.values)),
                purpose=Search.Purpose.SUSPECT
                if oifr or sub.random() < 0.8
                else sub.choice(list(Search.Purpose.values)),
                reason="Identify the person shown in the image.",
                probe_source=Search.ProbeSource.OFFICER_PHONE
                if oifr
                else sub.choice(
                    ["cctv", "cctv", "cctv", "doorbell", "social_media", "bodycam", "phone"]
                ),
                database_searched="Police National Database custody images",
                database_size=sub.randint(15_000_000, 19_000_000),
                system=systems["oifr" if oifr else "rfr"],
                rank_limit=6,
                candidates_returned=candidates,
                first_reviewer=f"OP{sub.randint(100, 499)}",
                first_review_decision="possible_match" if possible else "no_match",
                second_reviewer=f"OP{sub.randint(500, 999)}" if second else "",
                second_review_decision=("possible_match" if possible else "no_match")
                if second
                else "",
                outcome=outcome,
                corroboration_recorded=corroborated,
                arrest=corroborated and sub.random() < 0.5,
                oifr_legal_condition=sub.choice(
                    ["refused_details", "false_details", "unconscious", "incapable"]
                )
                if oifr
                else "",
                probe_deleted_at=occurred + timedelta(days=sub.randint(1, 60)),
            )
        )
        if occurred.date() < self.first_day + timedelta(days=DAYS - 21):
            record_submit(user=None, instance=search)


def alert_counts(deployment: Deployment) -> dict[str, int]:
    """A deployment's published-style counts derived from its alert records."""
    kinds = {kind: 0 for kind in AlertKind.values}
    outcomes = {kind: 0 for kind in Outcome.Kind.values}
    engaged = {True: 0, False: 0}
    for alert in deployment.alerts.select_related("outcome"):
        kinds[alert.kind] += 1
        is_true = alert.kind.startswith("true")
        engaged[is_true] += alert.engaged
        if alert.outcome is not None:
            outcomes[alert.outcome.kind] += 1
    return {
        "total_alerts": sum(kinds.values()),
        **kinds,
        "true_alert_engagements": engaged[True],
        "false_alert_engagements": engaged[False],
        "arrests": outcomes["arrest"],
        "other_disposals": outcomes["other_disposal"],
        "no_action": outcomes["no_action"],
    }
