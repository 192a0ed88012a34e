"""Renderers: the report (`audits.reporting.report.Report`, from `assemble.assemble_report`) to
bytes.

`RENDERERS[format] = (render(report) -> bytes, content type, file extension)`. Renderers format
figures; they never compute them.
"""

from collections.abc import Callable

from audits.reporting.renderers.csv_render import render_csv
from audits.reporting.renderers.html_render import render_html
from audits.reporting.renderers.json_render import render_json
from audits.reporting.renderers.pdf_render import render_pdf
from audits.reporting.renderers.xlsx_render import render_xlsx
from audits.reporting.report import Report

Renderer = Callable[[Report], bytes]

RENDERERS: dict[str, tuple[Renderer, str, str]] = {
    "json": (render_json, "application/json", "json"),
    "csv": (render_csv, "text/csv; charset=utf-8", "csv"),
    "xlsx": (
        render_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "pdf": (render_pdf, "application/pdf", "pdf"),
    "html": (render_html, "text/html; charset=utf-8", "html"),
}

__all__ = ["RENDERERS", "Renderer"]
