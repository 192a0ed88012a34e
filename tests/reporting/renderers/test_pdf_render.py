"""The PDF export: its text holds the totals and the ledger head, its first page renders to PNG,
and nothing outside the document is ever fetched."""

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from audits.reporting.renderers.pdf_render import offline_fetcher, render_pdf
from tests.reporting.renderers.conftest import LEDGER_HEAD


@pytest.fixture(scope="module")
def pdf(report) -> bytes:
    return render_pdf(report)


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_it_is_a_pdf_of_several_pages(pdf, pages):
    assert pdf.startswith(b"%PDF-")
    assert len(pages) >= 5


def test_the_title_page_holds_title_filters_time_and_ledger_head(pages, report):
    title_page = pages[0]
    assert report.title in title_page
    assert "2026-11-26T12:00:00+00:00" in title_page
    assert "Forces" in title_page and "MPS" in title_page
    assert LEDGER_HEAD in squeezed(title_page)


def test_the_totals_and_yearly_figures_appear_with_thousands_separators(pages):
    text = "\n".join(pages)
    for figure in ("483,958", "13,200", "144,366", "326,392", "1 in 40,330"):
        assert figure in text, figure


def test_rates_appear_as_percentages_with_their_interval(pages):
    text = squeezed("\n".join(pages))
    assert "0.0025%(0.0014%to0.0043%)" in text  # 12 / 483,958, Wilson
    assert "13.95%(8.17%to22.82%)" in text  # 12 / 86


def test_charts_and_both_appendices_are_there(pages):
    text = "\n".join(pages)
    assert "False alert rate per face over time" in text
    assert "Deployments by location" in text
    assert "Outcomes" in text
    assert "Appendix A: data quality" in text and "MPS-027" in text
    assert "Appendix B: definitions" in text and "false_alert_rate_per_face" in text


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm is not installed (Debian package poppler-utils)",
)
def test_the_first_page_renders_to_png(pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    assert image.size == (414, 585)  # A4 at 50 dpi
    darkest, lightest = image.getextrema()
    assert lightest == 255 and darkest < 100  # a white page with text on it


def test_an_empty_report_renders(empty_report):
    text = PdfReader(io.BytesIO(render_pdf(empty_report))).pages[1].extract_text()
    assert "No deployments match these filters." in text


@pytest.mark.parametrize(
    "url", ["http://example.org/x.png", "https://example.org/x.css", "file:///etc/passwd"]
)
def test_the_fetcher_refuses_everything_but_data_uris(url):
    with pytest.raises(ValueError):
        offline_fetcher().fetch(url)


def test_a_data_uri_is_read_without_any_network():
    response = offline_fetcher().fetch("data:text/plain;base64,aGk=")
    assert response.read() == b"hi"


def test_an_external_resource_stops_the_rendering_instead_of_being_fetched():
    page = '<img src="http://example.org/tracker.png">'
    with pytest.raises(FatalURLFetchingError):
        HTML(string=page, base_url=None, url_fetcher=offline_fetcher()).write_pdf()
