"""The Met's own PDFs, read as published: every row of the transcription reproduced field for
field, the 2023-to-date grid's 203 rows with its defects flagged, and the figures of section 5
of the domain reference from the PDFs themselves."""

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from audits.register.imports.layouts import MET_2020_2022, MET_2023_TO_DATE
from audits.register.imports.published import ParseResult, parse_published_table
from audits.register.models import Deployment, Publication, PublishedRow

SHARED = Path(__file__).resolve().parents[4] / "shared/data"
GRID_2020 = SHARED / "published/met-lfr-grid-2020-2022.pdf"
GRID_2023 = SHARED / "published/met-lfr-grid-2023-to-date.pdf"
TRANSCRIPTION = SHARED / "met_lfr_deployments_2020_2023.csv"


@pytest.fixture(scope="module")
def grids() -> dict[str, ParseResult]:
    return {
        "2020": parse_published_table(GRID_2020, force="MPS"),
        "2023": parse_published_table(GRID_2023, force="MPS"),
    }


def test_each_pdf_is_recognised_in_its_edition_and_read_whole(grids):
    first, second = grids["2020"], grids["2023"]
    assert (first.ok, first.layout, len(first.rows)) == (True, MET_2020_2022, 9)
    assert (second.ok, second.layout, len(second.rows)) == (True, MET_2023_TO_DATE, 203)
    assert first.document.title == "MPS LFR DEPLOYMENTS 2020 \u2013 2022"
    assert first.document.created == dt.datetime(2023, 11, 20, 11, 39, 59, tzinfo=dt.UTC)
    assert first.document.sha256.startswith("4bcef28f")
    assert (second.document.pages, second.document.sha256[:8]) == (10, "06dd5914")
    # the purpose legends at the end are printed, not deployments: named, not read
    assert any("Use of LFR to support the policing of Crime Hotspots" in i for i in second.ignored)


# What a transcription cannot show of a PDF: where its rows were, and in which file.
PROVENANCE = {"row_number", "row_id", "source_doc", "printed_row", "cells", "flags"}


def test_every_row_of_the_transcription_is_reproduced_field_for_field(grids):
    transcription = parse_published_table(TRANSCRIPTION)
    assert transcription.ok and len(transcription.rows) == 32
    printed = {(r.date, r.location): r for r in [*grids["2020"].rows, *grids["2023"].rows]}
    compared = [f.name for f in dataclasses.fields(transcription.rows[0])]
    compared = [name for name in compared if name not in PROVENANCE | {"true_alerts_total"}]
    for published in transcription.rows:
        row = printed[(published.date, published.location)]
        name = published.row_id
        assert [getattr(row, f) for f in compared] == [getattr(published, f) for f in compared], (
            name
        )
        # the title as printed: the PDF drops the space after its dash, the transcription not
        title = "".join(published.source_doc.split(" (")[0].split())
        assert "".join(row.source_doc.split()).startswith(title), name
        # The 2023 grid prints only the confirmed/unconfirmed split; the transcription added
        # their sum as the total. Read from the PDF, the total is what it printed: nothing.
        if row.true_confirmed is None:
            assert row.true_alerts_total == published.true_alerts_total, name
        else:
            assert row.true_alerts_total is None
            assert published.true_alerts_total == row.true_confirmed + row.true_unconfirmed


def test_a_cell_wrapped_over_a_page_break_is_one_place(grids):
    (waterloo,) = [r for r in grids["2023"].rows if r.location == "Belvedere Rd, Waterloo"]
    assert (waterloo.page, waterloo.printed_row, waterloo.date) == (6, 24, dt.date(2024, 10, 24))
    assert waterloo.cells["location"] == "Belvedere Rd, Waterloo"


def test_the_2023_grid_has_24_rows_dated_2023_and_dalston_is_flagged_not_moved(grids):
    rows = grids["2023"].rows
    assert sum(row.date.year == 2023 for row in rows) == 24
    (dalston,) = [row for row in rows if row.location == "Dalston"]
    assert dalston.date == dt.date(2023, 7, 11)  # as printed, among July 2024 rows
    assert (dalston.page, dalston.printed_row) == (4, 15)
    assert [flag["check"] for flag in dalston.flags] == [
        "date_out_of_sequence",
        "threshold_out_of_sequence",
    ]
    assert dalston.flags[0]["message"] == (
        "dated 11/07/2023 but printed between rows of 28/06/2024 and 11/07/2024: kept as "
        "published; the date may be mistyped"
    )
    assert "threshold 0.62 on 11/07/2023" in dalston.flags[1]["message"]
    # no other row of the 203 is out of sequence
    assert [row.reference for row in rows if row.flags] == ["Dalston 11/07/2023"]
    assert grids["2023"].table_flags == [
        {
            "check": "identical_columns",
            "message": "no action equals other disposals in all 203 rows that print both: one "
            "column was probably printed in place of the other; both are kept as published",
        }
    ]


def test_the_2024_rows_total_as_the_met_published_them(grids):
    rows = [row for row in grids["2023"].rows if row.date.year == 2024]
    assert len(rows) == 179
    assert sum(row.faces_seen for row in rows) == 902_146
    assert sum(row.total_alerts for row in rows) == 1_276
    assert sum(row.arrests for row in rows) == 572


@pytest.mark.django_db
def test_both_pdfs_import_as_published_and_report_the_figures_of_section_5(capsys):
    call_command("import_deployments", str(GRID_2020), "--force", "MPS")
    call_command("import_deployments", str(GRID_2023), "--force", "MPS")
    out = capsys.readouterr().out
    assert "Imported met-lfr-grid-2020-2022.pdf: 9 created" in out
    assert "Imported met-lfr-grid-2023-to-date.pdf: 203 created" in out
    assert "Layout: Met LFR deployment grid, 2023-to-date edition (met-2023-to-date)." in out

    westminster = Deployment.objects.get(force__code="MPS", reference="Westminster 10/01/2024")
    figures = (westminster.total_alerts, westminster.true_confirmed, westminster.true_unconfirmed)
    assert figures == (1, 1, 1)  # as published: 1 alert, 1 confirmed and 1 unconfirmed true
    assert (
        "flag alerts_do_not_add_up: Westminster 10/01/2024: alerts is 1 but true alerts (2) + "
        "false alerts (0) = 2"
    ) in out
    printed = PublishedRow.objects.get(deployment=westminster)
    assert (printed.page, printed.row, printed.cells["date"]) == (2, 5, "10/01/24")
    assert printed.publication.sha256.startswith("06dd5914")
    assert Publication.objects.filter(force__code="MPS").count() == 2

    capsys.readouterr()
    call_command("frt_report", "--force", "MPS", "--group-by", "year")
    report = json.loads(capsys.readouterr().out)
    years = {group["key"]["year"]: group for group in report["groups"]}
    names = ("deployments", "faces_seen", "alerts", "true_alerts", "false_alerts", "arrests")
    shown = {year: tuple(years[year][name] for name in names) for year in years}
    assert shown[2020] == (3, 13_200, 8, 1, 7, 1)  # section 5, from the PDFs
    assert shown[2022] == (6, 144_366, 20, 17, 3, 8)
    # 2023: section 5's 23 rows (326,392 faces, 58 alerts, 56 true, 2 false, 34 arrests) and
    # "Dalston 11/07/23" (602 faces, 10 alerts and true alerts, 3 arrests), flagged
    assert shown[2023] == (24, 326_392 + 602, 58 + 10, 56 + 10, 2, 34 + 3)
    assert (shown[2024][0], shown[2024][1], shown[2024][2], shown[2024][5]) == (
        179,
        902_146,
        1_276,
        572,
    )
    flagged = {(f["record"], f["check"]) for f in report["data_quality"]}
    assert ("Dalston 11/07/2023", "date_out_of_sequence") in flagged
    assert ("Westminster 10/01/2024", "alerts_do_not_add_up") in flagged
    assert ("Croydon, George St 07/12/2023", "published_rate_mismatch") in flagged


@pytest.mark.django_db
def test_importing_the_same_pdf_again_creates_nothing(capsys):
    call_command("import_deployments", str(GRID_2020), "--force", "MPS")
    before = (Deployment.objects.count(), PublishedRow.objects.count())
    call_command("import_deployments", str(GRID_2020), "--force", "MPS")
    out = capsys.readouterr().out
    assert "This file was imported before" in out
    assert "0 created, 0 revised, 9 unchanged" in out
    assert (Deployment.objects.count(), PublishedRow.objects.count()) == before
