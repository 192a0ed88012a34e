"""Assemble a report from frames: the one dictionary every renderer (JSON, CSV, XLSX, PDF, HTML)
and the API draw from. Pure: frames in, plain data out (records -> selector -> frame -> metrics
-> this -> renderer)."""

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from audits.metrics import (
    DEFAULT_FPIR_TABLE,
    DEMOGRAPHIC_ATTRIBUTES,
    data_quality_checks,
    definitions_as_dicts,
    demographic_differential,
    derive_counts,
    lab_vs_field,
    summarise,
)
from audits.metrics import record as per_record

TITLE = "Facial recognition oversight report"


def _plain(value: Any) -> Any:
    """JSON-ready: NaN becomes None, whole floats of counts stay numbers as given."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


def _count(value: Any) -> int | None:
    value = _plain(value)
    return None if value is None else int(value)


def deployment_rows(frame: pd.DataFrame, method: str) -> list[dict[str, Any]]:
    """One row per deployment with its own figures, for the per-deployment sheet and appendix."""
    derived = derive_counts(frame)
    rows = []
    for row in derived.itertuples(index=False):
        false, faces = _count(row.false_alerts), _count(row.faces_seen)
        figure = per_record.false_alert_rate_per_face(false, faces, method)
        rows.append(
            {
                "record": row.record,
                "force": row.force,
                "date": pd.Timestamp(row.date).date().isoformat(),
                "location": row.location,
                "mode": row.mode,
                "use_case": _plain(row.use_case),
                "threshold": _plain(row.threshold),
                "watchlist_size": _count(row.watchlist_size),
                "faces_seen": faces,
                "alerts": _count(row.alerts),
                "true_alerts": _count(row.true_alerts),
                "false_alerts": false,
                "arrests": _count(row.arrests),
                "hours": _plain(row.hours),
                "false_alert_rate_per_face": figure.value if figure else None,
            "false_alert_rate_per_face_ci_low": figure.ci_low if figure else None,
            "false_alert_rate_per_face_ci_high": figure.ci_high if figure else None,
                "published_false_alert_rate": _plain(row.published_false_alert_rate) or None,
            }
        )
    return rows


def _without_key(group: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in group.items() if name != "key"}


def assemble_report(
    *,
    deployments: pd.DataFrame,
    alerts: pd.DataFrame | None = None,
    filters: dict[str, Any],
    group_by: Sequence[str],
    method: str,
    ledger_head: str,
    generated_at: str,
    fpir_table: Sequence[dict[str, float]] = DEFAULT_FPIR_TABLE,
) -> dict[str, Any]:
    totals = summarise(deployments, [], method)
    report: dict[str, Any] = {
        "title": TITLE,
        "generated_at": generated_at,
        "filters": filters,
        "group_by": list(group_by),
        "interval_method": method,
        "ledger_head": ledger_head,
        "totals": _without_key(totals[0]) if totals else {},
        "groups": summarise(deployments, list(group_by), method),
        "by_threshold": summarise(deployments, ["threshold"], method),
        "deployments": deployment_rows(deployments, method),
        "lab_vs_field": lab_vs_field(deployments, fpir_table, method) if len(deployments) else [],
        "demographics": {},
        "data_quality": data_quality_checks(deployments) if len(deployments) else [],
        "definitions": definitions_as_dicts(),
    }
    if alerts is not None and len(alerts):
        report["demographics"] = {
            attribute: demographic_differential(alerts, attribute, method=method)
            for attribute in DEMOGRAPHIC_ATTRIBUTES
        }
    return report
