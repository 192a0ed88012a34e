"""Reads that turn records into the frames the metrics take (audits/metrics/columns.py).

Aggregation that the database does well happens in SQL: counting revisions, the sums behind a
grouped summary (`grouped_deployment_sums`) and the alert counts behind the demographic figures
(`alert_tallies`), so a report reads a few hundred rows, not the register. Each frame is built
from one query's plain tuples, without model instances, so large registers stay fast.
"""

import sys
from collections.abc import Iterator, Sequence
from datetime import timedelta
from itertools import islice

import numpy as np
import pandas as pd
from django.db.models import (
    Case,
    Count,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear

from audits.metrics import DEMOGRAPHIC_ATTRIBUTES
from audits.metrics.quality import ALERT_ROW_COLUMNS
from audits.register.models import Alert, Deployment, Force, PublishedRow, UseCase
from audits.register.models.alerts import alert_row_tallies
from audits.register.models.deployments import MODE_OF_KIND

DEPLOYMENT_FIELDS = [
    "pk",
    "reference",
    "force__code",
    "date",
    "location_name",
    "kind",
    "use_case__code",
    "purpose_as_published",
    "threshold",
    "watchlist__size",
    *Deployment.RESULT_FIELDS,
    "span",
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


def _duration() -> Expression:
    """end - start where both are known, else the published duration (NULL if neither)."""
    span = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    return Coalesce(span, "duration", output_field=DurationField())


# Rows are converted to typed columns this many at a time: a register's worth of Python objects
# (a hundred thousand rows of two dozen values) would take several times the frame's memory.
FRAME_CHUNK = 5_000


def deployments_frame(queryset: QuerySet[Deployment]) -> pd.DataFrame:
    # The span comes as one duration: reading start and end as timestamps costs far more. Rows
    # come in the order they were recorded: Django leaves Meta.ordering out of a query with an
    # aggregate, so without an order PostgreSQL returns them in whatever order its plan makes.
    rows = (
        queryset.annotate(revisions=Count("faces_seen_revisions"), span=_duration())
        .order_by("pk")
        .values_list(*DEPLOYMENT_FIELDS)
        .iterator(chunk_size=FRAME_CHUNK)
    )
    chunks = [_frame_of(chunk) for chunk in _chunks(rows, FRAME_CHUNK)]
    frame = pd.concat(chunks, ignore_index=True) if chunks else _frame_of([])
    return _with_publications(_with_alert_rows(frame, queryset), queryset)


def alert_row_counts(deployments: QuerySet[Deployment]) -> dict[int, tuple[int, int, int]]:
    """(alert rows, adjudicated true, adjudicated false) of each deployment that has alert
    rows, counted in SQL: the figures `metrics.quality` weighs the recorded totals against."""
    rows = (
        Alert.objects.filter(deployment__in=deployments.values("pk"))
        .order_by()
        .values("deployment_id")
        .annotate(**alert_row_tallies())
    )
    return {
        row["deployment_id"]: (row["alerts"], row["true_alerts"], row["false_alerts"])
        for row in rows
    }


def _with_alert_rows(frame: pd.DataFrame, queryset: QuerySet[Deployment]) -> pd.DataFrame:
    counts = alert_row_counts(queryset)
    none = (0, 0, 0)
    for position, column in enumerate(ALERT_ROW_COLUMNS.values()):
        frame[column] = [counts.get(key, none)[position] for key in frame["pk"]]
    return frame


def _with_publications(frame: pd.DataFrame, queryset: QuerySet[Deployment]) -> pd.DataFrame:
    """Each imported record's published defects and what its printed rate is a share of, from
    its latest edition; a publication's own defects (a column that repeats another) once, with
    its first record in the frame."""
    printed = (
        PublishedRow.objects.filter(deployment__in=queryset.values("pk"))
        .order_by("deployment_id", "publication__imported_at", "pk")
        .values_list(
            "deployment_id",
            "flags",
            "publication_id",
            "publication__series",
            "publication__rate_of",
            "publication__table_flags",
        )
    )
    flags: dict[int, list[dict[str, str]]] = {}
    rate_of: dict[int, str] = {}
    tables: dict[int, tuple[int, str, list[dict[str, str]]]] = {}  # its first record
    for deployment, row_flags, publication, series, base, table_flags in printed:
        flags[deployment] = list(row_flags)  # the latest edition's, as it comes last
        rate_of[deployment] = base
        if table_flags:
            tables.setdefault(publication, (deployment, series, table_flags))
    for first, series, table_flags in tables.values():
        flags[first] = [*flags[first], *({**flag, "table": series} for flag in table_flags)]
    keys = frame.pop("pk")
    frame["published_flags"] = pd.Series([flags.get(key) for key in keys], dtype=object)
    frame["rate_of"] = [rate_of.get(key, "faces") for key in keys]
    return frame


def _chunks(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _frame_of(rows: list[tuple]) -> pd.DataFrame:
    """Rows of DEPLOYMENT_FIELDS as a deployment frame (audits/metrics/columns.py)."""
    raw = pd.DataFrame.from_records(rows, columns=DEPLOYMENT_FIELDS)
    frame = pd.DataFrame(
        {
            "pk": raw["pk"],
            "record": raw["reference"].astype(str),
            "force": _shared(raw["force__code"].astype(str)),
            "date": pd.to_datetime(raw["date"]),
            "location": _shared(raw["location_name"].astype(str)),
            "mode": raw["kind"].map(MODE_OF_KIND),
            "use_case": _shared(raw["use_case__code"]),
            "purpose": _shared(raw["purpose_as_published"]),
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


def _shared(text: pd.Series) -> pd.Series:
    """A column of repeated strings (forces, places) with one object per distinct string, not
    one per row as the database driver returns them: the frame and the report rows refer to it.
    """
    return text.map(lambda value: sys.intern(value) if isinstance(value, str) else value)


def _sum_of_known(first: pd.Series, second: pd.Series) -> pd.Series:
    first, second = (pd.to_numeric(s, errors="coerce") for s in (first, second))
    both_unknown = first.isna() & second.isna()
    return (first.fillna(0) + second.fillna(0)).mask(both_unknown)


def _hours(raw: pd.DataFrame) -> pd.Series:
    """end - start where both are known, else the published duration (`_duration`), in hours."""
    return pd.to_timedelta(raw["span"]).dt.total_seconds() / 3600


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


# --- Condensed deployments: a grouped summary from a GROUP BY (audits/metrics/deployments.py) ---

# The fields a summary sums, by the deployment-frame column they become. Hours is summed as
# durations: end - start where both are known, else the published duration (as `_hours`).
SUMMED_FIELDS = {
    "faces_seen": "faces_seen",
    "alerts": "total_alerts",
    "true_total": "true_alerts_total",
    "true_confirmed": "true_confirmed",
    "true_unconfirmed": "true_unconfirmed",
    "false_confirmed": "false_confirmed",
    "false_unconfirmed": "false_unconfirmed",
    "true_alert_engagements": "true_alert_engagements",
    "false_alert_engagements": "false_alert_engagements",
    "arrests": "arrests",
    "other_disposals": "other_disposals",
    "no_action": "no_action",
}
# Dates are truncated to the finest date key asked for: a month tells its quarter and year.
DATE_GRAINS = (("month", TruncMonth), ("quarter", TruncQuarter), ("year", TruncYear))
KEY_FIELDS = {
    "force": "force",
    "threshold": "threshold",
    "use_case": "use_case",
    "location": "location_name",
    "mode": "kind",
}


def _duration_known() -> Q:
    return Q(start__isnull=False, end__isnull=False) | Q(duration__isnull=False)


def _complete() -> Q:
    """Deployments with every summed value known (the published true total aside: a known
    split replaces it), as most of a register's are: they need no grouping by unknown fields.
    """
    known = {f"{field}__isnull": False for field in SUMMED_FIELDS.values()}
    del known["true_alerts_total__isnull"]
    return Q(**known) & _duration_known()


def _unknown_fields() -> Expression:
    """One number per combination of unknown fields (a bit per summed field), to group by."""
    unknown = [Q(**{f"{field}__isnull": True}) for field in SUMMED_FIELDS.values()]
    unknown.append(~_duration_known())
    bits = [
        Case(When(condition, then=Value(1 << bit)), default=Value(0))
        for bit, condition in enumerate(unknown)
    ]
    return sum(bits[1:], bits[0])


def _key_expressions(group_by: Sequence[str]) -> dict[str, Expression | F]:
    keys: dict[str, Expression | F] = {}
    grain = next((trunc for key, trunc in DATE_GRAINS if key in group_by), None)
    if grain is not None:
        keys["key_date"] = grain("date")
    for key in sorted(set(group_by) & KEY_FIELDS.keys()):
        keys[f"key_{key}"] = F(KEY_FIELDS[key])
    return keys


def _sum_expressions() -> dict[str, Expression]:
    sums: dict[str, Expression] = {"deployments": Count("pk")}
    sums.update({f"sum_{column}": Sum(field) for column, field in SUMMED_FIELDS.items()})
    sums["sum_duration"] = Sum(_duration())
    return sums


SUM_ALIASES = ("deployments", *(f"sum_{column}" for column in SUMMED_FIELDS), "sum_duration")


def _codes(model: type[Force | UseCase], ids: pd.Series) -> pd.Series:
    """Ids of a reference table (forces, use cases) as their codes; None stays None."""
    known = [int(value) for value in ids.dropna().unique()]
    codes = dict(model.objects.filter(pk__in=known).values_list("pk", "code"))
    return ids.map(codes)


def _keys_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """The deployment frame's key columns from the grouped keys (`deployments_frame`)."""
    keys = pd.DataFrame(index=raw.index)
    if "key_date" in raw:
        keys["date"] = pd.to_datetime(raw["key_date"])
    if "key_force" in raw:
        keys["force"] = _codes(Force, raw["key_force"])
    if "key_threshold" in raw:
        keys["threshold"] = pd.to_numeric(raw["key_threshold"]).astype("float64")
    if "key_use_case" in raw:
        keys["use_case"] = _codes(UseCase, raw["key_use_case"])
    if "key_location" in raw:
        keys["location"] = raw["key_location"]
    if "key_mode" in raw:
        keys["mode"] = raw["key_mode"].map(MODE_OF_KIND)
    return keys


def _condensed_frame(raw: pd.DataFrame) -> pd.DataFrame:
    sums = raw[[f"sum_{column}" for column in SUMMED_FIELDS]].astype("float64")
    sums.columns = list(SUMMED_FIELDS)
    frame = pd.concat([_keys_frame(raw), sums], axis=1)
    frame["deployments"] = raw["deployments"].astype("int64")
    frame["engagements"] = _sum_of_known(
        frame.pop("true_alert_engagements"), frame.pop("false_alert_engagements")
    )
    frame["hours"] = [
        np.nan if span is None else span / timedelta(hours=1) for span in raw["sum_duration"]
    ]
    return frame


def condensed_deployments(
    queryset: QuerySet[Deployment], group_by: Sequence[str] = ()
) -> pd.DataFrame:
    """These deployments as a short deployment frame for `metrics.summarise`: deployments with
    the same group_by keys (dates truncated to the finest date key asked for) and the same
    unknown fields are added up in SQL into one row, and its `deployments` column says how many
    it stands for. Within such a row each field is known in all or none of its deployments (or,
    for complete deployments, the split that replaces the published true total is), so the
    rules for unknowns apply to its sums as they would to each deployment, and
    `summarise(frame, group_by)` gives the figures `summarise(deployments_frame(...), group_by)`
    gives, for group_by or any coarser grouping (the totals: no key).
    """
    keys = _key_expressions(group_by)
    queryset = queryset.order_by()
    # Two GROUP BYs: the complete deployments by their keys alone (a hash aggregate of a few
    # hundred groups), the rest also by their unknown fields. In one query, the planner would
    # take every deployment for a group of its own and sort the register on disk.
    rows = [
        *_sums_by(queryset.filter(_complete()), keys),
        *_sums_by(queryset.exclude(_complete()), {**keys, "unknown_fields": _unknown_fields()}),
    ]
    return _condensed_frame(pd.DataFrame.from_records(rows, columns=[*keys, *SUM_ALIASES]))


def _sums_by(queryset: QuerySet[Deployment], keys: dict[str, Expression | F]) -> list[dict]:
    """The sums per combination of keys; with no key, the one total, if anything was added."""
    if keys:
        return list(queryset.values(**keys).annotate(**_sum_expressions()))
    total = queryset.aggregate(**_sum_expressions())
    return [total] if total["deployments"] else []


# --- Alert tallies: the demographic figures' counts (audits/metrics/demographics.py) ----------


def alert_tallies(deployments: QuerySet[Deployment]) -> pd.DataFrame:
    """ALERT_TALLY_COLUMNS for the alerts of these deployments: one row per kind and perceived
    sex, age band and ethnic group, counted in SQL (a few hundred rows, whatever the register).
    """
    columns = ["kind", *DEMOGRAPHIC_ATTRIBUTES]
    rows = (
        Alert.objects.filter(deployment__in=deployments)
        .order_by()
        .values_list(*columns)
        .annotate(count=Count("pk"))
    )
    frame = pd.DataFrame.from_records(list(rows), columns=[*columns, "count"])
    frame["kind"] = frame["kind"].replace("", None)
    frame["count"] = frame["count"].astype("int64")
    return frame
