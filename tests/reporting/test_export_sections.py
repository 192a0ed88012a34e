"""Every export builds only the sections its format shows (`sections_for`), and loses nothing by
it: on the persona register each format's output is the one built with every section."""

import io
from datetime import UTC, datetime
from types import SimpleNamespace

import pandas as pd
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from audits.register.filtersets import deployment_filterset, report_selection
from audits.reporting import build, services
from audits.reporting.assemble import SECTIONS
from audits.reporting.build import build_report, sections_for
from audits.reporting.renderers import RENDERERS
from tests import personas
from tests.api.conftest import client_for as api_client_for

pytestmark = pytest.mark.django_db

GROUP_BY = ["force", "quarter"]


@pytest.fixture
def frozen_clock(monkeypatch):
    """Both builds carry the same generated_at, so that their outputs can be compared whole."""
    moment = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(build, "timezone", SimpleNamespace(now=lambda: moment))


def both_renders(fmt: str, group_by: list[str] = GROUP_BY) -> tuple[bytes, bytes]:
    """(built with every section, built with the format's sections), rendered in `fmt`."""
    render, _content_type, _extension = RENDERERS[fmt]
    selection = report_selection(deployment_filterset({}, None))
    whole = build_report(selection=selection, group_by=group_by)
    lean = build_report(selection=selection, group_by=group_by, sections=sections_for(fmt))
    return render(whole), render(lean)


def test_the_csv_shows_only_totals_and_groups_and_every_other_format_everything():
    assert sections_for("csv") == ("totals", "groups")
    assert all(sections_for(fmt) == SECTIONS for fmt in ("json", "xlsx", "pdf", "html"))


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_a_text_export_is_byte_identical_with_its_sections_only(frozen_clock, fmt):
    whole, lean = both_renders(fmt)
    assert lean == whole
    assert len(whole) > 50_000  # the persona register's (about 60 kB), not an empty report


# The CSV's groups come from a summary condensed by group_by alone (with every section, by
# group_by and threshold): each grouping must give the same sums.
@pytest.mark.parametrize(
    "group_by",
    [GROUP_BY, [], ["threshold"], ["year", "location"], ["use_case", "month", "mode"]],
    ids=repr,
)
def test_a_csv_export_is_byte_identical_with_its_sections_only(frozen_clock, group_by):
    whole, lean = both_renders("csv", group_by)
    assert lean == whole
    assert whole.count(b"\r\n") >= 2  # a header and at least one group


def test_an_xlsx_export_has_the_same_sheets_with_its_sections_only(frozen_clock):
    whole, lean = (
        pd.read_excel(io.BytesIO(content), sheet_name=None) for content in both_renders("xlsx")
    )
    assert list(lean) == list(whole)
    for name in whole:
        pd.testing.assert_frame_equal(lean[name], whole[name], obj=name)
    # the persona register's 18, less 2 withdrawn and 4 drafts
    assert len(whole["per_deployment"]) == 12


def test_a_pdf_export_has_the_same_text_with_its_sections_only(frozen_clock):
    whole, lean = (
        [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
        for content in both_renders("pdf")
    )
    assert lean == whole
    assert "Appendix A: data quality" in "\n".join(whole)


@pytest.fixture
def built_sections(monkeypatch) -> list:
    """The sections each build_report call of the export paths (all through the report
    service) was asked for."""
    asked: list = []

    def spy(**kwargs):
        asked.append(tuple(kwargs.get("sections", SECTIONS)))
        return build_report(**kwargs)

    monkeypatch.setattr(services, "build_report", spy)
    return asked


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_the_command_builds_the_sections_of_its_format(built_sections, tmp_path, fmt):
    call_command("frt_report", "--format", fmt, "-o", str(tmp_path / f"report.{fmt}"))
    assert built_sections == [sections_for(fmt)]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_the_api_builds_the_sections_of_its_format(built_sections, fmt):
    response = api_client_for(personas.commissioner()).get("/api/v1/reports/", {"format": fmt})
    assert response.status_code == 200
    assert built_sections == [sections_for(fmt)]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_an_admin_download_builds_the_sections_of_its_format(built_sections, fmt):
    client = Client()
    personas.login(client, personas.commissioner())
    report = reverse("admin:reporting_report")
    assert client.get(report, {"group_by": "year", "download": fmt}).status_code == 200
    assert built_sections == [sections_for(fmt)]


def test_the_admin_page_builds_every_section_it_shows(built_sections):
    client = Client()
    personas.login(client, personas.commissioner())
    response = client.get(reverse("admin:reporting_report"), {"group_by": "year"})
    assert built_sections == [SECTIONS]
    assert "Appendix A: data quality" in response.content.decode()
