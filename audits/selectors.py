"""Reads that turn records into the frames the metrics take (audits/metrics/columns.py).

Aggregation that the database does well (counting revisions) happens in SQL; each frame is built
from one query's plain tuples, without model instances, so large registers stay fast.
"""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet

from audits.models import Alert, Deployment, Status
from audits.scoping import scope

MODE_OF_KIND = {
    Deployment.Kind.VAN: "lfr",
    Deployment.Kind.FIXED: "lfr",
    Deployment.Kind.BODYCAM: "bodycam",
    Deployment.Kind.MOBILE: "bodycam",
}
KINDS_OF_MODE = {
    "lfr": [Deployment.Kind.VAN, Deployment.Kind.FIXED],
    "bodycam": [Deployment.Kind.BODYCAM, Deployment.Kind.MOBILE],
}


@dataclass(frozen=True)
class ReportFilters:
    date_from: date | None = None
    date_to: date | None = None
    forces: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    submitted_only: bool = False  # the public page: nothing in draft

    def as_dict(self) -> dict:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "force": sorted(self.forces),
            "mode": sorted(self.modes),
        }


def report_deployments(
    filters: ReportFilters, user: AbstractBaseUser | None = None
) -> QuerySet[Deployment]:
    """The deployments a report covers: in the user's scope, never withdrawn ones."""
    queryset = Deployment.objects.exclude(status=Status.WITHDRAWN)
    if filters.submitted_only:
        queryset = queryset.filter(status__in=[Status.SUBMITTED, Status.REVIEWED])
    if user is not None:
        queryset = scope(queryset, user)
    if filters.date_from:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(date__lte=filters.date_to)
    if filters.forces:
        queryset = queryset.filter(force__code__in=filters.forces)
    if filters.modes:
        kinds = [kind for mode in filters.modes for kind in KINDS_OF_MODE.get(mode, [mode])]
        queryset = queryset.filter(kind__in=kinds)
    return queryset


DEPLOYMENT_FIELDS = [
    "reference",
    "force__code",
    "date",
    "location_name",
    "kind",
    "use_case__code",
    "purpose_as_published",
    "threshold",
    "watchlist__size",
    "faces_seen",
    "total_alerts",
    "true_alerts_total",
    "true_confirmed",
    "true_unconfirmed",
    "false_confirmed",
    "false_unconfirmed",
    "true_alert_engagements",
    "false_alert_engagements",
    "arrests",
    "other_disposals",
    "no_action",
    "start",
    "end",
    "duration",
    "published_false_alert_rate",
    "revisions",
]
NUMERIC = [
    "threshold",
    "watchlist_size",
    "faces_seen",
    "alerts",
    "true_total",
    "true_confirmed",
    "true_unconfirmed",
    "false_confirmed",
    "false_unconfirmed",
    "arrests",
    "other_disposals",
    "no_action",
]


def deployments_frame(queryset: QuerySet[Deployment]) -> pd.DataFrame:
    rows = queryset.annotate(revisions=Count("faces_seen_revisions")).values_list(
        *DEPLOYMENT_FIELDS
    )
    raw = pd.DataFrame.from_records(list(rows), columns=DEPLOYMENT_FIELDS)
    frame = pd.DataFrame(
        {
            "record": raw["reference"].astype(str),
            "force": raw["force__code"].astype(str),
            "date": pd.to_datetime(raw["date"]),
            "location": raw["location_name"].astype(str),
            "mode": raw["kind"].map(MODE_OF_KIND),
            "use_case": raw["use_case__code"],
            "purpose": raw["purpose_as_published"],
            "threshold": raw["threshold"],
            "watchlist_size": raw["watchlist__size"],
            "faces_seen": raw["faces_seen"],
            "alerts": raw["total_alerts"],
            "true_total": raw["true_alerts_total"],
            "true_confirmed": raw["true_confirmed"],
            "true_unconfirmed": raw["true_unconfirmed"],
            "false_confirmed": raw["false_confirmed"],
            "false_unconfirmed": raw["false_unconfirmed"],
            "engagements": _sum_of_known(
                raw["true_alert_engagements"], raw["false_alert_engagements"]
            ),
            "arrests": raw["arrests"],
            "other_disposals": raw["other_disposals"],
            "no_action": raw["no_action"],
            "hours": _hours(raw),
            "published_false_alert_rate": raw["published_false_alert_rate"].replace("", None),
            "faces_seen_revised": raw["revisions"] > 1,
        }
    )
    for column in NUMERIC:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def _sum_of_known(first: pd.Series, second: pd.Series) -> pd.Series:
    first, second = (pd.to_numeric(s, errors="coerce") for s in (first, second))
    both_unknown = first.isna() & second.isna()
    return (first.fillna(0) + second.fillna(0)).mask(both_unknown)


def _hours(raw: pd.DataFrame) -> pd.Series:
    span = pd.to_datetime(raw["end"], utc=True) - pd.to_datetime(raw["start"], utc=True)
    published = pd.to_timedelta(raw["duration"])
    return span.fillna(published).dt.total_seconds() / 3600


ALERT_FIELDS = [
    "deployment__reference",
    "deployment__force__code",
    "occurred_at",
    "threshold",
    "score",
    "kind",
    "engaged",
    "outcome__kind",
    "perceived_sex",
    "perceived_age_band",
    "perceived_ethnic_group",
]


def alerts_frame(deployments: QuerySet[Deployment]) -> pd.DataFrame:
    rows = Alert.objects.filter(deployment__in=deployments).values_list(*ALERT_FIELDS)
    raw = pd.DataFrame.from_records(list(rows), columns=ALERT_FIELDS)
    return pd.DataFrame(
        {
            "record": raw["deployment__reference"],
            "force": raw["deployment__force__code"],
            "date": pd.to_datetime(raw["occurred_at"], utc=True),
            "threshold": pd.to_numeric(raw["threshold"], errors="coerce"),
            "score": pd.to_numeric(raw["score"], errors="coerce"),
            "kind": raw["kind"].replace("", None),
            "engaged": raw["engaged"],
            "outcome": raw["outcome__kind"],
            "perceived_sex": raw["perceived_sex"],
            "perceived_age_band": raw["perceived_age_band"],
            "perceived_ethnic_group": raw["perceived_ethnic_group"],
        }
    )
