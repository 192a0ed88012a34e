"""The commissioner's dashboard: key figures with intervals, charts, and the panels other apps add
(the findings queue, the reviews waiting on a force). Everything is in the user's scope."""

from __future__ import annotations  # the stubs' generic admin is not subscriptable at run time

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from audits.register.admin.site import DASHBOARD_PANELS
from audits.register.filtersets import deployment_filterset, report_selection
from audits.reporting.services import report_build

if TYPE_CHECKING:  # matplotlib loads only when a chart is drawn
    from matplotlib.axes import Axes

    from audits.reporting.renderers.charts import Chart


def _paint_sizes(axes: Axes, points: tuple[tuple[Any, int], ...]) -> None:
    axes.plot([d for d, _ in points], [s for _, s in points], ".", markersize=4)
    axes.set_ylabel("Watchlist size (images)")
    axes.set_xlabel("Deployment date")
    axes.grid(axis="y", alpha=0.3)


def watchlist_size_over_time(points: tuple[tuple[Any, int], ...]) -> Chart:
    """Each deployment's watchlist size against its date: growth shows at a glance."""
    from audits.reporting.renderers import charts  # matplotlib loads only when a chart is drawn

    data = charts._draw("svg", (7, 3), _paint_sizes, points) if points else None
    return charts.Chart(
        "watchlist_size",
        "Watchlist size over time",
        "One point per deployment with a recorded watchlist.",
        data,
        charts.CONTENT_TYPES["svg"],
    )


def dashboard_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> TemplateResponse:
    from audits.reporting.renderers import charts  # matplotlib loads only when a chart is drawn

    user = request.user
    over_time = report_build(user=user, params={"group_by": ["quarter", "threshold"]})
    by_place = report_build(user=user, params={"group_by": ["location"]})
    sizes = tuple(
        report_selection(deployment_filterset({}, user))
        .deployments.filter(watchlist__isnull=False)
        .order_by("date")
        .values_list("date", "watchlist__size")
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Oversight dashboard",
        "totals": over_time.totals,
        "counted": over_time.counted,
        "ledger_head": over_time.ledger_head,
        "charts": [
            charts.false_alerts_over_time(over_time),
            charts.deployments_by_location(by_place),
            watchlist_size_over_time(sizes),
            charts.outcomes(over_time),
        ],
        # The findings queue and the reviews waiting come from the compliance and oversight
        # apps (register.admin.site.DASHBOARD_PANELS), each in the user's scope.
        "panels": [(panel.template, panel.context(request)) for panel in DASHBOARD_PANELS],
    }
    return TemplateResponse(request, "admin/audits/dashboard.html", context)
