"""Seed national reference data. Forces extend it with rows of their own; nothing here is an enum."""

from django.db import migrations

USE_CASES = [
    ("crime_hotspot", "Crime hotspot"),
    ("missing_person_hotspot", "Missing-person hotspot"),
    ("critical_infrastructure", "Critical infrastructure"),
    ("event", "Event"),
    ("sought_person", "Sought person"),
    ("test_evaluation", "Test / evaluation"),
]

# College of Policing APP (2022) categories, in gist; forces use their own codes as well.
WATCHLIST_CATEGORIES = [
    ("wanted_by_courts", "(a) Wanted by the courts"),
    ("suspected_offence", "(b) Suspected of an offence"),
    ("bail_or_court_order", "(c) Bail conditions, court order or other restriction"),
    ("missing_at_risk", "(d) Missing person at increased risk"),
    ("risk_of_harm", "(e) At risk of causing harm to themselves or others"),
    ("victim_witness_associate", "(f) Victim, witness or close associate"),
]

OFFENCE_TYPES = [
    ("violence", "Violence against the person"),
    ("sexual", "Sexual offences"),
    ("robbery", "Robbery"),
    ("burglary", "Burglary"),
    ("theft", "Theft and handling"),
    ("criminal_damage", "Criminal damage and arson"),
    ("drugs", "Drug offences"),
    ("weapons", "Possession of weapons"),
    ("public_order", "Public order offences"),
    ("fraud", "Fraud"),
    ("other", "Other offences"),
]

OUTCOMES = [
    ("arrest", "Arrest", "arrest"),
    ("conditions_checked", "Conditions checked", "other_disposal"),
    ("safeguarding", "Safeguarding referral", "other_disposal"),
    ("summons", "Summons or other disposal", "other_disposal"),
    ("no_action", "No further action", "no_action"),
]


def seed(apps, schema_editor):
    for model_name, rows in (
        ("UseCase", USE_CASES),
        ("WatchlistCategory", WATCHLIST_CATEGORIES),
        ("OffenceType", OFFENCE_TYPES),
    ):
        model = apps.get_model("audits", model_name)
        for code, name in rows:
            model.objects.get_or_create(force=None, code=code, defaults={"name": name})
    outcome = apps.get_model("audits", "Outcome")
    for code, name, kind in OUTCOMES:
        outcome.objects.get_or_create(force=None, code=code, defaults={"name": name, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
