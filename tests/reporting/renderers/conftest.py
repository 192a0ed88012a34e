"""Reports built from the Met's published grid (and a small synthetic set of alerts), once per
session: assembling is pure and rendering a PDF takes seconds."""

from typing import Any

import pandas as pd
import pytest

from audits.metrics import ALERT_KINDS
from audits.reporting.assemble import assemble_report
from audits.reporting.report import Report
from tests.metrics.met_grid import load_met_deployments

LEDGER_HEAD = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
LEDGER_SEQ = 4127
GENERATED_AT = "2026-11-26T12:00:00+00:00"
FILTERS = {"forces": ["MPS"], "date_from": "2020-01-01", "date_to": None, "modes": []}


def synthetic_alerts(count: int = 60) -> pd.DataFrame:
    """Alerts with every kind, some unadjudicated, and demographic values including unknown."""
    rows = [
        {
            "record": "MPS-030",
            "force": "MPS",
            "date": pd.Timestamp("2023-05-01"),
            "threshold": 0.6,
            "score": 0.7,
            "kind": None if number % 11 == 0 else ALERT_KINDS[number % 4],
            "engaged": number % 2 == 0,
            "outcome": "no action",
            "perceived_sex": ("female", "male")[number % 2],
            "perceived_age_band": ("18-24", "25-39", "40+")[number % 3],
            "perceived_ethnic_group": ("Asian", "Black", "White", "White", None)[number % 5],
        }
        for number in range(count)
    ]
    return pd.DataFrame(rows)


def build(frame: pd.DataFrame, **options: Any) -> Report:
    settings = {
        "alerts": None,
        "filters": FILTERS,
        "group_by": ["year"],
        "method": "wilson",
        "ledger_head": LEDGER_HEAD,
        "ledger_seq": LEDGER_SEQ,
        "generated_at": GENERATED_AT,
        **options,
    }
    return assemble_report(deployments=frame, **settings)


@pytest.fixture(scope="session")
def met_frame() -> pd.DataFrame:
    return load_met_deployments()


@pytest.fixture(scope="session")
def report(met_frame) -> Report:
    """Grouped by year, with demographics."""
    return build(met_frame, alerts=synthetic_alerts())


@pytest.fixture(scope="session")
def empty_report(met_frame) -> Report:
    return build(met_frame.iloc[0:0])


@pytest.fixture(scope="session")
def ungrouped_report(met_frame) -> Report:
    return build(met_frame, group_by=[], method="exact")
