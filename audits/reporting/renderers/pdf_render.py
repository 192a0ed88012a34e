"""The report as PDF: WeasyPrint renders the HTML report template (one template, same content).

Nothing is fetched: the charts are data: URIs, and the URL fetcher refuses every other scheme
and fails the rendering instead of leaving a silent gap (no network, no local files).
"""

from typing import Any

from audits.reporting.renderers.html_render import render_html_page
from audits.reporting.report import Report

CHART_FORMAT = "svg"


# WeasyPrint is imported inside the functions: it takes a second to import, which a JSON or CSV
# export should not pay.


def offline_fetcher() -> Any:
    """A URL fetcher for data: URIs only; any other URL stops the rendering with an error."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    page = render_html_page(report, chart_format=CHART_FORMAT, downloads=None)
    return HTML(string=page, base_url=None, url_fetcher=offline_fetcher()).write_pdf()
