"""The report as an HTML page, and the template context shared with the PDF renderer.

One template, `reports/report.html`, serves both; its content lives in `reports/_body.html`
(styles in `reports/_styles.css`) so that the admin can include the same body inside its own
base template with `report_context(report, downloads=[(label, url), ...])`.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.template.loader import render_to_string

from audits.metrics.intervals import INTERVAL_LABELS

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


def _is_rate(value: Any) -> bool:
    return isinstance(value, Mapping) and {"k", "n", "value"} <= set(value)


def rate_columns(totals: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The rates other than the two headline ones, in the report's order."""
    return [
        (name, name.replace("_", " ").capitalize())
        for name, value in totals.items()
        if _is_rate(value) and name not in HEADLINE_RATES
    ]


def _row(group: Mapping[str, Any], key: list[str], rates: Sequence[str], total: bool) -> dict:
    return {
        "key": key,
        "total": total,
        "counts": [group.get(name) for name, _ in COUNT_COLUMNS],
        "per_face": group.get("false_alert_rate_per_face"),
        "share": group.get("false_alert_share_of_alerts"),
        "rates": [group.get(name) for name in rates],
    }


def _key_text(value: Any) -> str:
    return "unknown" if value is None else str(value)


def summary_rows(report: Mapping[str, Any], rates: Sequence[str]) -> list[dict[str, Any]]:
    """One row per group and, when there is more than one group, a final "All" row from the
    totals. Ungrouped, the single group is the total.
    """
    group_by = report.get("group_by") or []
    groups = report.get("groups") or []
    if not group_by:
        return [_row(group, ["All"], rates, True) for group in groups]
    rows = [
        _row(
            group,
            [_key_text((group.get("key") or {}).get(name)) for name in group_by],
            rates,
            False,
        )
        for group in groups
    ]
    totals = report.get("totals") or {}
    if totals and len(groups) > 1:
        rows.append(_row(totals, ["All", *[""] * (len(group_by) - 1)], rates, True))
    return rows


def known_note(totals: Mapping[str, Any]) -> str:
    known, deployments = totals.get("known") or {}, totals.get("deployments")
    if not known or deployments is None:
        return ""
    parts = [f"{name.replace('_', ' ')} {number:,}" for name, number in known.items()]
    return f"Known in how many of the {deployments:,} deployments: " + "; ".join(parts) + "."


def report_context(
    report: Mapping[str, Any],
    *,
    chart_format: str = "svg",
    downloads: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    # Imported here: matplotlib takes a second or two to import, which JSON and CSV should not pay.
    from audits.reporting.renderers.charts import charts

    totals = report.get("totals") or {}
    rates = rate_columns(totals)
    group_by = report.get("group_by") or []
    method = report.get("interval_method") or ""
    return {
        "report": report,
        "totals": totals,
        "filters": list((report.get("filters") or {}).items()),
        "interval_label": INTERVAL_LABELS.get(method, method),
        "key_labels": [name.replace("_", " ").capitalize() for name in group_by] or ["Group"],
        "count_columns": COUNT_COLUMNS,
        "rate_columns": rates,
        "summary_rows": summary_rows(report, [name for name, _ in rates]),
        "known_note": known_note(totals),
        "threshold_rows": report.get("by_threshold") or [],
        "demographics": list((report.get("demographics") or {}).values()),
        "charts": charts(report, chart_format),
        "downloads": downloads,
    }


def render_html_page(
    report: Mapping[str, Any], *, chart_format: str, downloads: Sequence[tuple[str, str]] | None
) -> str:
    return render_to_string(
        TEMPLATE, report_context(report, chart_format=chart_format, downloads=downloads)
    )


def render_html(report: dict[str, Any]) -> bytes:
    """A standalone page: charts as SVG data: URIs, no external resource."""
    return render_html_page(report, chart_format="svg", downloads=None).encode("utf-8")
