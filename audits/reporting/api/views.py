"""/api/v1/reports/: frt_report over HTTP, in the caller's scope, recorded as an export.

The filters are the deployment list's (DeploymentFilterSet), turned into the command's
ReportFilters, so a report covers exactly the deployments the same parameters list (less
withdrawn ones, which no report counts).
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from audits.metrics import GROUP_KEYS
from audits.register.filtersets import DEPLOYMENT_MODES, DeploymentFilterSet, report_filters
from audits.register.models import Deployment
from audits.register.scoping import scope
from audits.reporting.api.serializers import INTERVALS, ReportOptionsInput
from audits.reporting.build import build_report, record_export, sections_for
from audits.reporting.renderers import RENDERERS


def _parameter(name: str, description: str, **kwargs) -> OpenApiParameter:
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
    _parameter("interval", "Confidence interval method (default wilson).", enum=INTERVALS),
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
        options = ReportOptionsInput(data=request.query_params)
        options.is_valid(raise_exception=True)
        deployments = scope(Deployment.objects.all(), request.user)
        filterset = DeploymentFilterSet(request.query_params, deployments, request=request)
        fmt = options.validated_data["format"]
        report = build_report(
            filters=report_filters(filterset),
            group_by=options.validated_data["group_by"],
            method=options.validated_data["interval"],
            user=request.user,
            sections=sections_for(fmt),
        )
        render, content_type, extension = RENDERERS[fmt]
        content = render(report)
        record_export(report, fmt, user=request.user)
        response = HttpResponse(content, content_type=content_type)
        if fmt != "json":
            response["Content-Disposition"] = f'attachment; filename="frt-report.{extension}"'
        return response
