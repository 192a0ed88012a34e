"""The compliance checks. Each takes a record, the rule's parameters, the record's force and the
time of evaluation, and returns a message saying how the record breaks the rule, or None.

Limits come from the rule's parameters or the force's policy settings, never from constants
here. A check that cannot judge yet (a deadline not reached) returns None: it is judged again
when the record changes and by `evaluate_compliance`.
"""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from audits.metrics.record import alert_rows_differences, false_alerts, true_alerts
from audits.register.models import (
    Alert,
    Authorisation,
    Deployment,
    Force,
    Rank,
    Search,
    Status,
    Watchlist,
)
from audits.register.models.alerts import alert_row_tallies

Check = Callable[[Any, dict[str, Any], Force, datetime], str | None]
CHECKS: dict[str, Check] = {}


def check(function: Check) -> Check:
    CHECKS[function.__name__] = function
    return function


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "never"


def _after(moment: datetime, delta: timedelta) -> datetime:
    """The deadline `delta` after `moment`, in elapsed time. Added in UTC: an aware datetime adds
    a timedelta to its wall clock, so a time loaded in Europe/London and the same time loaded in
    UTC would give deadlines an hour apart across a clock change, and a record would be judged
    one way when written and the other when judged again."""
    return moment.astimezone(UTC) + delta


def deployment_start(deployment: Deployment) -> datetime:
    """The start, or the start of the published day where no time is known."""
    if deployment.start:
        return deployment.start
    return timezone.make_aware(datetime.combine(deployment.date, time.min))


def _overdue(done: datetime | None, due: datetime, now: datetime, what: str) -> str | None:
    if done is None:
        return f"{what} not recorded, due by {_when(due)}" if now > due else None
    if done > due:
        return f"{what} at {_when(done)}, after the limit of {_when(due)}"
    return None


# -- authorisations


@check
def authorised_before_start(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    authorisation = deployment.authorisation
    if authorisation is None:
        return "No authorisation is recorded for this deployment."
    start = deployment_start(deployment)
    if authorisation.authorised_at > start:
        return (
            f"Authorised at {_when(authorisation.authorised_at)}, after the deployment "
            f"started at {_when(start)}."
        )
    return None


@check
def ao_minimum_rank(
    authorisation: Authorisation, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    minimum = params.get("minimum_rank", force.ao_minimum_rank)
    if authorisation.ao_rank < minimum:
        return (
            f"Authorised by a {Rank(authorisation.ao_rank).label}; the policy requires "
            f"{Rank(minimum).label} or above."
        )
    return None


@check
def urgent_confirmed_in_writing(
    authorisation: Authorisation, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if not authorisation.urgent:
        return None
    due = _after(authorisation.authorised_at, timedelta(hours=params["limit_hours"]))
    return _overdue(
        authorisation.written_confirmation_at,
        due,
        now,
        "Urgent oral authority confirmed in writing",
    )


@check
def eu_decision_in_time(
    record: Authorisation | Search, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if record.eu_requested_at is None:
        return None
    due = _after(record.eu_requested_at, timedelta(hours=params["limit_hours"]))
    return _overdue(record.eu_decided_at, due, now, "Authority's decision")


@check
def documents_present(
    authorisation: Authorisation, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    missing = [
        label
        for field, label in (
            ("dpia_reference", "DPIA"),
            ("equality_impact_reference", "equality impact assessment"),
            ("policy_document_reference", "appropriate policy document"),
        )
        if not getattr(authorisation, field).strip()
    ]
    return f"No reference to the {', '.join(missing)}." if missing else None


@check
def public_notice_given(
    authorisation: Authorisation, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if authorisation.public_notice_at is None:
        return "No public notice is recorded."
    if authorisation.public_notice_at > authorisation.valid_from:
        return (
            f"Public notice given at {_when(authorisation.public_notice_at)}, after the "
            f"authority began at {_when(authorisation.valid_from)}."
        )
    return None


# -- watchlists and thresholds


@check
def watchlist_reviewed_before(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    watchlist = deployment.watchlist
    if watchlist is None:
        return "No watchlist is recorded for this deployment."
    start = deployment_start(deployment)
    if watchlist.reviewed_at is None or watchlist.reviewed_at > start:
        return (
            f"Watchlist {watchlist.reference} reviewed {_when(watchlist.reviewed_at)}, not "
            f"before the deployment started at {_when(start)}."
        )
    return None


@check
def watchlist_composition(
    watchlist: Watchlist, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    problems = []
    limit = force.watchlist_maximum_size or params.get("maximum_size")
    if limit and watchlist.size > limit:
        problems.append(f"{watchlist.size:,} images, above the limit of {limit:,}")
    share = params.get("maximum_victim_witness_share")
    if share is not None and watchlist.size:
        count = sum(
            c.count
            for c in watchlist.categories.all()
            if c.category.code == "victim_witness_associate"
        )
        if Decimal(count) / watchlist.size > Decimal(share):
            problems.append(
                f"{count:,} victims, witnesses or associates "
                f"({count / watchlist.size:.1%}), above {Decimal(share):.0%}"
            )
    return "Watchlist " + "; ".join(problems) + "." if problems else None


@check
def threshold_at_least_minimum(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    minimum = params.get("minimum", force.minimum_threshold)
    if deployment.threshold is None:
        return "No threshold is recorded."
    if deployment.threshold < minimum:
        return f"Threshold {deployment.threshold} is below the policy minimum of {minimum}."
    return None


# -- deletion and review after the deployment


def _after_end(
    deployment: Deployment, field: str, delta: timedelta, what: str, now: datetime
) -> str | None:
    if deployment.end is None:
        return None
    return _overdue(getattr(deployment, field), _after(deployment.end, delta), now, what)


@check
def nonmatch_biometrics_deleted(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    grace = timedelta(minutes=params.get("grace_minutes", 0))
    return _after_end(
        deployment, "nonmatch_biometrics_deleted_at", grace, "Non-match biometric data deleted", now
    )


@check
def alert_data_deleted(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    limit = timedelta(days=params.get("days", force.alert_data_retention_days))
    return _after_end(deployment, "alert_data_deleted_at", limit, "Alert data deleted", now)


@check
def footage_deleted(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    limit = timedelta(days=params.get("days", force.footage_retention_days))
    return _after_end(deployment, "footage_deleted_at", limit, "Footage deleted", now)


@check
def watchlist_destroyed(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if deployment.watchlist is None or deployment.end is None:
        return None
    due = _after(deployment.end, timedelta(hours=params.get("hours", 24)))
    return _overdue(deployment.watchlist.destroyed_at, due, now, "Watchlist destroyed")


@check
def reviewed_in_time(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if deployment.end is None:
        return None
    due = _after(deployment.end, timedelta(days=params.get("days", force.review_deadline_days)))
    reviews = [
        r.reviewed_at
        for r in deployment.reviews.all()
        if r.status in (Status.SUBMITTED, Status.REVIEWED)
    ]
    return _overdue(min(reviews, default=None), due, now, "Post-deployment review")


# -- alerts and searches


@check
def alert_rows_agree(
    deployment: Deployment, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    """One source for a deployment's alert figures: where it has alert rows, its recorded
    totals are theirs, or the difference is named (the reports' demographic tables count the
    rows, their summaries the totals)."""
    rows = deployment.alerts.aggregate(**alert_row_tallies())
    recorded = {
        "alerts": deployment.total_alerts,
        "true_alerts": true_alerts(
            deployment.true_confirmed, deployment.true_unconfirmed, deployment.true_alerts_total
        ),
        "false_alerts": false_alerts(deployment.false_confirmed, deployment.false_unconfirmed),
    }
    found = alert_rows_differences(recorded, rows)
    if not found:
        return None
    return f"The recorded alert totals differ from its alert rows: {'; '.join(found)}."


@check
def alert_adjudicated(
    alert: Alert, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    return None if alert.kind else "The alert has no adjudication (true/false) recorded."


@check
def search_offence_and_reason(
    search: Search, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    missing = [
        name
        for name, value in (
            ("offence type", search.offence_type_id),
            ("reason", search.reason.strip()),
        )
        if not value
    ]
    return f"No {' or '.join(missing)} recorded for the search." if missing else None


@check
def search_two_person_review(
    search: Search, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if search.candidates_returned and not search.second_reviewer:
        return "Candidates were returned but no second reviewer is recorded."
    return None


@check
def corroboration_before_arrest(
    search: Search, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if search.arrest and not search.corroboration_recorded:
        return "An arrest followed the search without recorded corroboration (a match is a lead)."
    return None


@check
def oifr_legal_condition(
    search: Search, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if search.mode == search.Mode.OIFR and not search.oifr_legal_condition:
        return "No legal condition is recorded for this operator-initiated search."
    return None


@check
def eu_search_authorised(
    search: Search, params: dict[str, Any], force: Force, now: datetime
) -> str | None:
    if search.eu_authorisation_reference or search.eu_exemption:
        return eu_decision_in_time(search, params, force, now)
    return "No EU authorisation reference or exemption is recorded for the search."
