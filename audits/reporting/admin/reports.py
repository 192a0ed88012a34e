"""The report in the admin: filters, the same content as the PDF, and a download per format.

The filters are the deployment list's (DeploymentFilterSet), as in /api/v1/reports/: the same
query parameters give the same report (both go through `audits.reporting.services`), and the
change list's "Report on these deployments" link opens this page on what was listed. Figures
are in the user's scope, so a force's users see their own force and commissioners every force;
each download is recorded in the ledger as an export.
"""

from __future__ import annotations  # the stubs' generic admin is not subscriptable at run time

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from audits.register.admin.filtersets import for_the_admin
from audits.register.filtersets import REPORT_PARAMETERS, DeploymentFilterSet
from audits.reporting.renderers import RENDERERS
from audits.reporting.renderers.html_render import report_context
from audits.reporting.services import Export, ReportOptionsForm, report_build, report_export

FORMAT_LABELS = {"json": "JSON", "csv": "CSV", "xlsx": "Excel (XLSX)", "pdf": "PDF", "html": "HTML"}


def report_view(model_admin: admin.ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    # The form shown; the report service validates the same parameters again, as it does for
    # the API and the command, and its errors are the ones listed.
    filterset = DeploymentFilterSet(request.GET, model_admin.get_queryset(request), request=request)
    for_the_admin(filterset.form)
    options = ReportOptionsForm(request.GET or None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Oversight report",
        "filterset": filterset,
        "filter_fields": [filterset.form[name] for name in REPORT_PARAMETERS],
        "options": options,
    }
    if not request.GET:
        context["start"] = f"{request.path}?{urlencode({'group_by': 'year'})}"
        return TemplateResponse(request, "admin/audits/report.html", context)
    fmt = request.GET.get("download")
    try:
        if fmt in RENDERERS:
            return _download(report_export(user=request.user, params=request.GET, fmt=fmt))
        report = report_build(user=request.user, params=request.GET)
    except ValidationError as error:
        context["filter_errors"] = sorted(error.message_dict.items())
        return TemplateResponse(request, "admin/audits/report.html", context)
    context.update(report_context(report, downloads=_download_links(request)))
    return TemplateResponse(request, "admin/audits/report.html", context)


def _download_links(request: HttpRequest) -> list[tuple[str, str]]:
    """One link per format, with the page's own parameters: the download is the report shown."""
    query = request.GET.copy()
    links = []
    for name in RENDERERS:
        query["download"] = name
        links.append((FORMAT_LABELS[name], f"{request.path}?{query.urlencode()}"))
    return links


def _download(export: Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
