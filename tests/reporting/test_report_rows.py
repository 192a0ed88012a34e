"""The per-deployment rows of a report: built column by column and a slice at a time, they are
the rows the report built one deployment at a time before."""

from typing import Any

import pandas as pd
import pytest

from audits.metrics import derive_counts
from audits.metrics import record as per_record
from audits.reporting import assemble
from audits.reporting.report import DeploymentRow, as_json
from tests.metrics.met_grid import load_met_deployments


def one_at_a_time(frame: pd.DataFrame, method: str) -> list[dict[str, Any]]:
    """The previous implementation, row by row, as the reference."""
    plain, count = assemble._plain, assemble._count
    rows = []
    for row in derive_counts(frame).itertuples(index=False):
        false, faces = count(row.false_alerts), count(row.faces_seen)
        figure = per_record.false_alert_rate_per_face(false, faces, method)
        rows.append(
            {
                "record": row.record,
                "force": row.force,
                "date": pd.Timestamp(row.date).date().isoformat(),
                "location": row.location,
                "mode": row.mode,
                "use_case": plain(row.use_case),
                "threshold": plain(row.threshold),
                "watchlist_size": count(row.watchlist_size),
                "faces_seen": faces,
                "alerts": count(row.alerts),
                "true_alerts": count(row.true_alerts),
                "false_alerts": false,
                "arrests": count(row.arrests),
                "hours": plain(row.hours),
                "false_alert_rate_per_face": figure.value if figure else None,
                "false_alert_rate_per_face_ci_low": figure.ci_low if figure else None,
                "false_alert_rate_per_face_ci_high": figure.ci_high if figure else None,
                "published_false_alert_rate": plain(row.published_false_alert_rate) or None,
            }
        )
    return rows


@pytest.fixture(scope="module")
def met() -> pd.DataFrame:
    return load_met_deployments()


@pytest.mark.parametrize("method", ["wilson", "exact"])
def test_rows_equal_the_rows_built_one_deployment_at_a_time(met, method):
    rows = assemble.deployment_rows(met, method)
    expected = one_at_a_time(met, method)
    assert rows == [DeploymentRow(**row) for row in expected]
    assert [as_json(row) for row in rows] == expected
    assert [list(as_json(row)) for row in rows] == [list(row) for row in expected]


def test_rows_built_in_slices_equal_rows_built_at_once(met, monkeypatch):
    frame = pd.concat([met] * 3, ignore_index=True)
    at_once = assemble.deployment_rows(frame, "wilson")
    monkeypatch.setattr(assemble, "ROWS_AT_A_TIME", 7)
    assert assemble.deployment_rows(frame, "wilson") == at_once
    assert len(at_once) == len(frame)


def test_an_empty_frame_has_no_rows(met):
    assert assemble.deployment_rows(met.iloc[0:0], "wilson") == []
