"""The policy profiles the register ships with, seeded by a data migration and then data: an
administrator can change a limit, a severity or a rule's activity in the admin."""

from django.apps.registry import Apps

APP = {
    "code": "app-force-policy",
    "name": "Force policy following the College of Policing APP",
    "source": "College of Policing, Authorised Professional Practice: Live Facial Recognition "
    "(2022); force LFR policy documents",
    "description": "Limits not stated here come from each force's policy settings.",
    "all_forces": True,
}
EU = {
    "code": "eu-ai-act",
    "name": "EU AI Act, Art 5 and Art 26(10)",
    "source": "Regulation (EU) 2024/1689, Art 5(1)(h), 5(2)-(3), 26(10)",
    "description": "Authorisation by a judicial or independent administrative authority; urgent "
    "use to be authorised within 24 hours (live) or 48 hours (post-remote). Applies to the "
    "forces an administrator lists.",
    "all_forces": False,
}

# (profile, code, applies_to, check, severity, parameters, description, source)
RULES = [
    (
        APP,
        "authorised-before-start",
        "deployment",
        "authorised_before_start",
        "critical",
        {},
        "The deployment was authorised before it started.",
        "APP LFR, authorisation",
    ),
    (
        APP,
        "ao-minimum-rank",
        "authorisation",
        "ao_minimum_rank",
        "major",
        {},
        "The authorising officer holds at least the force's minimum rank.",
        "APP LFR; force policy",
    ),
    (
        APP,
        "urgent-confirmed-24h",
        "authorisation",
        "urgent_confirmed_in_writing",
        "major",
        {"limit_hours": 24},
        "Urgent oral authority is confirmed in writing within 24 hours.",
        "APP LFR, urgent authorisation",
    ),
    (
        APP,
        "documents-present",
        "authorisation",
        "documents_present",
        "major",
        {},
        "DPIA, equality impact assessment and appropriate policy document are referenced.",
        "DPA 2018 s.35, s.42, s.64; Equality Act 2010 s.149; Bridges [2020] EWCA Civ 1058",
    ),
    (
        APP,
        "public-notice",
        "authorisation",
        "public_notice_given",
        "minor",
        {},
        "Public notice was given before the authority began.",
        "APP LFR, engagement and notice",
    ),
    (
        APP,
        "watchlist-reviewed",
        "deployment",
        "watchlist_reviewed_before",
        "major",
        {},
        "The watchlist was reviewed before the deployment.",
        "APP LFR, watchlists",
    ),
    (
        APP,
        "watchlist-composition",
        "watchlist",
        "watchlist_composition",
        "major",
        {"maximum_victim_witness_share": "0.05"},  # a decimal, exact: never a float
        "The watchlist is within the force's size limit and victims, witnesses and associates are "
        "a small, justified share.",
        "APP LFR, watchlist categories; Bridges",
    ),
    (
        APP,
        "threshold-minimum",
        "deployment",
        "threshold_at_least_minimum",
        "major",
        {},
        "The threshold is at or above the force's minimum.",
        "Force policy; NPL 2023",
    ),
    (
        APP,
        "nonmatch-deleted",
        "deployment",
        "nonmatch_biometrics_deleted",
        "critical",
        {"grace_minutes": 60},
        "Biometric data of people not matched is deleted immediately.",
        "APP LFR, retention",
    ),
    (
        APP,
        "alert-data-deleted",
        "deployment",
        "alert_data_deleted",
        "major",
        {},
        "Alert data is deleted within the force's retention period.",
        "APP LFR, retention",
    ),
    (
        APP,
        "watchlist-destroyed",
        "deployment",
        "watchlist_destroyed",
        "major",
        {"hours": 24},
        "The watchlist is destroyed after the deployment.",
        "Home Office (2026); APP LFR",
    ),
    (
        APP,
        "footage-deleted",
        "deployment",
        "footage_deleted",
        "minor",
        {"days": 31},
        "Footage is deleted within 31 days.",
        "Surveillance Camera Code of Practice; force policy",
    ),
    (
        APP,
        "review-in-time",
        "deployment",
        "reviewed_in_time",
        "minor",
        {},
        "A post-deployment review is completed within the force's deadline.",
        "APP LFR, review",
    ),
    (
        APP,
        "alert-rows-agree",
        "deployment",
        "alert_rows_agree",
        "major",
        {},
        "Where a deployment has alert rows, its recorded alert totals (alerts, true and false) "
        "are those of its rows.",
        "Register data quality: one source for a deployment's alert figures",
    ),
    (
        APP,
        "alert-adjudicated",
        "alert",
        "alert_adjudicated",
        "minor",
        {},
        "Every alert is adjudicated by a person.",
        "APP LFR, adjudication",
    ),
    (
        APP,
        "search-offence-reason",
        "search",
        "search_offence_and_reason",
        "major",
        {},
        "Each search records its offence type and reason.",
        "Home Office RFR guidance",
    ),
    (
        APP,
        "search-two-person",
        "search",
        "search_two_person_review",
        "major",
        {},
        "Possible matches are reviewed by two people.",
        "APP RFR/OIFR",
    ),
    (
        APP,
        "search-corroboration",
        "search",
        "corroboration_before_arrest",
        "critical",
        {},
        "A match is a lead: corroboration is recorded before any arrest.",
        "APP RFR/OIFR",
    ),
    (
        APP,
        "oifr-legal-condition",
        "search",
        "oifr_legal_condition",
        "major",
        {},
        "An operator-initiated search records the legal condition that allowed it.",
        "APP OIFR",
    ),
    (
        EU,
        "live-authorised-24h",
        "authorisation",
        "eu_decision_in_time",
        "critical",
        {"limit_hours": 24},
        "The authority decided on live use within 24 hours of the request.",
        "EU AI Act Art 5(3)",
    ),
    (
        EU,
        "post-remote-authorised-48h",
        "search",
        "eu_search_authorised",
        "critical",
        {"limit_hours": 48},
        "Retrospective use is authorised (or exempt), decided within 48 hours.",
        "EU AI Act Art 26(10)",
    ),
]


def seed_profiles(apps: Apps) -> None:
    profile_model = apps.get_model("compliance", "PolicyProfile")
    rule_model = apps.get_model("compliance", "Rule")
    profiles = {}
    for spec in (APP, EU):
        profiles[spec["code"]], _ = profile_model.objects.get_or_create(
            code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"}
        )
    for profile, code, applies_to, check_name, severity, params, description, source in RULES:
        rule_model.objects.get_or_create(
            profile=profiles[profile["code"]],
            code=code,
            defaults={
                "applies_to": applies_to,
                "check_name": check_name,
                "severity": severity,
                "parameters": params,
                "description": description,
                "source": source,
            },
        )
