"""The test helper that reads the Met grid: its mapping must be right for the golden tests
to mean anything."""

import math

import pandas as pd
import pytest

from audits.metrics.columns import DEPLOYMENT_COLUMNS
from tests.metrics.met_grid import duration_hours, load_met_deployments


def test_helper_gives_every_contract_column_for_32_rows():
    frame = load_met_deployments()
    assert list(frame.columns) == list(DEPLOYMENT_COLUMNS)
    assert len(frame) == 32


def test_helper_reads_na_and_blank_as_unknown():
    row = load_met_deployments().set_index("record").loc["MPS-002"]
    assert math.isnan(row["faces_seen"])
    assert math.isnan(row["alerts"])
    assert pd.isna(row["published_false_alert_rate"])


def test_helper_sums_engagements_of_true_and_false_alerts():
    frame = load_met_deployments().set_index("record")
    assert frame.loc["MPS-003", "engagements"] == 6
    assert math.isnan(frame.loc["MPS-010", "engagements"])


@pytest.mark.parametrize(
    ("published", "hours"),
    [("8h 22m", 8 + 22 / 60), ("5h03m", 5.05), ("5h40", 5 + 40 / 60), ("8h0m", 8.0), ("", None)],
)
def test_durations_as_published_become_hours(published, hours):
    result = duration_hours(published)
    assert math.isnan(result) if hours is None else result == pytest.approx(hours)
