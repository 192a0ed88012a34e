"""The JSON export: the report as it stands, its rates as dicts."""

import dataclasses
import json
import math

import pytest

from audits.metrics import Rate
from audits.reporting.renderers.json_render import render_json
from tests.reporting.renderers.conftest import LEDGER_HEAD, build


def test_json_reads_back_to_the_same_report(report):
    data = json.loads(render_json(report))
    assert data == report.to_json()
    assert data["totals"]["precision"] == report.totals.precision.to_dict()
    assert list(data)[:6] == [
        "title",
        "generated_at",
        "filters",
        "group_by",
        "interval_method",
        "ledger_head",
    ]


def test_rates_stay_proportions_and_year_keys_stay_integers(report):
    data = json.loads(render_json(report))
    assert [group["key"]["year"] for group in data["groups"]] == [2020, 2022, 2023]
    assert data["totals"]["faces_seen"] == 483_958
    per_face = data["totals"]["false_alert_rate_per_face"]
    assert per_face["value"] == 12 / 483_958
    assert data["ledger_head"] == LEDGER_HEAD


def test_threshold_keys_are_numbers_or_null(met_frame):
    data = json.loads(render_json(build(met_frame, group_by=["threshold"])))
    assert [group["key"]["threshold"] for group in data["groups"]] == [0.6, None]


def test_non_ascii_text_is_kept_as_written(report):
    changed = dataclasses.replace(report, title="Rapport de contrôle")
    assert "Rapport de contrôle" in render_json(changed).decode("utf-8")


def test_a_nan_is_an_error_not_a_silent_NaN_token(report):
    with pytest.raises(ValueError):
        render_json(dataclasses.replace(report, title=math.nan))


# Defined in audits/metrics/definitions.py for the metrics a later issue adds to reports.
NOT_IN_A_REPORT = (
    "watchlist_size",
    "category_shares",
    "under_18_share",
    "threshold_compliance",
    "authorisation_lead_time",
    "review_within_policy",
    "searches_by",
    "possible_match_rate",
    "oifr_legal_condition_recorded",
)


def test_the_appendix_defines_every_figure_the_report_shows_and_no_other(report):
    names = [entry.name for entry in report.definitions]
    totals = report.totals
    rates = {
        item.name
        for item in dataclasses.fields(totals)
        if isinstance(getattr(totals, item.name), Rate)
    }
    measured = rates | {"arrests_per_deployment", "arrests_per_hour", "one_in"}
    assert measured <= set(names)
    assert {"lab_vs_field", "demographic_differential", "rate_ratio"} <= set(names)
    assert not set(NOT_IN_A_REPORT) & set(names)
    assert len(names) == 14
