"""The people and records every test starts from, built once per test database in well under a
second through the audited services (healthchecks builds its three personas the same way).

Two forces, NMP and EVC, each with a recorder, a reviewer and an authorising officer; a
commissioner, an auditor and an administrator; and for each force the same small register
(`PLAN`, `SEARCHES`): deployments of every kind in 2024 and 2025, each with its authorisation,
its watchlist and category counts, its faces-seen revisions and its alerts; device sessions under
the bodycam deployments; searches of both modes; post-deployment reviews; an amendment, a
withdrawal, a record marked reviewed, drafts; the findings the policy rules raise on all that;
and a commissioner review with its messages. MPS is there as the publishing force of the Met's
grids: no users, no records. Tests read numbers from the plan (`count`), not from the demo.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from audits.compliance.models import PolicyProfile
from audits.oversight import services as reviews
from audits.oversight.models import CommissionerReview
from audits.register import roles
from audits.register.models import (
    Alert,
    AlertKind,
    Authorisation,
    Deployment,
    DeviceSession,
    FacesSeenRevision,
    Force,
    Membership,
    OffenceType,
    Outcome,
    PerceivedAgeBand,
    PerceivedEthnicGroup,
    PerceivedSex,
    PostDeploymentReview,
    Rank,
    Search,
    Status,
    System,
    UseCase,
    Watchlist,
    WatchlistCategory,
    WatchlistCategoryCount,
)
from audits.register.services.deployments import deployment_revise_faces_seen
from audits.register.services.published import (
    publication_create,
    published_deployment_create,
    published_row_create,
)
from audits.register.services.records import (
    record_amend,
    record_create,
    record_mark_reviewed,
    record_submit,
    record_update,
    record_withdraw,
)

PASSWORD = "persona-password-1"
LONDON = ZoneInfo("Europe/London")
FORCES = {
    "NMP": ("Northmoor Police (personas)", "Northmoor"),
    "EVC": ("Eastvale Constabulary (personas)", "Eastvale"),
}
PUBLISHING_FORCE = ("MPS", "Metropolitan Police Service", "London")
# A force known only from its published table: one edition of it, two rows.
PUBLISHED_FORCE = ("WSP", "Westshire Police (personas, publishes only)", "Westshire")
FORCE_ROLES = {
    "recorder": roles.FORCE_RECORDER,
    "reviewer": roles.FORCE_REVIEWER,
    "officer": roles.AUTHORISING_OFFICER,
}
ROLE_NAMES = {role: name for name, role in FORCE_ROLES.items()}
TC, TU, FC, FU = (
    AlertKind.TRUE_CONFIRMED,
    AlertKind.TRUE_UNCONFIRMED,
    AlertKind.FALSE_CONFIRMED,
    AlertKind.FALSE_UNCONFIRMED,
)
# Where a record ends up: "reviewed" is submitted then marked reviewed; "withdrawn" is submitted
# then withdrawn; "amended" is submitted then corrected (notes) with a reason.
REVIEWED, SUBMITTED, AMENDED, WITHDRAWN, DRAFT = (
    "reviewed",
    "submitted",
    "amended",
    "withdrawn",
    "draft",
)


@dataclass(frozen=True)
class Planned:
    """One deployment of each force's register, with everything that hangs from it."""

    number: int
    kind: str
    day: date
    use_case: str
    threshold: str
    faces: int
    alerts: tuple[str, ...]
    ends: str  # REVIEWED, SUBMITTED, AMENDED, WITHDRAWN or DRAFT
    sessions: int = 0  # device sessions (bodycam)
    revised_faces: int | None = None  # a later published estimate, after submission
    urgent: bool = False
    review: bool = False  # a post-deployment review, submitted
    place: str = "Market Square"

    def reference(self, code: str) -> str:
        return f"{code}-P{self.number:02d}"

    @property
    def status(self) -> str:
        return {REVIEWED: Status.REVIEWED, WITHDRAWN: Status.WITHDRAWN, DRAFT: Status.DRAFT}.get(
            self.ends, Status.SUBMITTED
        )

    @property
    def mode(self) -> str:
        return "bodycam" if self.kind in ("bodycam", "mobile") else "lfr"


PLAN = (
    Planned(1, "van", date(2024, 3, 12), "crime_hotspot", "0.60", 12000, (TC, TC, TU, FC),
            REVIEWED, review=True),
    Planned(2, "fixed", date(2024, 10, 5), "sought_person", "0.62", 8000, (TC, FU), SUBMITTED,
            urgent=True, review=True, place="Station Approach"),
    Planned(3, "bodycam", date(2025, 2, 14), "sought_person", "0.60", 3000, (TC, TU, FC),
            SUBMITTED, sessions=2, review=True, place="High Street"),
    Planned(4, "mobile", date(2025, 5, 20), "event", "0.64", 2000, (TC,), SUBMITTED,
            revised_faces=3200, place="Stadium Gate"),
    Planned(5, "van", date(2025, 9, 1), "crime_hotspot", "0.64", 15000, (TC, TC, TU, FU, FC),
            AMENDED, review=True),
    Planned(6, "van", date(2024, 6, 1), "crime_hotspot", "0.60", 4000, (FU,), WITHDRAWN,
            place="Riverside Walk"),
    Planned(7, "van", date(2025, 11, 20), "event", "0.64", 5000, (TC,), DRAFT,
            place="Stadium Gate"),
    Planned(8, "bodycam", date(2025, 12, 1), "sought_person", "0.60", 900, (), DRAFT,
            sessions=1, place="High Street"),
)  # fmt: skip
# Number 8 is a draft with no authorisation or watchlist: a part-filled record.
BARE = {8}


@dataclass(frozen=True)
class PlannedSearch:
    number: int
    mode: str
    day: date
    purpose: str
    source: str
    candidates: int
    ends: str

    def external_id(self, code: str) -> str:
        return f"{code}-Q{self.number:03d}"


SEARCHES = (
    PlannedSearch(1, "rfr", date(2024, 4, 2), "suspect", "cctv", 2, SUBMITTED),
    PlannedSearch(2, "rfr", date(2025, 3, 10), "missing", "doorbell", 0, SUBMITTED),
    PlannedSearch(3, "rfr", date(2025, 7, 15), "victim", "phone", 1, DRAFT),
    PlannedSearch(4, "oifr", date(2025, 8, 1), "suspect", "officer_phone", 1, SUBMITTED),
    PlannedSearch(5, "rfr", date(2024, 12, 9), "suspect", "social_media", 3, WITHDRAWN),
)


def count(**wanted) -> int:
    """How many of one force's planned deployments match, e.g. count(mode="lfr", year=2025)."""

    def fits(planned: Planned) -> bool:
        values = {**planned.__dict__, "year": planned.day.year, "status": planned.status}
        values["mode"] = planned.mode
        return all(
            values[key] in value if isinstance(value, (set, tuple, list)) else values[key] == value
            for key, value in wanted.items()
        )

    return sum(1 for planned in PLAN if fits(planned))


# People ------------------------------------------------------------------------------------


def person(username: str, role: str, force_code: str | None = None):
    """The user with this name, created with the role (and force) if it is not there yet."""
    model = get_user_model()
    if not model.objects.filter(username=username).exists():
        with transaction.atomic():  # a membership is audited: it commits with its event
            email = f"{username}@example.org"  # each step that hands them work emails them
            user = model.objects.create_user(
                username, email=email, password=PASSWORD, is_staff=True
            )
            user.groups.add(Group.objects.get(name=role))
            if force_code:
                Membership.objects.create(user=user, force=Force.objects.get(code=force_code))
    return model.objects.get(username=username)  # fresh, without cached permissions


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


def administrator():
    return person("administrator-test", roles.ADMINISTRATOR)


def enrolled(user) -> TOTPDevice:
    """The user's confirmed authenticator-app device, created if need be."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The device's current code. django-otp refuses a code twice in one 30 s step, so tests that
    sign in twice forget the last step used (as if the next step had come)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


# The first backend that can load a session's user, as the test client's force_login picks
# (django-axes's backend only refuses sign-ins).
SESSION_BACKEND = next(
    path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
)


def login(client, user):
    """Signs `client` in as `user` with the second factor passed, as the admin's verification
    page would leave the session: the user, the backend, the password's hash, and django-otp's
    key naming a confirmed TOTP device. The session is written directly, without the sign-in
    signals (the ledger's login event, the last login): the tests of signing in go through the
    sign-in pages, and the security matrix signs in some 1,700 times."""
    device = enrolled(user)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = SESSION_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


# The register ------------------------------------------------------------------------------


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


class Builder:
    def __init__(self) -> None:
        self.use_cases = {u.code: u for u in UseCase.objects.filter(force=None)}
        self.categories = list(WatchlistCategory.objects.filter(force=None).order_by("code"))
        self.outcomes = {o.code: o for o in Outcome.objects.filter(force=None)}
        self.offence = OffenceType.objects.get(force=None, code="robbery")
        self.systems = {
            mode: self.system(mode, algorithm)
            for mode, algorithm in [
                ("lfr", "NeoFace Live"),
                ("bodycam", "NeoFace Mobile"),
                ("rfr", "NeoFace Reveal"),
                ("oifr", "NeoFace OIFR"),
            ]
        }

    def system(self, mode: str, algorithm: str) -> System:
        found = System.objects.filter(vendor="NEC", algorithm=algorithm, mode=mode).first()
        return found or record_create(
            user=None, instance=System(vendor="NEC", algorithm=algorithm, version="V4", mode=mode)
        )

    def force(self, code: str) -> Force:
        name, jurisdiction = FORCES[code]
        force = record_create(
            user=None,
            instance=Force(
                code=code,
                name=name,
                jurisdiction=jurisdiction,
                oversight_bodies=f"{jurisdiction} Police and Crime Commissioner",
            ),
        )
        for role in FORCE_ROLES.values():
            person(f"{code.lower()}-{ROLE_NAMES[role]}-test", role, code)
        return force

    def register(self, code: str) -> None:
        force = self.force(code)
        for planned in PLAN:
            self.deployment(force, planned)
        for planned in SEARCHES:
            self.search(force, planned)

    def authorisation(self, force, planned: Planned, start, end) -> Authorisation:
        authorised_at = start - timedelta(hours=20)
        return record_create(
            user=None,
            instance=Authorisation(
                force=force,
                reference=f"{planned.reference(force.code)}-AUTH",
                ao_identifier="S1234",
                ao_rank=Rank.SUPERINTENDENT,
                authorised_at=authorised_at,
                valid_from=start - timedelta(hours=1),
                valid_to=end + timedelta(hours=1),
                urgent=planned.urgent,
                written_confirmation_at=authorised_at + timedelta(hours=12)
                if planned.urgent
                else None,
                legal_basis="Common law policing powers; DPA 2018 s.35",
                policy_paragraph="LFR policy 4.2",
                use_case=self.use_cases[planned.use_case],
                necessity="Less intrusive tactics have not located the persons sought.",
                dpia_reference="DPIA-LFR-2024",
                public_notice_at=start - timedelta(days=1),
                public_notice_method="Force website and signage at the site",
            ),
        )

    def watchlist(self, force, planned: Planned, start) -> Watchlist:
        size = 6000 + 1000 * planned.number
        watchlist = record_create(
            user=None,
            instance=Watchlist(
                force=force,
                reference=f"{planned.reference(force.code)}-WL",
                compiled_at=start - timedelta(hours=6),
                approved_by="S1234",
                reviewed_at=start - timedelta(hours=2),
                reviewed_by="I2345",
                size=size,
                under_18s=planned.number,
                not_wanted_for_arrest=10 * planned.number,
                image_sources="Custody images",
                oldest_image_age_days=900,
            ),
        )
        # Half, a third, and the rest in the third category (the list's size in all).
        shares = [size // 2, size // 3]
        for category, share in zip(self.categories, [*shares, size - sum(shares)], strict=False):
            part = WatchlistCategoryCount(watchlist=watchlist, category=category, count=share)
            record_create(user=None, instance=part)
        return watchlist

    def deployment(self, force, planned: Planned) -> None:
        start = at(planned.day, 10)
        end = start + timedelta(hours=6)
        bare = planned.number in BARE
        authorisation = None if bare else self.authorisation(force, planned, start, end)
        watchlist = None if bare else self.watchlist(force, planned, start)
        deployment = record_create(
            user=None,
            instance=Deployment(
                force=force,
                reference=planned.reference(force.code),
                kind=planned.kind,
                authorisation=authorisation,
                watchlist=watchlist,
                use_case=self.use_cases[planned.use_case],
                system=self.systems[planned.mode],
                location_name=planned.place,
                borough="Central",
                date=planned.day,
                start=start,
                end=end,
                cameras=2,
                threshold=Decimal(planned.threshold),
                nonmatch_biometrics_deleted_at=end,
                alert_data_deleted_at=end + timedelta(days=20),
                footage_deleted_at=end + timedelta(days=25),
            ),
        )
        sessions = [self.session(deployment, planned, index) for index in range(planned.sessions)]
        record_create(
            user=None,
            instance=FacesSeenRevision(
                deployment=deployment, value=planned.faces, as_of=planned.day, source="Log"
            ),
        )
        for index, kind in enumerate(planned.alerts):
            session = sessions[index % len(sessions)] if sessions else None
            self.alert(deployment, index, kind, session)
        record_update(
            user=None,
            instance=deployment,
            data={"faces_seen": planned.faces, **counts_of(planned.alerts)},
        )
        if planned.ends != DRAFT:
            self.finish(force, planned, deployment, authorisation, watchlist)

    def session(self, deployment, planned: Planned, index: int) -> DeviceSession:
        start = deployment.start + timedelta(hours=2 * index)
        return record_create(
            user=None,
            instance=DeviceSession(
                deployment=deployment,
                external_id=f"{deployment.reference}-S{index + 1}",
                device_id=f"BWV-{100 + index}",
                officer_reference=f"PC{1000 + index}",
                start=start,
                end=start + timedelta(hours=2),
                faces_seen=planned.faces // planned.sessions,
                alerts=0,
            ),
        )

    def alert(self, deployment, index: int, kind: str, session) -> None:
        engaged = kind in (TC, FC)
        outcome = None
        if engaged:
            outcome = ("arrest", "conditions_checked")[index % 2] if kind == TC else "no_action"
        occurred = deployment.start + timedelta(minutes=10 + 20 * index)
        record_create(
            user=None,
            instance=Alert(
                deployment=deployment,
                device_session=session,
                external_id=f"{deployment.reference}-A{index + 1}",
                occurred_at=occurred,
                score=deployment.threshold + Decimal("0.05"),
                threshold=deployment.threshold,
                watchlist_category=self.categories[index % 3],
                adjudicated_by="PC2001",
                kind=kind,
                engaged=engaged,
                engagement_duration=timedelta(minutes=5) if engaged else None,
                outcome=self.outcomes[outcome] if outcome else None,
                perceived_sex=SEXES[index % len(SEXES)],
                perceived_age_band=AGE_BANDS[index % len(AGE_BANDS)],
                perceived_ethnic_group=ETHNIC_GROUPS[index % len(ETHNIC_GROUPS)],
                biometric_data_deleted_at=occurred + timedelta(days=3),
            ),
        )

    def finish(self, force, planned: Planned, deployment, authorisation, watchlist) -> None:
        code = force.code
        record_update(user=None, instance=watchlist, data={"destroyed_at": deployment.end})
        record_submit(user=officer(code), instance=authorisation)
        record_submit(user=recorder(code), instance=watchlist)
        record_submit(user=recorder(code), instance=deployment)
        if planned.revised_faces:
            deployment_revise_faces_seen(
                user=reviewer(code),
                deployment=deployment,
                value=planned.revised_faces,
                as_of=planned.day + timedelta(days=90),
                source="Revised figure in the annual grid",
                reason="The force republished a higher estimate from the system logs.",
            )
        if planned.review:
            review = record_create(
                user=reviewer(code),
                instance=PostDeploymentReview(
                    deployment=deployment,
                    reviewer="CI3001",
                    reviewed_at=deployment.end + timedelta(days=7),
                    findings="Ran as authorised; alerts adjudicated by trained operators.",
                ),
            )
            record_submit(user=reviewer(code), instance=review)
        if planned.ends == REVIEWED:
            record_mark_reviewed(user=reviewer(code), instance=deployment)
        elif planned.ends == AMENDED:
            record_amend(
                user=reviewer(code),
                instance=deployment,
                data={"notes": "Two cameras, not three."},
                reason="The log was misread.",
            )
        elif planned.ends == WITHDRAWN:
            record_withdraw(
                user=reviewer(code), instance=deployment, reason="Recorded against the wrong day."
            )
            record_withdraw(user=reviewer(code), instance=watchlist, reason="Never deployed.")

    def search(self, force, planned: PlannedSearch) -> None:
        oifr = planned.mode == "oifr"
        occurred = at(planned.day, 14)
        possible = planned.candidates > 0 and planned.number % 2 == 1
        outcome = (
            Search.Outcome.LEAD
            if possible
            else Search.Outcome.ELIMINATED
            if planned.candidates
            else Search.Outcome.NO_MATCH
        )
        search = record_create(
            user=None,
            instance=Search(
                force=force,
                external_id=planned.external_id(force.code),
                mode=planned.mode,
                occurred_at=occurred,
                requesting_officer="PC4001",
                requesting_unit="CID",
                operator="OP101",
                operator_trained=True,
                crime_reference=f"CR/{planned.day:%Y}/{10000 + planned.number}",
                offence_type=self.offence,
                seriousness=Search.Seriousness.SERIOUS,
                purpose=planned.purpose,
                reason="Identify the person shown in the image.",
                probe_source=planned.source,
                database_searched="Police National Database custody images",
                database_size=16_000_000,
                system=self.systems[planned.mode],
                rank_limit=6,
                candidates_returned=planned.candidates,
                first_reviewer="OP201",
                first_review_decision="possible_match" if possible else "no_match",
                second_reviewer="OP701",
                second_review_decision="possible_match" if possible else "no_match",
                outcome=outcome,
                corroboration_recorded=possible,
                oifr_legal_condition="refused_details" if oifr else "",
                probe_deleted_at=occurred + timedelta(days=30),
            ),
        )
        if planned.ends != DRAFT:
            record_submit(user=recorder(force.code), instance=search)
        if planned.ends == WITHDRAWN:
            record_withdraw(user=reviewer(force.code), instance=search, reason="Wrong force.")

    def commissioner_review(self, code: str) -> CommissionerReview:
        """NMP's first deployment under review: the commissioner asked, the force answered."""
        deployment = Deployment.objects.get(reference=PLAN[0].reference(code))
        evaluator = commissioner()
        review = reviews.review_open(
            user=evaluator, deployment=deployment, subject=f"{code} spring 2024 deployment"
        )
        reviews.review_request_information(
            user=evaluator, review=review, text="Send the watchlist's approval record."
        )
        reviews.review_answer(
            user=reviewer(code), review=review, text="Attached: the superintendent's approval."
        )
        # Opened "today" by auto_now_add: put it back in the plan's years, so that tests of
        # the current year's reviews find only their own (saved, so the ledger has it too).
        review.opened_at = at(date(2025, 3, 1), 9)
        review.save(update_fields=["opened_at"])
        return review


SEXES = (PerceivedSex.MALE, PerceivedSex.FEMALE, PerceivedSex.MALE, PerceivedSex.UNKNOWN)
AGE_BANDS = (PerceivedAgeBand.AGE_25_34, PerceivedAgeBand.AGE_18_24, PerceivedAgeBand.UNKNOWN)
ETHNIC_GROUPS = (
    PerceivedEthnicGroup.WHITE,
    PerceivedEthnicGroup.BLACK,
    PerceivedEthnicGroup.ASIAN,
    PerceivedEthnicGroup.UNKNOWN,
)


def counts_of(kinds: tuple[str, ...]) -> dict[str, int]:
    """A deployment's counts from its planned alerts (as alert() engages and disposes them)."""
    true_confirmed = [index for index, kind in enumerate(kinds) if kind == TC]
    return {
        "total_alerts": len(kinds),
        **{kind: kinds.count(kind) for kind in (TC, TU, FC, FU)},
        "true_alert_engagements": kinds.count(TC),
        "false_alert_engagements": kinds.count(FC),
        "arrests": sum(1 for index in true_confirmed if index % 2 == 0),
        "other_disposals": sum(1 for index in true_confirmed if index % 2 == 1),
        "no_action": kinds.count(FC),
    }


@transaction.atomic
def build() -> None:
    """The whole persona register, in one transaction."""
    builder = Builder()
    commissioner(), auditor(), administrator()
    for code in FORCES:
        builder.register(code)
    code, name, jurisdiction = PUBLISHING_FORCE
    record_create(user=None, instance=Force(code=code, name=name, jurisdiction=jurisdiction))
    # The EU AI Act profile judges EVC's records too (the APP profile judges every force's).
    PolicyProfile.objects.get(code="eu-ai-act").forces.add(Force.objects.get(code="EVC"))
    for code in FORCES:
        builder.commissioner_review(code)
    published_table()
    sign_in_traces()


def published_table() -> None:
    """PUBLISHED_FORCE's one publication, as an import writes it: two rows, the second of them
    contradicting itself (1 alert, 1 + 1 true alerts), kept as published."""
    code, name, jurisdiction = PUBLISHED_FORCE
    force = Force(code=code, name=name, jurisdiction=jurisdiction)
    record_create(user=None, instance=force)
    reason = "Import of wsp-grid.pdf (personas)"
    edition = publication_create(
        user=None,
        force=force,
        series="WSP LFR DEPLOYMENTS 2024",
        file_name="wsp-grid.pdf",
        sha256="5" * 64,
        created=at(date(2025, 1, 11), 11),
        layout="met-2023-to-date",
        pages=1,
        rate_of="faces",
        table_flags=[],
        reason=reason,
    )
    rows = [
        ("Market Sq", date(2024, 1, 9), 8_000, 2, 2, 0, "0%"),
        ("High St", date(2024, 1, 10), 14_280, 1, 1, 1, "0%"),
    ]
    for number, (place, day, faces, alerts, confirmed, unconfirmed, rate) in enumerate(rows, 1):
        values = {
            "reference": f"{place} {day:%d/%m/%Y}",
            "location_name": place,
            "date": day,
            "duration": timedelta(hours=5, minutes=18),
            "threshold": Decimal("0.6"),
            "faces_seen": faces,
            "total_alerts": alerts,
            "true_confirmed": confirmed,
            "true_unconfirmed": unconfirmed,
            "false_confirmed": 0,
            "false_unconfirmed": 0,
            "published_false_alert_rate": rate,
            "source_document": "WSP LFR DEPLOYMENTS 2024 (wsp-grid.pdf, created 2025-01-11)",
            "source_page": 1,
        }
        deployment = published_deployment_create(
            user=None, force=force, values=values, watchlist_size=12_418, as_of=day, reason=reason
        )
        published_row_create(
            user=None,
            publication=edition,
            deployment=deployment,
            page=1,
            row=number,
            natural_key=f"{code}|{day.isoformat()}|{place.casefold()}|1",
            cells={"location": place, "date": f"{day:%d/%m/%y}", "total_alerts": str(alerts)},
            qualifiers={},
            date_until=None,
            flags=[],
            reason=reason,
        )


def sign_in_traces() -> None:
    """A row of each sign-in table the administrator looks after: the administrator's API
    token, authenticator app and recovery codes, and a stranger's failed and successful sign-ins.
    Nobody else has an authenticator until a test signs them in (`login`) or enrols them."""
    admin = administrator()
    AuthToken.objects.create(user=admin)
    StaticDevice.objects.create(user=admin, name="Recovery codes", confirmed=True)
    enrolled(admin)
    seen = dict(user_agent="pytest", ip_address="192.0.2.10", http_accept="*/*")
    AccessAttempt.objects.create(
        **seen, username="stranger", path_info="/admin/login/", failures_since_start=1
    )
    AccessFailureLog.objects.create(**seen, username="stranger", path_info="/admin/login/")
    AccessLog.objects.create(**seen, username="administrator-test", path_info="/admin/login/")
