"""What the compliance app does when something happens elsewhere (connected in apps.py)."""

from typing import Any

from django.db import models

from audits.compliance.evaluate import reevaluate
from audits.compliance.profiles import seed_profiles


def record_judge(sender: type[models.Model], record: models.Model, **kwargs: Any) -> None:
    """Judge a record again after every write to it, in the same transaction."""
    reevaluate(record)


def profiles_seed(sender: Any, **kwargs: Any) -> None:
    """Create the built-in policy profiles and their rules where missing (post_migrate); an
    administrator's changes to them are kept. With the live models, not the migration state's:
    their writes must reach the ledger, and only the live models' are captured."""
    from django.apps import apps as live_apps

    seed_profiles(live_apps)
