"""Files as people save them (UTF-8 or Windows-1252, commas or semicolons, XLSX with typed cells)
and a new force's layout described without code."""

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from audits.register.imports.layouts import FIELDS, LayoutError, layout_load
from audits.register.imports.published import format_errors, parse_published_table
from audits.register.models import Force

DOCS = Path(__file__).resolve().parents[3] / "docs"
# A force that publishes a spreadsheet of its own: its own headers, dates written out, a
# window of the day rather than a duration, approximate faces, rates of alerts, "1 in N".
ESSEX_HEADERS = [
    "Date of deployment",
    "Location",
    "Time",
    "Faces scanned",
    "Alerts",
    "Correct alerts",
    "Incorrect alerts",
    "Arrests",
    "False alert rate (of alerts)",
    "Officers deployed",
]
ESSEX_ROWS = [
    ["22 August 2024", "Chelmsford High St", "10am-4pm", "21,940", "4", "3", "1", "2", "25%", "12"],
    ["29 August 2024", "Southend, Victoria Circus", "11:20-14:50", "just over 12,000", "2", "2",
     "0", "1", "0%", "10"],
    ["19/09/2024 - 22/09/2024", "Colchester, four sites", "", "35,010", "8", "6", "2", "3",
     "25.0%", "40"],
]  # fmt: skip


def write_csv(path: Path, headers, rows, delimiter=",", encoding="utf-8") -> Path:
    lines = [delimiter.join(f'"{cell}"' for cell in line) for line in [headers, *rows]]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def essex_layout(tmp_path) -> Path:
    path = tmp_path / "essex.toml"
    path.write_text((DOCS / "layouts/essex-example.toml").read_text(encoding="utf-8"))
    return path


def test_the_example_layout_reads_a_new_forces_csv_exactly(tmp_path, essex_layout):
    layout = layout_load(essex_layout)
    path = write_csv(tmp_path / "essex.csv", ESSEX_HEADERS, ESSEX_ROWS)
    result = parse_published_table(path, force="ESX", layout=layout)
    assert result.ok, format_errors(result.errors)
    assert result.ignored_columns == ["Officers deployed"]  # named, not read
    first, second, third = result.rows
    assert (first.date, first.faces_seen, first.total_alerts, first.true_alerts_total) == (
        dt.date(2024, 8, 22),
        21_940,
        4,
        3,
    )
    assert (first.false_confirmed, first.arrests, first.duration) == (1, 2, dt.timedelta(hours=6))
    assert (first.start.hour, first.end.hour) == (10, 16)  # the window, on its day, UK time
    assert (second.faces_seen, second.qualifiers) == (12_000, {"faces_seen_estimate": "just over"})
    assert (third.date, third.date_until) == (dt.date(2024, 9, 19), dt.date(2024, 9, 22))
    assert [f["check"] for f in third.flags] == ["aggregate_row"]


@pytest.mark.django_db
def test_a_new_force_imported_with_its_layout_reports_exact_figures(tmp_path, essex_layout, capsys):
    Force.objects.create(code="ESX", name="Essex Police")
    path = write_csv(tmp_path / "essex.csv", ESSEX_HEADERS, ESSEX_ROWS)
    call_command("import_deployments", str(path), "--force", "ESX", "--layout", str(essex_layout))
    out = capsys.readouterr().out
    assert "Layout: Essex Police LFR deployments (example) (essex-example)." in out
    assert "Columns ignored: Officers deployed." in out
    assert "3 created" in out
    call_command("frt_report", "--force", "ESX")
    report = json.loads(capsys.readouterr().out)
    (group,) = report["groups"]
    assert (group["deployments"], group["faces_seen"], group["alerts"]) == (3, 68_950, 14)
    assert (group["true_alerts"], group["false_alerts"], group["arrests"]) == (11, 3, 6)
    assert group["false_alert_share_of_alerts"]["value"] == 3 / 14
    checks = {(f["record"], f["check"]) for f in report["data_quality"]}
    # rates of alerts checked against alerts: 1/4 = 25%, 0/2 = 0%, 2/8 = 25.0%: none flagged
    assert not {c for c in checks if c[1] == "published_rate_mismatch"}
    assert ("Southend, Victoria Circus 29/08/2024", "approximate_figure") in checks
    assert ("Colchester, four sites 19/09/2024", "aggregate_row") in checks
    assert report["aggregate_rows"] == 1  # the report says how many rows are aggregates
    html = tmp_path / "essex.html"
    call_command("frt_report", "--force", "ESX", "--format", "html", "-o", str(html))
    assert (
        "Includes 1 published row covering several days or sites (aggregate), each counted as "
        "one deployment" in html.read_text()
    )


def test_a_layout_file_with_mistakes_names_each_of_them(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        'title = "No name"\ndate_order = "ymd"\n[columns]\nlocation = "Place"\nwatchlist = "WL"\n'
    )
    with pytest.raises(LayoutError) as refusal:
        layout_load(path)
    assert str(refusal.value) == (
        "bad.toml: name: a name is required; columns.watchlist: not a field (fields: "
        + ", ".join(FIELDS)
        + "); columns.date: required (every layout has a date and a location); "
        "date_order: 'ymd' is not one of dmy, mdy"
    )


def test_headers_no_layout_reads_are_refused_with_the_closest_layout_and_what_it_lacks(
    tmp_path,
):
    path = write_csv(tmp_path / "essex.csv", ESSEX_HEADERS, ESSEX_ROWS)
    (error,) = parse_published_table(path, force="ESX").errors
    assert str(error).startswith("header: the headers match no known layout (closest: ")
    assert "describe this force's layout in a layout file (--layout" in str(error)


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_built_in_layout(tmp_path):
    path = write_csv(tmp_path / "essex.csv", ESSEX_HEADERS, ESSEX_ROWS)
    with pytest.raises(CommandError, match="no built-in layout 'essex'"):
        call_command("import_deployments", str(path), "--layout", "essex")


# Files as people save them


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (",", "utf-8-sig"), (";", "utf-8"), (";", "cp1252"), (",", "cp1252")],
)
def test_csv_in_utf8_or_windows_1252_with_commas_or_semicolons(
    tmp_path, essex_layout, delimiter, encoding
):
    rows = [[*ESSEX_ROWS[0][:1], "King\u2019s Cross \u2013 Euston Rd", *ESSEX_ROWS[0][2:]]]
    path = write_csv(tmp_path / "essex.csv", ESSEX_HEADERS, rows, delimiter, encoding)
    result = parse_published_table(path, force="ESX", layout=layout_load(essex_layout))
    assert result.ok, format_errors(result.errors)
    (row,) = result.rows
    assert (row.location, row.faces_seen) == ("King\u2019s Cross \u2013 Euston Rd", 21_940)


def test_xlsx_typed_cells_are_read_as_the_sheet_shows_them(tmp_path, essex_layout):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ESSEX_HEADERS[:-1])
    sheet.append(
        [dt.datetime(2024, 8, 22), "Chelmsford", dt.time(4, 47), 12_120, 1, 0, 1, 0, 8e-05]
    )
    sheet["A2"].number_format = "dd/mm/yyyy"
    sheet["C2"].number_format = "hh:mm"
    sheet["I2"].number_format = "0.000%"
    path = tmp_path / "essex.xlsx"
    workbook.save(path)
    result = parse_published_table(path, force="ESX", layout=layout_load(essex_layout))
    assert result.ok, format_errors(result.errors)
    (row,) = result.rows
    assert row.date == dt.date(2024, 8, 22)
    assert row.duration == dt.timedelta(hours=4, minutes=47)
    assert row.published_false_alert_rate == "0.008%"  # not the text "8e-05"
    assert row.cells["published_false_alert_rate"] == "0.008%"


def test_an_xlsx_style_naming_a_format_the_workbook_never_defines_reads_as_general(
    tmp_path, essex_layout
):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ESSEX_HEADERS[:-1])
    sheet.append(["22/08/2024", "Chelmsford", "10:00-16:00", 12_120, 1, 0, 1, 0, "0.008%"])
    sheet["D2"].number_format = '#,##0 "faces"'
    path = tmp_path / "essex.xlsx"
    workbook.save(path)
    # as another program might write it: the style names format 200, which is not defined
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    styles = members["xl/styles.xml"].decode()
    undefined = re.sub(r'(<xf [^>]*numFmtId=")164"', r'\g<1>200"', styles)
    assert undefined != styles
    members["xl/styles.xml"] = undefined.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)

    result = parse_published_table(path, force="ESX", layout=layout_load(essex_layout))

    assert result.ok, format_errors(result.errors)
    assert result.rows[0].faces_seen == 12_120
