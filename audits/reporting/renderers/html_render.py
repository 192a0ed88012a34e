"""The report as an HTML page, and the template context shared with the PDF renderer.

One template, `reports/report.html`, serves both; its content lives in `reports/_body.html`
(styles in `reports/_styles.css`) so that the admin can include the same body inside its own
base template with `report_context(report, downloads=[(label, url), ...])`.
"""

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from django.template.loader import render_to_string

from audits.metrics.intervals import INTERVAL_LABELS
from audits.reporting.report import Figures, Report, Totals, rate_fields

COUNT_COLUMNS = (
    ("deployments", "Deployments"),
    ("faces_seen", "Faces seen"),
    ("alerts", "Alerts"),
    ("true_alerts", "True alerts"),
    ("false_alerts", "False alerts"),
    ("engagements", "Engagements"),
    ("arrests", "Arrests"),
    ("hours", "Hours"),
)
HEADLINE_RATES = ("false_alert_rate_per_face", "false_alert_share_of_alerts")
TEMPLATE = "reports/report.html"


def rate_columns() -> list[tuple[str, str]]:
    """The rates other than the two headline ones, in the report's order."""
    return [
        (name, name.replace("_", " ").capitalize())
        for name in rate_fields(Figures)
        if name not in HEADLINE_RATES
    ]


def _row(group: Figures, key: list[str], rates: Sequence[str], total: bool) -> dict:
    return {
        "key": key,
        "total": total,
        "counts": [getattr(group, name) for name, _ in COUNT_COLUMNS],
        "per_face": group.false_alert_rate_per_face,
        "share": group.false_alert_share_of_alerts,
        "rates": [getattr(group, name) for name in rates],
    }


def _key_text(value: Any) -> str:
    return "unknown" if value is None else str(value)


def summary_rows(report: Report, rates: Sequence[str]) -> list[dict[str, Any]]:
    """One row per group and, when there is more than one group, a final "All" row from the
    totals. Ungrouped, the single group is the total.
    """
    group_by = report.group_by
    groups = report.groups
    if not group_by:
        return [_row(group, ["All"], rates, True) for group in groups]
    rows = [
        _row(group, [_key_text(group.key.get(name)) for name in group_by], rates, False)
        for group in groups
    ]
    if report.totals and len(groups) > 1:
        rows.append(_row(report.totals, ["All", *[""] * (len(group_by) - 1)], rates, True))
    return rows


def known_note(totals: Totals | None) -> str:
    if totals is None:
        return ""
    parts = [
        f"{item.name.replace('_', ' ')} {getattr(totals.known, item.name):,}"
        for item in fields(totals.known)
    ]
    return f"Known in how many of the {totals.deployments:,} deployments: " + "; ".join(parts) + "."


def report_context(
    report: Report,
    *,
    chart_format: str = "svg",
    downloads: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    # Imported here: matplotlib takes a second or two to import, which JSON and CSV should not pay.
    from audits.reporting.renderers.charts import charts

    rates = rate_columns() if report.totals else []
    method = report.interval_method
    return {
        "report": report,
        "totals": report.totals,
        "filters": list(report.filters.items()),
        "interval_label": INTERVAL_LABELS.get(method, method),
        "key_labels": [name.replace("_", " ").capitalize() for name in report.group_by]
        or ["Group"],
        "count_columns": COUNT_COLUMNS,
        "rate_columns": rates,
        "summary_rows": summary_rows(report, [name for name, _ in rates]),
        "known_note": known_note(report.totals),
        "threshold_rows": report.by_threshold,
        "demographics": list(report.demographics.values()),
        "charts": charts(report, chart_format),
        "downloads": downloads,
    }


def render_html_page(
    report: Report, *, chart_format: str, downloads: Sequence[tuple[str, str]] | None
) -> str:
    return render_to_string(
        TEMPLATE, report_context(report, chart_format=chart_format, downloads=downloads)
    )


def render_html(report: Report) -> bytes:
    """A standalone page: charts as SVG data: URIs, no external resource."""
    return render_html_page(report, chart_format="svg", downloads=None).encode("utf-8")
