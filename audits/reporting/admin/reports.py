"""The report in the admin: filters, the same content as the PDF, and a download per format.

The filters are the deployment list's (DeploymentFilterSet, turned into ReportFilters by
`report_filters`), as in /api/v1/reports/: the same query parameters give the same report, and
the change list's "Report on these deployments" link opens this page on what was listed.
Figures come from build_report with the user's scope, so a force's users see their own force
and commissioners every force; each download is recorded in the ledger as an export.
"""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from audits.metrics import GROUP_KEYS
from audits.register.admin.filtersets import for_the_admin
from audits.register.filtersets import REPORT_PARAMETERS, DeploymentFilterSet, report_filters
from audits.reporting.build import build_report, record_export, sections_for
from audits.reporting.renderers import RENDERERS
from audits.reporting.renderers.html_render import report_context

FORMAT_LABELS = {"json": "JSON", "csv": "CSV", "xlsx": "Excel (XLSX)", "pdf": "PDF", "html": "HTML"}


class ReportOptionsForm(forms.Form):
    """The report's own options, with the API's defaults (year, Wilson)."""

    group_by = forms.MultipleChoiceField(
        required=False,
        choices=[(k, k.replace("_", " ")) for k in GROUP_KEYS],
        widget=forms.CheckboxSelectMultiple,
    )
    interval = forms.ChoiceField(
        choices=[("wilson", "Wilson"), ("exact", "Clopper-Pearson")], required=False
    )

    def group_keys(self) -> list[str]:
        return self.cleaned_data["group_by"] or ["year"]

    def method(self) -> str:
        return self.cleaned_data["interval"] or "wilson"


def report_view(model_admin, request: HttpRequest):
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
    try:
        filters = report_filters(filterset)
    except ValidationError as error:
        context["filter_errors"] = sorted(error.message_dict.items())
        filters = None
    if options.is_valid() and filters is not None:
        # A download builds what its format shows; the page shows everything the HTML does.
        fmt = request.GET.get("download")
        report = build_report(
            filters=filters,
            group_by=options.group_keys(),
            method=options.method(),
            user=request.user,
            sections=sections_for(fmt if fmt in RENDERERS else "html"),
        )
        if fmt in RENDERERS:
            return _download(request, report, fmt)
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


def _download(request: HttpRequest, report, fmt: str) -> HttpResponse:
    render, content_type, extension = RENDERERS[fmt]
    response = HttpResponse(render(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="frt-report.{extension}"'
    record_export(report, fmt, user=request.user)
    return response
