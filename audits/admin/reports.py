"""The report in the admin: filters, the same content as the PDF, and a download per format.

Figures come from build_report with the user's scope, so a force's users see their own force
and commissioners every force; each download is recorded in the ledger as an export.
"""

from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse
from django.template.response import TemplateResponse

from audits.metrics import GROUP_KEYS
from audits.models import Force
from audits.reports.build import build_report, record_export
from audits.reports.renderers import RENDERERS
from audits.reports.renderers.html_render import report_context
from audits.scoping import scope
from audits.selectors import KINDS_OF_MODE, ReportFilters

FORMAT_LABELS = {"json": "JSON", "csv": "CSV", "xlsx": "Excel (XLSX)", "pdf": "PDF", "html": "HTML"}


class ReportForm(forms.Form):
    date_from = forms.DateField(required=False, label="From", help_text="YYYY-MM-DD")
    date_to = forms.DateField(required=False, label="To")
    force = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    mode = forms.MultipleChoiceField(
        required=False,
        choices=[(m, m) for m in sorted(KINDS_OF_MODE)],
        widget=forms.CheckboxSelectMultiple,
    )
    group_by = forms.MultipleChoiceField(
        required=False,
        choices=[(k, k.replace("_", " ")) for k in GROUP_KEYS],
        widget=forms.CheckboxSelectMultiple,
    )
    interval = forms.ChoiceField(
        choices=[("wilson", "Wilson"), ("exact", "Clopper-Pearson")], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        codes = scope(Force.objects.all(), user).values_list("code", flat=True)
        self.fields["force"].choices = [(code, code) for code in codes]

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            forces=data["force"],
            modes=data["mode"],
        )


def report_view(model_admin, request):
    form = ReportForm(request.GET or None, user=request.user)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Oversight report",
        "form": form,
    }
    if form.is_bound and form.is_valid():
        group_by = form.cleaned_data["group_by"] or ["year"]
        method = form.cleaned_data["interval"] or "wilson"
        report = build_report(
            filters=form.filters(), group_by=group_by, method=method, user=request.user
        )
        fmt = request.GET.get("download")
        if fmt in RENDERERS:
            return _download(request, report, fmt)
        query = request.GET.copy()
        links = []
        for name in RENDERERS:
            query["download"] = name
            links.append((FORMAT_LABELS[name], f"{request.path}?{query.urlencode()}"))
        context.update(report_context(report, downloads=links))
    elif not form.is_bound:
        context["start"] = f"{request.path}?{urlencode({'group_by': 'year'})}"
    return TemplateResponse(request, "admin/audits/report.html", context)


def _download(request, report, fmt: str) -> HttpResponse:
    render, content_type, extension = RENDERERS[fmt]
    response = HttpResponse(render(report), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="frt-report.{extension}"'
    record_export(report, fmt, user=request.user)
    return response
