"""/api/v1/reports/: frt_report over HTTP, in the caller's scope, recorded as an export.

The filters are the deployment list's (DeploymentFilterSet), so a report covers exactly the
deployments the same parameters list, of them the submitted and reviewed ones (and drafts
with include_drafts=true; withdrawn ones are never counted, the report says how many); the report
service (`audits.reporting.services.report_export`) validates, builds, renders and records.
"""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from audits.metrics import GROUP_KEYS, IntervalMethod
from audits.register.filtersets import DEPLOYMENT_MODES
from audits.reporting.renderers import RENDERERS
from audits.reporting.services import report_export


def _parameter(name: str, description: str, **kwargs: Any) -> OpenApiParameter:
    return OpenApiParameter(
        name, location=OpenApiParameter.QUERY, description=description, **kwargs
    )


REPORT_PARAMETERS = [
    _parameter("from", "First day (YYYY-MM-DD).", type=OpenApiTypes.DATE),
    _parameter("to", "Last day (YYYY-MM-DD).", type=OpenApiTypes.DATE),
    _parameter("year", "Calendar year.", type=int),
    _parameter("force", "Force code (repeatable).", type=str, many=True),
    _parameter("mode", "lfr or bodycam (repeatable).", enum=[m for m, _ in DEPLOYMENT_MODES]),
    _parameter("group_by", "Grouping (repeatable; default year).", enum=list(GROUP_KEYS)),
    _parameter("format", "Output format (default json).", enum=sorted(RENDERERS)),
    _parameter(
        "interval",
        "Confidence interval method (default wilson).",
        enum=[method.value for method in IntervalMethod],
    ),
    _parameter(
        "include_drafts",
        "true: count drafts beside submitted and reviewed records (the report says how many it "
        "includes); default false, as the public page counts.",
        type=bool,
    ),
    _parameter(
        "as_of",
        "A ledger event's seq: the report on the register as it stood after that event, "
        "rebuilt from the ledger (a report's ledger_seq reproduces its figures).",
        type=int,
    ),
]
REPORT_RESPONSES = {
    (200, content_type.split(";")[0]): OpenApiResponse(
        OpenApiTypes.OBJECT if name == "json" else OpenApiTypes.BINARY,
        description=f"The report as {name.upper()}.",
    )
    for name, (_render, content_type, _extension) in RENDERERS.items()
}


class ReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=REPORT_PARAMETERS, responses=REPORT_RESPONSES)
    def get(self, request: Request) -> HttpResponse:
        """The oversight metrics with their intervals, as `manage.py frt_report` gives them."""
        fmt = request.query_params.get("format", "json")
        export = report_export(user=request.user, params=request.query_params, fmt=fmt)
        response = HttpResponse(export.content, content_type=export.content_type)
        if fmt != "json":
            response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response
