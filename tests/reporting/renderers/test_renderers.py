"""The registry of renderers: every format renders every report, even an empty one."""

import dataclasses

import pytest

from audits.reporting.renderers import RENDERERS

FORMATS = ["json", "csv", "xlsx", "pdf", "html"]


def test_every_format_is_registered_with_its_content_type_and_extension():
    assert sorted(RENDERERS) == sorted(FORMATS)
    assert RENDERERS["pdf"][1:] == ("application/pdf", "pdf")
    assert RENDERERS["csv"][1] == "text/csv; charset=utf-8"
    assert RENDERERS["xlsx"][2] == "xlsx"


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "html"])  # pdf: see test_pdf_render
def test_an_empty_report_renders_in_every_format(empty_report, fmt):
    render, _content_type, _extension = RENDERERS[fmt]
    assert isinstance(render(empty_report), bytes)


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "html"])
def test_a_report_with_empty_sections_renders(report, fmt):
    bare = dataclasses.replace(
        report, groups=[], by_threshold=[], deployments=[], lab_vs_field=[], demographics={}
    )
    bare = dataclasses.replace(bare, data_quality=[], definitions=[], totals=None)
    render, _content_type, _extension = RENDERERS[fmt]
    assert render(bare)
