"""Seeded the policy profiles and their rules, once; now the profiles are seeded by audits.compliance.receivers.profiles_seed, a post_migrate
receiver, so that no migration imports live code. Kept as a step that does nothing so that the
migration history of every database stays the same."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audits", "0009_compliance")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
