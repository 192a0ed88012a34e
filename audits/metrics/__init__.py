"""The metrics: pure functions over pandas DataFrames (no ORM, no I/O, no Django).

Flow: records -> selector -> frame (see `columns`) -> metrics -> renderer. Each metric is
defined once here and used everywhere (admin column, API, report).
"""

from audits.metrics.columns import (
    ALERT_COLUMNS,
    ALERT_KINDS,
    ALERT_TALLY_COLUMNS,
    DEMOGRAPHIC_ATTRIBUTES,
    DEPLOYMENT_COLUMNS,
    DEPLOYMENT_OPTIONAL_COLUMNS,
    SEARCH_COLUMNS,
    TIMELINESS_COLUMNS,
    WATCHLIST_CATEGORY_COLUMNS,
    WATCHLIST_COLUMNS,
    require_columns,
)
from audits.metrics.definitions import (
    INTERVAL_NOTE,
    METRIC_DEFINITIONS,
    MetricDefinition,
    definition,
    definitions_as_dicts,
    definitions_of,
)
from audits.metrics.demographics import (
    demographic_counts,
    demographic_differential,
    differential_from_counts,
    tally_alerts,
)
from audits.metrics.deployments import (
    GROUP_KEYS,
    SUM_COLUMNS,
    deployment_sums,
    derive_counts,
    summarise,
    summarise_sums,
)
from audits.metrics.intervals import (
    IntervalMethod,
    Rate,
    RateRatio,
    clopper_pearson,
    rate,
    rate_ratio,
    rule_of_three_upper,
    wilson,
)
from audits.metrics.quality import CHECKS, data_quality_checks, parse_published_percentage
from audits.metrics.searches import search_rates, search_summary, searches_by
from audits.metrics.thresholds import (
    DEFAULT_FPIR_TABLE,
    expected_fpir,
    lab_vs_field,
    threshold_compliance,
)
from audits.metrics.timeliness import (
    authorisation_lead_times,
    deletions_on_time,
    reviews_within_policy,
    timeliness_summary,
    urgent_authority_confirmed,
)
from audits.metrics.watchlists import category_shares, watchlist_proportionality

__all__ = [
    "ALERT_COLUMNS",
    "ALERT_KINDS",
    "ALERT_TALLY_COLUMNS",
    "CHECKS",
    "DEFAULT_FPIR_TABLE",
    "DEMOGRAPHIC_ATTRIBUTES",
    "DEPLOYMENT_COLUMNS",
    "DEPLOYMENT_OPTIONAL_COLUMNS",
    "GROUP_KEYS",
    "INTERVAL_NOTE",
    "METRIC_DEFINITIONS",
    "SEARCH_COLUMNS",
    "SUM_COLUMNS",
    "TIMELINESS_COLUMNS",
    "WATCHLIST_CATEGORY_COLUMNS",
    "WATCHLIST_COLUMNS",
    "IntervalMethod",
    "MetricDefinition",
    "Rate",
    "RateRatio",
    "authorisation_lead_times",
    "category_shares",
    "clopper_pearson",
    "data_quality_checks",
    "definition",
    "definitions_as_dicts",
    "definitions_of",
    "deletions_on_time",
    "demographic_counts",
    "demographic_differential",
    "deployment_sums",
    "derive_counts",
    "differential_from_counts",
    "expected_fpir",
    "lab_vs_field",
    "parse_published_percentage",
    "rate",
    "rate_ratio",
    "require_columns",
    "reviews_within_policy",
    "rule_of_three_upper",
    "search_rates",
    "search_summary",
    "searches_by",
    "summarise",
    "summarise_sums",
    "tally_alerts",
    "threshold_compliance",
    "timeliness_summary",
    "urgent_authority_confirmed",
    "watchlist_proportionality",
    "wilson",
]
