"""Every validation rule rejects its bad value with a message that names the field."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audits.register.models import AlertKind, Deployment, Outcome
from tests import factories as make
from tests.factories import START

pytestmark = pytest.mark.django_db


def rejected(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def test_the_valid_starting_records_pass():
    deployment = make.saved_deployment()
    for record in (
        make.authorisation(),
        make.watchlist(),
        make.alert(deployment),
        make.search(),
    ):
        record.full_clean()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": START - timedelta(minutes=1)}, "end", "must not be before the start"),
        ({"faces_seen": -1}, "faces_seen", "greater than or equal to 0"),
        ({"arrests": -3}, "arrests", "greater than or equal to 0"),
        ({"false_confirmed": -1, "total_alerts": None}, "false_confirmed", "greater than or equal"),
        ({"threshold": Decimal("1.2")}, "threshold", "less than or equal to 1"),
        ({"threshold": Decimal("-0.1")}, "threshold", "greater than or equal to 0"),
        ({"total_alerts": 12}, "total_alerts", "12 alerts in total, but true (10) + false (1)"),
        ({"true_alerts_total": 9}, "true_alerts_total", "9 true alerts in total"),
        ({"latitude": Decimal("91")}, "latitude", "less than or equal to 90"),
        ({"date": START.date() + timedelta(days=1)}, "date", "the day the deployment started"),
    ],
)
def test_a_deployment_rejects(overrides, field, message):
    errors = rejected(make.deployment(**overrides))
    assert field in errors
    assert message in " ".join(errors[field])


def test_alert_kinds_are_not_checked_while_a_part_is_unknown():
    make.deployment(total_alerts=99, false_unconfirmed=None).full_clean()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"valid_to": START - timedelta(hours=2)}, "valid_to", "must not be before"),
        (
            {"urgent": True, "written_confirmation_at": START - timedelta(days=3)},
            "written_confirmation_at",
            "must not be before",
        ),
    ],
)
def test_an_authorisation_rejects(overrides, field, message):
    errors = rejected(make.authorisation(**overrides))
    assert field in errors and message in " ".join(errors[field])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"size": -5}, "size", "greater than or equal to 0"),
        ({"under_18s": 9001}, "under_18s", "more than the watchlist size (9000)"),
        ({"not_wanted_for_arrest": 10000}, "not_wanted_for_arrest", "more than the watchlist"),
        ({"destroyed_at": START - timedelta(days=1)}, "destroyed_at", "must not be before"),
    ],
)
def test_a_watchlist_rejects(overrides, field, message):
    errors = rejected(make.watchlist(**overrides))
    assert field in errors and message in " ".join(errors[field])


def _outcome():
    return Outcome.objects.get(code="arrest", force=None)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"score": Decimal("0.60")}, "score", "cannot be below its threshold (0.64)"),
        ({"score": Decimal("1.5")}, "score", "less than or equal to 1"),
        ({"threshold": Decimal("-0.2"), "score": Decimal("0.5")}, "threshold", "greater than"),
        ({"engaged": False}, "kind", "must be engaged"),
        ({"kind": AlertKind.FALSE_UNCONFIRMED}, "kind", "must be not engaged"),
        (
            {"engaged": False, "kind": AlertKind.TRUE_UNCONFIRMED, "outcome": "arrest"},
            "outcome",
            "needs an engagement",
        ),
        ({"biometric_data_deleted_at": START}, "biometric_data_deleted_at", "must not be before"),
    ],
)
def test_an_alert_rejects(overrides, field, message):
    if overrides.get("outcome") == "arrest":
        overrides["outcome"] = _outcome()
    errors = rejected(make.alert(make.saved_deployment(), **overrides))
    assert field in errors and message in " ".join(errors[field])


def test_a_device_session_belongs_to_a_bodycam_deployment_only():
    errors = rejected(make.device_session(make.saved_deployment()))
    assert "belong to bodycam or mobile deployments" in " ".join(errors["deployment"])


def test_a_device_session_rejects_an_end_before_its_start():
    bodycam = make.saved_deployment(kind=Deployment.Kind.BODYCAM)
    errors = rejected(make.device_session(bodycam, end=START - timedelta(minutes=5)))
    assert "must not be before" in " ".join(errors["end"])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"candidates_returned": 7}, "candidates_returned", "above the rank limit of 6"),
        ({"second_reviewer": "OP1"}, "second_reviewer", "must be a different person"),
        ({"oifr_legal_condition": "unconscious"}, "oifr_legal_condition", "Only operator"),
        ({"threshold": Decimal("2")}, "threshold", "less than or equal to 1"),
        ({"probe_deleted_at": START - timedelta(days=1)}, "probe_deleted_at", "must not be"),
    ],
)
def test_a_search_rejects(overrides, field, message):
    errors = rejected(make.search(**overrides))
    assert field in errors and message in " ".join(errors[field])


def test_a_related_row_the_record_holds_is_not_looked_up_again(django_assert_num_queries):
    """full_clean trusts a related row loaded from the database (the foreign key holds it at
    commit), and still looks up one given only by id, or one never saved."""
    deployment = make.saved_deployment()
    alert = make.alert(deployment)
    with django_assert_num_queries(0):
        alert.full_clean(validate_unique=False, validate_constraints=False)

    alert.deployment_id = deployment.pk + 1000  # an id only: looked up, and refused
    assert "deployment" in rejected(alert)

    unsaved = make.alert(Deployment(pk=deployment.pk + 1000, force=deployment.force))
    assert "deployment" in rejected(unsaved)
