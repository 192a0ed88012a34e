"""The one written definition of each metric, for the "definitions" appendix of every report,
the API documentation and admin help text (domain reference, section 4).

Names are the keys the metric functions return, so a reader can match a figure to its
definition. Symbols: F faces seen; A alerts; TC, TU, FC, FU true/false confirmed/unconfirmed;
T = TC + TU; FA = FC + FU; E engagements; R arrests; D deployments; H deployment hours.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class MetricDefinition:
    name: str
    formula: str
    note: str


_PAIRED = (
    "Only deployments where both the numerator and the denominator are known are counted, in "
    "both; unknown is never read as zero."
)

METRIC_DEFINITIONS: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        "false_alert_rate_per_face",
        "false alerts divided by faces seen (FA / F)",
        "The Met's definition, which it publishes as a percentage. Both FA and F are summed over "
        "deployments where faces seen and false alerts are known. Always shown beside the false "
        "alert share of alerts.",
    ),
    MetricDefinition(
        "one_in",
        "faces seen divided by false alerts (F / FA)",
        "The per-face rate read as '1 in N faces'; none when there were no false alerts.",
    ),
    MetricDefinition(
        "false_alert_share_of_alerts",
        "false alerts divided by alerts (FA / A)",
        "The critics' definition: of the people the system flagged, how many were the wrong "
        "person. " + _PAIRED,
    ),
    MetricDefinition("precision", "true alerts divided by alerts (T / A)", _PAIRED),
    MetricDefinition(
        "precision_strict",
        "true alerts confirmed after engagement divided by alerts (TC / A)",
        "Needs the confirmed/unconfirmed split, which the 2020-22 Met grids do not give. "
        + _PAIRED,
    ),
    MetricDefinition(
        "unconfirmed_share",
        "unconfirmed true and false alerts divided by alerts ((TU + FU) / A)",
        "Alerts where no one was stopped to check. " + _PAIRED,
    ),
    MetricDefinition("engagement_rate", "engagements divided by alerts (E / A)", _PAIRED),
    MetricDefinition(
        "arrest_yield_per_alert",
        "arrests divided by alerts (R / A)",
        "Intrusion per outcome. " + _PAIRED,
    ),
    MetricDefinition(
        "arrests_per_deployment",
        "arrests divided by deployments (R / D)",
        "D counts the deployments whose arrests are known.",
    ),
    MetricDefinition("arrests_per_hour", "arrests divided by deployment hours (R / H)", _PAIRED),
    MetricDefinition(
        "faces_per_arrest",
        "faces seen divided by arrests (F / R)",
        "How many faces were scanned for each arrest; none when there were no arrests.",
    ),
    MetricDefinition(
        "watchlist_size",
        "images on the watchlist: minimum, median, mean and maximum over deployments",
        "Sizes far from the force's median for the year are flagged as a data-quality check.",
    ),
    MetricDefinition(
        "category_shares",
        "entries in each watchlist category divided by all categorised entries",
        "Categories are the force's own codes, kept as data.",
    ),
    MetricDefinition(
        "under_18_share",
        "entries under 18 divided by watchlist size",
        "Over watchlists where both are known.",
    ),
    MetricDefinition(
        "not_wanted_for_arrest_share",
        "entries not wanted for arrest divided by watchlist size",
        "Over watchlists where both are known.",
    ),
    MetricDefinition(
        "oldest_image_age_days",
        "age in days of the oldest reference image on the watchlist",
        "Shown as minimum, median, mean and maximum over watchlists.",
    ),
    MetricDefinition(
        "demographic_differential",
        "per perceived group g: false alerts divided by alerts (FA_g / A_g)",
        "ISO/IEC 19795-10. Alerts not adjudicated are left out and counted separately; a missing "
        "group is 'unknown'. Per face (FA_g / F_g) only where the crowd's make-up is estimated.",
    ),
    MetricDefinition(
        "rate_ratio",
        "a group's false alert share divided by the reference group's",
        "95% interval by the Katz log method; with zero events in a group 0.5 is added to each "
        "cell (method katz_log_cc). Zero events never show that there is no difference.",
    ),
    MetricDefinition(
        "threshold_compliance",
        "deployments at or above the policy minimum threshold divided by deployments with a "
        "known threshold",
        "Deployments with an unknown threshold are counted separately.",
    ),
    MetricDefinition(
        "lab_vs_field",
        "observed false alerts per face beside the expected FPIR at that threshold and the mean "
        "watchlist size",
        "Expected FPIR from a laboratory table (default NPL 2023: at 0.6, about 1 in 6,000 at "
        "10,000 images and 1 in 60,000 at 1,000), linear in watchlist size as FPIR is about "
        "N x FMR.",
    ),
    MetricDefinition(
        "authorisation_lead_time",
        "hours from authorisation to the start of the deployment",
        "A negative lead time (authorised after the start) is listed as a finding.",
    ),
    MetricDefinition(
        "review_within_policy",
        "deployments reviewed within the policy's days of their end divided by deployments "
        "whose review deadline has passed",
        "Reviews not yet due are pending and left out.",
    ),
    MetricDefinition(
        "deletion_on_time",
        "deployments whose biometric data was deleted by its deadline divided by deployments "
        "whose deadline has passed",
        "Deletions not yet due are pending and left out.",
    ),
    MetricDefinition(
        "urgent_authority_confirmed",
        "urgent oral authorisations confirmed in writing within the policy limit divided by "
        "urgent authorisations whose limit has passed",
        "The limit is a force policy setting.",
    ),
    MetricDefinition(
        "searches_by",
        "number of RFR/OIFR searches per offence type and purpose",
        "Searches with no offence type or purpose recorded are counted as 'not recorded'.",
    ),
    MetricDefinition(
        "possible_match_rate",
        "searches with a possible match divided by searches",
        "Searches with the outcome not recorded are left out.",
    ),
    MetricDefinition(
        "corroboration_rate",
        "possible matches with corroboration recorded divided by possible matches",
        "A match is a lead only; each should carry corroborating evidence.",
    ),
    MetricDefinition(
        "two_person_review_rate",
        "searches whose candidate decision was made by two people divided by searches",
        "Searches with the review not recorded are left out.",
    ),
    MetricDefinition(
        "offence_type_recorded",
        "searches with an offence type recorded divided by searches",
        "Some forces say offence types are 'not centrally recorded'.",
    ),
    MetricDefinition(
        "oifr_legal_condition_recorded",
        "OIFR searches with the legal condition recorded divided by OIFR searches",
        "Conditions: deceased, unconscious, incapable, refused details, suspected false details.",
    ),
)

INTERVAL_NOTE = (
    "Every rate is a proportion with a 95% interval: Wilson score by default, Clopper-Pearson "
    "(exact) on request. With zero events the one-sided upper bound 1 - 0.05^(1/n), about 3/n "
    "(the rule of three), is given as well."
)


def definitions_of(names: Collection[str] | None = None) -> list[MetricDefinition]:
    """The definitions in the order above; `names` (default: all) keeps only those figures, so
    that a report's appendix lists what the report shows."""
    return [
        definition for definition in METRIC_DEFINITIONS if names is None or definition.name in names
    ]


def definitions_as_dicts(names: Collection[str] | None = None) -> list[dict[str, str]]:
    """`definitions_of` as plain dicts."""
    return [asdict(definition) for definition in definitions_of(names)]


def definition(name: str) -> MetricDefinition:
    for candidate in METRIC_DEFINITIONS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
