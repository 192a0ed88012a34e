"""The HTML report: the same template as the PDF, a body the admin can include, and nothing
that reaches outside the page."""

import dataclasses
import re

import pytest
from django.template import Context, Template

from audits.reporting.renderers.html_render import render_html, report_context, summary_rows
from audits.reporting.report import Finding
from tests.reporting.renderers.conftest import LEDGER_HEAD


@pytest.fixture(scope="module")
def page(report) -> str:
    return render_html(report).decode("utf-8")


def test_it_is_a_full_page_with_the_totals_and_ledger_head(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Facial recognition oversight report</title>" in page
    for figure in ("483,958", "144,366", "1 in 40,330"):
        assert figure in page
    assert LEDGER_HEAD in re.sub(r"\s+", "", page)


def test_charts_are_inline_data_uris_and_nothing_is_loaded_from_elsewhere(page):
    assert page.count('src="data:image/svg+xml;base64,') == 4
    assert re.findall(r'(?:src|href)="(?!data:)', page) == []


def test_the_admin_can_include_the_body_with_its_download_links(report):
    template = Template('{% include "reports/_body.html" %}')
    downloads = [("CSV", "/admin/reports/export.csv"), ("PDF", "/admin/reports/export.pdf")]
    body = template.render(Context(report_context(report, downloads=downloads)))
    assert '<a href="/admin/reports/export.csv">CSV</a>' in body
    assert '<a href="/admin/reports/export.pdf">PDF</a>' in body
    assert "<html" not in body


def test_without_downloads_there_is_no_download_list(report):
    assert 'frt-downloads">' not in render_html(report).decode("utf-8")


def test_text_from_the_records_is_escaped(report):
    flag = Finding(record="<b>x</b>", check="end_before_start", message="<script>x</script>")
    page = render_html(dataclasses.replace(report, data_quality=[flag])).decode("utf-8")
    assert "<script>x" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_summary_rows_end_with_the_totals_when_grouped(report):
    rows = summary_rows(report, [])
    assert [row["key"] for row in rows] == [["2020"], ["2022"], ["2023"], ["All"]]
    assert rows[-1]["total"] is True
    assert rows[-1]["counts"][1] == 483_958


def test_an_ungrouped_report_has_a_single_all_row(ungrouped_report):
    rows = summary_rows(ungrouped_report, [])
    assert [row["key"] for row in rows] == [["All"]]
    assert "Clopper-Pearson" in render_html(ungrouped_report).decode("utf-8")


def test_an_empty_report_says_so(empty_report):
    page = render_html(empty_report).decode("utf-8")
    assert "No deployments match these filters." in page
    assert "No data-quality flags." in page
