"""Assemble a report from frames: the one `report.Report` every renderer (JSON, CSV, XLSX, PDF,
HTML) and the API draw from. Pure: frames in, typed sections out (records -> selector -> frame ->
metrics -> this -> renderer).

A report has SECTIONS; a caller may ask for fewer (a CSV shows only the totals and the groups).
A section not asked for is still in the report, empty, so that every report has the same
shape. The summary sections (totals, groups, by_threshold) need only a summary frame, which a
selector can condense in SQL (`selectors.condensed_deployments`); the per-deployment sections
(deployments, lab_vs_field, data_quality) need one row per deployment; demographics needs alert
counts (`selectors.alert_tallies`) or alert rows.
"""

import math
from collections.abc import Collection, Sequence
from typing import Any

import pandas as pd

from audits.metrics import (
    DEFAULT_FPIR_TABLE,
    DEMOGRAPHIC_ATTRIBUTES,
    data_quality_checks,
    definitions_of,
    demographic_counts,
    deployment_sums,
    derive_counts,
    differential_from_counts,
    lab_vs_field,
    summarise_sums,
    tally_alerts,
)
from audits.metrics import record as per_record
from audits.metrics.deployments import RATES, RATIOS
from audits.metrics.thresholds import FpirTable
from audits.reporting.report import (
    DeploymentRow,
    Differential,
    Finding,
    GroupRow,
    LabVsField,
    Report,
    Totals,
)

TITLE = "Facial recognition oversight report"
SUMMARY_SECTIONS = ("totals", "groups", "by_threshold")
ROW_SECTIONS = ("deployments", "lab_vs_field", "data_quality")
SECTIONS = (
    *SUMMARY_SECTIONS,
    "deployments",
    "lab_vs_field",
    "demographics",
    "data_quality",
    "definitions",
)
# The defined figures (audits/metrics/definitions.py) each section shows, for the appendix.
SUMMARY_FIGURES = (
    *(name for name, _, _ in RATES),
    "arrests_per_deployment",
    *(name for name, _, _ in RATIOS),
)
SECTION_FIGURES: dict[str, tuple[str, ...]] = {
    "totals": SUMMARY_FIGURES,
    "groups": SUMMARY_FIGURES,
    "by_threshold": SUMMARY_FIGURES,
    "deployments": ("false_alert_rate_per_face",),
    "lab_vs_field": ("lab_vs_field",),
    "demographics": ("demographic_differential", "rate_ratio"),
}


def figures_shown(sections: Collection[str]) -> set[str]:
    """The defined figures that these sections of a report show."""
    return {name for section in sections for name in SECTION_FIGURES.get(section, ())}


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


ROWS_AT_A_TIME = 10_000
# The per-deployment columns: (name, how the column becomes JSON-ready values).
ROW_COLUMNS = (
    ("record", "as_is"),
    ("force", "as_is"),
    ("date", "date"),
    ("location", "as_is"),
    ("mode", "as_is"),
    ("use_case", "plain"),
    ("threshold", "plain"),
    ("watchlist_size", "count"),
    ("faces_seen", "count"),
    ("alerts", "count"),
    ("true_alerts", "count"),
    ("false_alerts", "count"),
    ("arrests", "count"),
    ("hours", "plain"),
    ("published_false_alert_rate", "text"),
)


def _column_values(series: pd.Series, form: str) -> list[Any]:
    """A column as a list of JSON-ready values, as `_plain` or `_count` would give them one by
    one (a float column is converted in one pass: a register has a hundred thousand rows).
    """
    values = series.tolist()
    if form == "as_is":
        return values
    if form == "date":
        # One string per distinct day, shared by its rows: a register repeats its days.
        days = {value: pd.Timestamp(value).date().isoformat() for value in set(values)}
        return [days[value] for value in values]
    if form == "text":
        return [_plain(value) or None for value in values]
    if series.dtype == "float64":
        convert = int if form == "count" else float
        return [None if value != value else convert(value) for value in values]
    return [(_count if form == "count" else _plain)(value) for value in values]


def _rate_columns(false_alerts: list, faces_seen: list, method: str) -> dict[str, list]:
    """Each deployment's false alert rate per face and its interval, as three columns."""
    columns: dict[str, list] = {
        "false_alert_rate_per_face": [],
        "false_alert_rate_per_face_ci_low": [],
        "false_alert_rate_per_face_ci_high": [],
    }
    value, low, high = columns.values()
    for false, faces in zip(false_alerts, faces_seen, strict=True):
        figure = per_record.false_alert_rate_per_face(false, faces, method)
        value.append(figure.value if figure else None)
        low.append(figure.ci_low if figure else None)
        high.append(figure.ci_high if figure else None)
    return columns


def _rows_of(derived: pd.DataFrame, method: str) -> list[DeploymentRow]:
    columns = {name: _column_values(derived[name], form) for name, form in ROW_COLUMNS}
    rates = _rate_columns(columns["false_alerts"], columns["faces_seen"], method)
    published = columns.pop("published_false_alert_rate")
    columns.update(rates, published_false_alert_rate=published)
    return [DeploymentRow(*row) for row in zip(*columns.values(), strict=True)]


def deployment_rows(frame: pd.DataFrame, method: str) -> list[DeploymentRow]:
    """One row per deployment with its own figures, for the per-deployment sheet and appendix.

    Built column by column, a slice of the frame at a time: the columns are working copies
    that should not add up to a register's worth beside the rows.
    """
    derived = derive_counts(frame)
    rows: list[DeploymentRow] = []
    for start in range(0, len(derived), ROWS_AT_A_TIME):
        rows.extend(_rows_of(derived.iloc[start : start + ROWS_AT_A_TIME], method))
    return rows


def _check_sections(sections: Collection[str]) -> None:
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        raise ValueError(f"unknown report sections {unknown}; a report has {SECTIONS}")


def _summary_sections(
    sums: pd.DataFrame, group_by: Sequence[str], method: str, sections: Collection[str]
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    if "totals" in sections:
        total = summarise_sums(sums, [], method)[0]
        figures["totals"] = Totals.from_figures(
            {name: value for name, value in total.items() if name != "key"}
        )
    if "groups" in sections:
        figures["groups"] = [
            GroupRow.from_group(group) for group in summarise_sums(sums, list(group_by), method)
        ]
    if "by_threshold" in sections:
        figures["by_threshold"] = [
            GroupRow.from_group(group) for group in summarise_sums(sums, ["threshold"], method)
        ]
    return figures


def _row_sections(
    deployments: pd.DataFrame | None,
    method: str,
    fpir_table: FpirTable,
    sections: Collection[str],
) -> dict[str, Any]:
    wanted = [section for section in ROW_SECTIONS if section in sections]
    if not wanted:
        return {}
    if deployments is None:
        raise ValueError(f"report sections {wanted} need the deployments frame, one row each")
    any_rows = len(deployments) > 0
    figures: dict[str, Any] = {}
    if "lab_vs_field" in sections and any_rows:
        figures["lab_vs_field"] = [
            LabVsField(**row) for row in lab_vs_field(deployments, fpir_table, method)
        ]
    if "data_quality" in sections and any_rows:
        figures["data_quality"] = [Finding(**flag) for flag in data_quality_checks(deployments)]
        checks = [finding.check for finding in figures["data_quality"]]
        figures["aggregate_rows"] = checks.count("aggregate_row")
        figures["alert_rows_differ"] = checks.count("alert_rows_differ")
    # Last: the other sections' working copies are gone before the largest result is built.
    if "deployments" in sections:
        figures["deployments"] = deployment_rows(deployments, method)
    return figures


def _demographics(tallies: pd.DataFrame | None, method: str) -> dict[str, Differential]:
    if tallies is None or int(tallies["count"].sum()) == 0:
        return {}
    return {
        attribute: Differential.from_differential(
            differential_from_counts(
                demographic_counts(tallies, attribute), attribute, method=method
            )
        )
        for attribute in DEMOGRAPHIC_ATTRIBUTES
    }


def assemble_report(
    *,
    deployments: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
    alerts: pd.DataFrame | None = None,
    alert_tallies: pd.DataFrame | None = None,
    filters: dict[str, Any],
    group_by: Sequence[str],
    method: str,
    ledger_head: str,
    generated_at: str,
    ledger_seq: int | None = None,
    drafts: int = 0,
    withdrawn: int = 0,
    fpir_table: FpirTable = DEFAULT_FPIR_TABLE,
    sections: Collection[str] = SECTIONS,
) -> Report:
    """The report. `summary` is the deployment frame the summary sections are computed from
    (a condensed one, grouped at least as finely as group_by, plus threshold for by_threshold);
    it defaults to `deployments`. Demographics count `alert_tallies`, else the `alerts` rows.
    """
    _check_sections(sections)
    built: dict[str, Any] = {}
    if any(section in sections for section in SUMMARY_SECTIONS):
        summary = summary if summary is not None else deployments
        if summary is None:
            raise ValueError("the summary sections need a deployments or a summary frame")
        built.update(_summary_sections(deployment_sums(summary), group_by, method, sections))
    built.update(_row_sections(deployments, method, fpir_table, sections))
    if "demographics" in sections:
        if alert_tallies is None and alerts is not None:
            alert_tallies = tally_alerts(alerts)
        built["demographics"] = _demographics(alert_tallies, method)
    if "definitions" in sections:
        built["definitions"] = definitions_of(figures_shown(sections))
    return Report(
        title=TITLE,
        generated_at=generated_at,
        filters=filters,
        group_by=list(group_by),
        interval_method=method,
        ledger_head=ledger_head,
        ledger_seq=ledger_seq,
        drafts=drafts,
        withdrawn=withdrawn,
        **built,
    )
