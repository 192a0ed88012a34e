"""Seed the APP force-policy profile and the EU AI Act profile with their rules."""

from django.db import migrations

from audits.compliance.profiles import seed_profiles


def seed(apps, schema_editor):
    seed_profiles(apps)


class Migration(migrations.Migration):
    dependencies = [("audits", "0009_compliance")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
