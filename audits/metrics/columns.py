"""The frame contract: the columns a selector must hand to the metrics, and what each holds.

Selectors (ORM -> frame) and importers (published file -> frame) produce these columns; the
metrics read nothing else. Unknown is always NaN/None, never 0: a blank in a published grid
means "not published", and summing it as zero would understate the intrusion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

DEPLOYMENT_COLUMNS: Mapping[str, str] = {
    "record": "str: the deployment's reference (e.g. 'MPS-027') or its id",
    "force": "str: the force's short code (e.g. 'MPS')",
    "date": "datetime64: the deployment date as published",
    "location": "str: location name as published",
    "mode": "str: 'LFR', 'bodycam', ...",
    "use_case": "str or None: crime hotspot, event, sought person, ...",
    "purpose": "str: the force's purpose codes or words as published ('1, 2', 'Crime Hotspot')",
    "threshold": "float: similarity threshold; NaN unknown",
    "watchlist_size": "float: images on the watchlist; NaN unknown",
    "faces_seen": "float: estimated faces processed (latest published value); NaN unknown",
    "alerts": "float: the published or recorded total of alerts; NaN unknown",
    "true_total": "float: published true alerts where no confirmed/unconfirmed split exists",
    "true_confirmed": "float: true alerts confirmed after engagement; NaN unknown",
    "true_unconfirmed": "float: true alerts not confirmed (person not stopped); NaN unknown",
    "false_confirmed": "float: false alerts confirmed after engagement; NaN unknown",
    "false_unconfirmed": "float: false alerts judged false without engaging; NaN unknown",
    "engagements": "float: people approached by officers; NaN unknown",
    "arrests": "float: arrests; NaN unknown",
    "other_disposals": "float: other outcomes (conditions checked, safeguarding); NaN unknown",
    "no_action": "float: engagements with no further action; NaN unknown",
    "hours": "float: deployment duration in hours; NaN unknown",
    "published_false_alert_rate": "str or None: the force's own figure as published ('0.01%')",
    "faces_seen_revised": "bool: the faces-seen estimate was revised after first publication",
}

# Optional deployment columns read only when present: start and end by the data-quality
# checks; deployments by the summary, in a condensed frame (`selectors.condensed_deployments`)
# whose rows each add up deployments with the same keys and the same unknown fields.
DEPLOYMENT_OPTIONAL_COLUMNS: Mapping[str, str] = {
    "start": "datetime64: deployment start; NaT unknown",
    "end": "datetime64: deployment end; NaT unknown",
    "deployments": "int: how many deployments the row stands for; 1 when the column is absent",
    "rate_of": "str: what the published false alert rate is a share of, 'faces' (the default) "
    "or 'alerts'",
    "published_flags": "list of {check, message} or None: defects its published table showed "
    "when it was imported (quality.TABLE_CHECKS)",
}

ALERT_KINDS = ("true_confirmed", "true_unconfirmed", "false_confirmed", "false_unconfirmed")
FALSE_KINDS = ("false_confirmed", "false_unconfirmed")

ALERT_COLUMNS: Mapping[str, str] = {
    "record": "str: the deployment's reference",
    "force": "str: the force's short code",
    "date": "datetime64: the alert's date",
    "threshold": "float: threshold in force at the time of the alert; NaN unknown",
    "score": "float: similarity score; NaN unknown",
    "kind": f"str or None: one of {', '.join(ALERT_KINDS)}; None when not adjudicated",
    "engaged": "bool: officers approached the person",
    "outcome": "str: arrest, other disposal, no action",
    "perceived_sex": "str or None: equality monitoring, as perceived",
    "perceived_age_band": "str or None: equality monitoring, as perceived",
    "perceived_ethnic_group": "str or None: equality monitoring, as perceived",
}

DEMOGRAPHIC_ATTRIBUTES = ("perceived_sex", "perceived_age_band", "perceived_ethnic_group")

# Alerts counted rather than listed: what the demographic figures need from a register of
# millions of alerts. A selector counts them in SQL; `demographics.tally_alerts` counts a frame
# of ALERT_COLUMNS the same way.
ALERT_TALLY_COLUMNS: Mapping[str, str] = {
    "kind": ALERT_COLUMNS["kind"],
    **{attribute: ALERT_COLUMNS[attribute] for attribute in DEMOGRAPHIC_ATTRIBUTES},
    "count": "int: how many alerts have this kind and these perceived values",
}

SEARCH_MODES = ("RFR", "OIFR")
SEARCH_OUTCOMES = ("lead", "no_match", "eliminated")

SEARCH_COLUMNS: Mapping[str, str] = {
    "record": "str: the search's reference",
    "force": "str: the force's short code",
    "date": "datetime64: when the search was run",
    "mode": "str: 'RFR' (retrospective) or 'OIFR' (operator-initiated)",
    "offence_type": "str or None: as recorded; None when not recorded",
    "purpose": "str or None: suspect, victim, missing, deceased, unable to identify",
    "candidates_returned": "float: candidates returned; NaN unknown",
    "outcome": "str or None: 'lead', 'no_match' or 'eliminated'",
    "possible_match": "bool or None: a candidate was judged a possible match",
    "corroboration_recorded": "bool or None: corroborating evidence recorded for the match",
    "two_person_review": "bool or None: the candidate decision was made by two people",
    "arrest": "bool or None: an arrest followed",
    "oifr_legal_condition": "str or None: the OIFR legal condition relied on",
}

WATCHLIST_COLUMNS: Mapping[str, str] = {
    "record": "str: the watchlist's reference",
    "force": "str: the force's short code",
    "date": "datetime64: the date of the deployment the watchlist served",
    "size": "float: images on the list; NaN unknown",
    "under_18s": "float: entries under 18; NaN unknown",
    "not_wanted_for_arrest": "float: entries not wanted for arrest; NaN unknown",
    "oldest_image_age_days": "float: age of the oldest reference image in days; NaN unknown",
}

# Category counts are a separate long frame so that categories stay data, not code: forces use
# their own codes (domain reference, section 2).
WATCHLIST_CATEGORY_COLUMNS: Mapping[str, str] = {
    "record": "str: the watchlist's reference (as in the watchlist frame)",
    "category": "str: the force's category code or name",
    "count": "float: entries in that category",
}

TIMELINESS_COLUMNS: Mapping[str, str] = {
    "record": "str: the deployment's reference",
    "authorised_at": "datetime64: when the authorising officer approved; NaT unknown",
    "start": "datetime64: deployment start; NaT unknown",
    "end": "datetime64: deployment end; NaT unknown",
    "review_due_days": "float: days allowed for the post-deployment review (force policy)",
    "reviewed_at": "datetime64: when the post-deployment review was done; NaT not yet",
    "deletion_due_at": "datetime64: deadline for deleting biometric data; NaT unknown",
    "deleted_at": "datetime64: when the data was deleted; NaT not yet",
    "urgent": "bool: authority was given orally under urgency",
    "urgent_confirmed_at": "datetime64: written confirmation of urgent authority; NaT not yet",
}


def require_columns(frame: pd.DataFrame, columns: Iterable[str], context: str) -> None:
    """Raise ValueError naming every missing column, rather than guess a default for it."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{context} needs columns {missing}; the frame has {list(frame.columns)}")
