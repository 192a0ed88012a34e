"""The commissioner's dashboard: key figures with intervals, charts, the findings queue, and the
reviews waiting on a force. Everything is in the user's scope."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone

from audits.filtersets import deployment_filterset, report_selection
from audits.models import SEVERITY_ORDER, CommissionerReview, Finding
from audits.reports.services import report_build
from audits.scoping import scope

QUEUE_LENGTH = 15


def watchlist_size_over_time(points: list[tuple[Any, int]]):
    """Each deployment's watchlist size against its date: growth shows at a glance."""
    from audits.reports.renderers import charts  # matplotlib loads only when a chart is drawn

    def paint(axes) -> None:
        axes.plot([d for d, _ in points], [s for _, s in points], ".", markersize=4)
        axes.set_ylabel("Watchlist size (images)")
        axes.set_xlabel("Deployment date")
        axes.grid(axis="y", alpha=0.3)

    data = charts._draw("svg", (7, 3), paint) if points else None
    return charts.Chart(
        "watchlist_size",
        "Watchlist size over time",
        "One point per deployment with a recorded watchlist.",
        data,
        charts.CONTENT_TYPES["svg"],
    )


def _queue(user) -> list[Finding]:
    open_findings = scope(Finding.objects.filter(state=Finding.State.OPEN), user)
    ranked = sorted(
        open_findings.select_related("rule__profile", "force", "assigned_to")[:500],
        key=lambda f: (-SEVERITY_ORDER[f.severity], f.first_seen),
    )
    return ranked[:QUEUE_LENGTH]


def _severity_counts(user) -> Mapping[str, int]:
    rows = (
        scope(Finding.objects.filter(state=Finding.State.OPEN), user)
        .values("severity")
        .annotate(n=Count("id"))
    )
    counts = {row["severity"]: row["n"] for row in rows}
    return {name: counts.get(name, 0) for name in ("critical", "major", "minor", "info")}


def dashboard_view(model_admin, request):
    from audits.reports.renderers import charts  # matplotlib loads only when a chart is drawn

    user = request.user
    over_time = report_build(user=user, params={"group_by": ["quarter", "threshold"]})
    by_place = report_build(user=user, params={"group_by": ["location"]})
    sizes = list(
        report_selection(deployment_filterset({}, user))
        .deployments.filter(watchlist__isnull=False)
        .order_by("date")
        .values_list("date", "watchlist__size")
    )
    waiting = scope(
        CommissionerReview.objects.filter(state=CommissionerReview.State.INFORMATION_REQUESTED),
        user,
    ).select_related("force")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Oversight dashboard",
        "totals": over_time["totals"],
        "ledger_head": over_time["ledger_head"],
        "charts": [
            charts.false_alerts_over_time(over_time),
            charts.deployments_by_location(by_place),
            watchlist_size_over_time(sizes),
            charts.outcomes(over_time),
        ],
        "queue": _queue(user),
        "severity_counts": _severity_counts(user),
        "waiting": [(review, (timezone.now() - review.opened_at).days) for review in waiting],
    }
    return TemplateResponse(request, "admin/audits/dashboard.html", context)
