"""The per-record rules used by admin columns must agree with the frame rules row by row."""

import math

from audits.metrics import record
from audits.metrics.deployments import derive_counts
from tests.metrics.met_grid import load_met_deployments


def known(value: float) -> int | None:
    return None if math.isnan(value) else int(value)


def test_per_record_alert_counts_agree_with_derive_counts_on_the_met_grid():
    frame = load_met_deployments()
    derived = derive_counts(frame)
    for row, expected in zip(frame.itertuples(), derived.itertuples(), strict=True):
        true = record.true_alerts(
            known(row.true_confirmed), known(row.true_unconfirmed), known(row.true_total)
        )
        false = record.false_alerts(known(row.false_confirmed), known(row.false_unconfirmed))
        assert true == known(expected.true_alerts), row.record
        assert false == known(expected.false_alerts), row.record
