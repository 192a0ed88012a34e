"""Every figure the metrics return has one written definition."""

import pytest

from audits.metrics import Rate, definitions_as_dicts, summarise
from audits.metrics.definitions import METRIC_DEFINITIONS, definition
from audits.metrics.deployments import RATES
from audits.metrics.searches import search_rates
from tests.metrics.frames import deployments
from tests.metrics.test_searches import SEARCHES

NAMES = {entry.name for entry in METRIC_DEFINITIONS}
PLAIN_RATIOS = ("arrests_per_deployment", "arrests_per_hour", "faces_per_arrest", "one_in")


def test_metric_names_are_unique():
    assert len(NAMES) == len(METRIC_DEFINITIONS)


def test_every_deployment_rate_and_ratio_has_a_definition():
    group = summarise(deployments({"alerts": 1}), [])[0]
    rates = {name for name, value in group.items() if isinstance(value, Rate)}
    assert rates == {name for name, _, _ in RATES}
    assert rates | set(PLAIN_RATIOS) <= NAMES
    assert set(PLAIN_RATIOS) <= set(group)


def test_every_search_rate_has_a_definition():
    assert set(search_rates(SEARCHES)) - {"searches"} <= NAMES


def test_per_face_definition_says_deployments_without_faces_are_left_out():
    assert "faces seen and false alerts are known" in definition("false_alert_rate_per_face").note


def test_definitions_are_plain_dicts_for_reports():
    entries = definitions_as_dicts()
    assert all(set(entry) == {"name", "formula", "note"} for entry in entries)
    assert all(entry["formula"] for entry in entries)


def test_an_unknown_definition_is_a_key_error():
    with pytest.raises(KeyError):
        definition("far2")
