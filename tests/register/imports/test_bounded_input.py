"""Every reader is bounded before it allocates (issue 10, item 4).

Each hostile input is refused with a message naming the limit. The memory and time are measured
in a child process (its own peak RSS, ru_maxrss), so the test process's own size does not count;
the status code and "nothing written" are checked in-process with the test client.
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from openpyxl import Workbook
from rest_framework.test import APIClient

from audits.ledger.models import LedgerEvent
from audits.register.imports.limits import COLUMNS, JSON_DEPTH, UPLOAD_BYTES, XLSX_MEMBER_BYTES
from audits.register.imports.pdf_tables import read_pdf
from audits.register.imports.published import parse_published_table
from audits.register.imports.tables import UnreadableFile, read_table
from audits.register.imports.values import parse_count, parse_threshold
from audits.register.models import Alert, Deployment, Force
from tests import personas
from tests.api.conftest import client_for as api_client_for
from tests.register.imports import handmade_pdfs

ROOT = Path(__file__).resolve().parents[3]
MET_GRID = ROOT.parent / "shared/data/met_lfr_deployments_2020_2023.csv"
# What a refusal may add to the process's peak. A Django process of this project already peaks
# at about 270 MB once its apps are imported (pandas, numpy, scipy), before any input is read, so
# the limit is on what reading the input adds, measured against the peak just before it.
GROWTH_BYTES = 64 * 2**20
SECONDS = 5.0
DEEP = 100_000


# Building the hostile inputs


def far_cell_xlsx(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["row_id", "force"])
    sheet["XFD1048576"] = "x"
    workbook.save(path)
    return path


def zip_bomb_xlsx(path: Path) -> Path:
    """A valid workbook of about 600 KB whose sheet XML inflates to 200 MB of repeated rows
    (deflate cannot do much better than 1,000 to 1; the directory states the real size)."""
    workbook = Workbook()
    workbook.active.append(["row_id"])
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name, data in members.items():
            if name != "xl/worksheets/sheet1.xml":
                bomb.writestr(name, data)
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData>')
            chunk = row * 20_000
            for _ in range(200_000_000 // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def hundred_mb_csv(path: Path) -> Path:
    with path.open("wb") as file:
        file.truncate(100 * 2**20)  # sparse: no 100 MB written to the shared disk
    return path


def million_columns_csv(path: Path) -> Path:
    path.write_text("row_id" + ",x" * 1_000_000 + "\n")
    return path


def pdf_with_content(path: Path, content: bytes, damaged: bool = False) -> Path:
    """A one-page PDF whose page draws `content`, compressed; `damaged`, its stream broken."""
    stream = zlib.compress(content, 9)
    if damaged:  # broken near its end: what comes before still inflates
        stream = stream[:-200] + b"\xff" * 64 + stream[-136:]
    return handmade_pdfs.one_page(path, handmade_pdfs.stream(stream, encoded=True))


def rectangles_pdf(path: Path) -> Path:
    """150,000 filled rectangles: 6 KB on disk, minutes and gigabytes for a table reader."""
    return pdf_with_content(path, b"0 0 1 1 re f\n" * 150_000)


def inflating_pdf(path: Path) -> Path:
    """A page whose 100 KB of content inflates to 100 MB."""
    return pdf_with_content(path, b" " * 100_000_000)


def damaged_rectangles_pdf(path: Path) -> Path:
    """The rectangles, the stream broken near its end: pdfminer inflates a damaged stream as
    far as it goes, and so must the check (not count it as empty)."""
    return pdf_with_content(path, b"0 0 1 1 re f\n" * 150_000, damaged=True)


def text_pdf(path: Path) -> Path:
    """A page showing 1,000,000 characters."""
    return pdf_with_content(path, b"BT /F1 1 Tf (" + b"x" * 1_000_000 + b") Tj ET\n")


HOSTILE_PDFS = {
    "rectangles.pdf": (rectangles_pdf, "page 1: 150,000 drawing operations; at most 25,000"),
    "inflating.pdf": (inflating_pdf, "page 1: its contents inflate to more than 2 MiB"),
    "damaged.pdf": (damaged_rectangles_pdf, "drawing operations; at most 25,000 a page"),
    "text.pdf": (text_pdf, "page 1: 1,000,000 characters of text; at most 50,000"),
}

HOSTILE_FILES = {
    "far_cell.xlsx": (far_cell_xlsx, "column 16,384, beyond the limit of 200 columns"),
    "bomb.xlsx": (zip_bomb_xlsx, f"the limit is {XLSX_MEMBER_BYTES:,}"),
    "huge.csv": (hundred_mb_csv, f"the file is 104,857,600 bytes; the limit is {UPLOAD_BYTES:,}"),
    "wide.csv": (million_columns_csv, "row 1 has at least 1,000,001 columns; the limit is 200"),
}

CHILD = """
import io, json, resource, sys, time
import django
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
err = io.StringIO()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
started = time.perf_counter()
try:
    {call}
    message = "accepted"
except CommandError as refusal:
    message = str(refusal) + " " + err.getvalue()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"message": message, "seconds": seconds, "growth": peak - before}}))
"""


def run_child(call: str) -> dict:
    """Run `call` in a fresh Python with the test settings; its message, time and peak RSS."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "app.test_settings"}
    code = CHILD.format(call=call)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_the_command_refuses_a_hostile_file_quickly_in_bounded_memory(tmp_path, name):
    build, limit = HOSTILE_FILES[name]
    path = build(tmp_path / name)
    if name == "bomb.xlsx":
        with zipfile.ZipFile(path) as bomb:
            inflated = sum(member.file_size for member in bomb.infolist())
        assert path.stat().st_size < 2**20 and inflated > 190_000_000
    child = run_child(f"call_command('import_deployments', {str(path)!r}, stderr=err)")
    assert limit in child["message"]
    assert child["seconds"] < SECONDS
    assert child["growth"] < GROWTH_BYTES


def test_the_json_parser_refuses_deep_nesting_quickly_in_bounded_memory():
    call = (
        "from audits.register.api.parsers import BoundedJSONParser; import io\n"
        "    from rest_framework.exceptions import ParseError\n"
        "    try:\n"
        f"        BoundedJSONParser().parse(io.BytesIO(b'[' * {DEEP} + b']' * {DEEP}))\n"
        "    except ParseError as error:\n"
        "        raise CommandError(str(error.detail))"
    )
    child = run_child(call)
    assert f"nested more than {JSON_DEPTH} levels deep" in child["message"]
    assert child["seconds"] < SECONDS
    assert child["growth"] < GROWTH_BYTES


# The readers themselves under a hard memory limit: the child's address space is capped at 256 MB
# (RLIMIT_AS) before anything is imported, so a reader that allocated the sheet's claimed extent,
# the inflated member or a million cells would die there instead of answering.
LIMITED_CHILD = """
import io, json, resource, sys, time
cap = 256 * 2**20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
sys.path.insert(0, ".")
def peak_rss():
    # VmHWM is this process's own high-water mark since exec; ru_maxrss would carry over the
    # parent's (a test worker several hundred MB large) through fork.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024
started = time.perf_counter()
try:
    {call}
    message = "accepted"
except Exception as refusal:
    message = str(getattr(refusal, "detail", refusal))
print(json.dumps({{
    "message": message,
    "seconds": time.perf_counter() - started,
    "peak": peak_rss(),
}}))
"""
MEMORY_CAP = 256 * 2**20


def run_capped(call: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "app.test_settings"}
    done = subprocess.run(
        [sys.executable, "-c", LIMITED_CHILD.format(call=call)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_the_reader_refuses_each_hostile_file_under_a_256_mb_memory_cap(tmp_path, name):
    build, limit = HOSTILE_FILES[name]
    path = build(tmp_path / name)
    child = run_capped(
        "from pathlib import Path; from audits.register.imports.tables import read_table\n"
        f"    read_table(Path({str(path)!r}))"
    )
    assert limit in child["message"]
    assert child["seconds"] < SECONDS and child["peak"] < MEMORY_CAP


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_a_hostile_pdf_is_refused_before_its_page_is_read_in_bounded_time_and_memory(
    tmp_path, name
):
    build, limit = HOSTILE_PDFS[name]
    path = build(tmp_path / name)
    assert path.stat().st_size < 500_000
    child = run_capped(
        "from pathlib import Path; from audits.register.imports.pdf_tables import read_pdf\n"
        f"    read_pdf(Path({str(path)!r}))"
    )
    assert limit in child["message"]
    assert child["seconds"] < SECONDS and child["peak"] < MEMORY_CAP


def test_json_nested_100000_deep_is_refused_under_a_256_mb_memory_cap():
    child = run_capped(
        "from audits.register.api.parsers import BoundedJSONParser\n"
        f"    BoundedJSONParser().parse(io.BytesIO(b'[' * {DEEP} + b']' * {DEEP}))"
    )
    assert f"the limit is {JSON_DEPTH}" in child["message"]
    assert child["seconds"] < SECONDS and child["peak"] < MEMORY_CAP


# In-process: the answer, and nothing written


def deep_json(depth: int = DEEP) -> str:
    return '{"username": ' + "[" * depth + "]" * depth + ', "password": "x"}'


@pytest.mark.django_db
def test_deep_json_is_a_400_for_an_anonymous_caller_of_the_token_endpoint():
    tokens, events = AuthToken.objects.count(), LedgerEvent.objects.count()
    response = APIClient().post("/api/v1/auth/token/", deep_json(), content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert f"the limit is {JSON_DEPTH}" in error["message"]
    assert (AuthToken.objects.count(), LedgerEvent.objects.count()) == (tokens, events)


@pytest.mark.django_db
def test_deep_json_is_a_400_on_a_write_endpoint_with_a_token():
    client = api_client_for(personas.recorder("NMP"))
    alerts, events = Alert.objects.count(), LedgerEvent.objects.count()
    body = '{"items": ' + "[" * DEEP + "]" * DEEP + "}"
    response = client.post("/api/v1/batches/alerts/", body, content_type="application/json")
    assert response.status_code == 400
    assert f"the limit is {JSON_DEPTH}" in response.json()["error"]["message"]
    assert (Alert.objects.count(), LedgerEvent.objects.count()) == (alerts, events)


@pytest.mark.django_db
def test_json_nested_exactly_to_the_limit_is_still_read():
    client = APIClient()
    nested = "[" * (JSON_DEPTH - 1) + "]" * (JSON_DEPTH - 1)
    response = client.post(
        "/api/v1/auth/token/",
        '{"username": ' + nested + ', "password": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"  # parsed; the username is refused


def admin_client():
    user = get_user_model().objects.create_superuser("bounds-admin", "b@example.org", "pw")
    return personas.login(Client(), user)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["far_cell.xlsx", "bomb.xlsx", "wide.csv"])
def test_the_admin_grid_import_refuses_a_hostile_file_and_writes_nothing(tmp_path, name):
    build, limit = HOSTILE_FILES[name]
    content = build(tmp_path / name).read_bytes()
    client = admin_client()
    deployments, events = Deployment.objects.count(), LedgerEvent.objects.count()
    response = client.post(
        reverse("admin:register_deployment_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert limit in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()
    assert (Deployment.objects.count(), LedgerEvent.objects.count()) == (deployments, events)


@pytest.mark.django_db
def test_the_admin_alert_import_refuses_a_million_columns_and_writes_nothing(tmp_path):
    content = million_columns_csv(tmp_path / "wide.csv").read_bytes()
    client = admin_client()
    alerts, events = Alert.objects.count(), LedgerEvent.objects.count()
    response = client.post(
        reverse("admin:register_alert_import"),
        {"file": SimpleUploadedFile("wide.csv", content), "force": Force.objects.first().pk},
    )
    assert response.status_code == 200
    assert f"the limit is {COLUMNS} columns" in response.content.decode()
    assert (Alert.objects.count(), LedgerEvent.objects.count()) == (alerts, events)


# Reading what a person wrote, as they see it


def test_a_line_break_inside_a_quoted_cell_stays_in_its_row_and_errors_name_the_right_rows(
    tmp_path,
):
    rows = list(csv.reader(io.StringIO(MET_GRID.read_text(), newline="")))
    notes, size = rows[0].index("notes"), rows[0].index("watchlist_size")
    rows[1][notes] = "crowd\rdispersed\r\nearly"  # MPS-001, row 2 under the header
    rows[5][size] = "abc"  # MPS-005, row 6
    path = tmp_path / "grid.csv"
    with path.open("w", newline="") as file:
        csv.writer(file).writerows(rows)
    table = read_table(path)
    assert len(table) == len(rows)
    assert table[1][notes] == "crowd\rdispersed\r\nearly"
    (error,) = parse_published_table(path).errors
    assert (error.row, error.record, error.column) == (6, "MPS-005", "watchlist_size")


def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["row_id", "total_alerts"])
    sheet.append(["MPS-1", "=2+3"])  # openpyxl writes the formula, no cached value
    path = tmp_path / "grid.xlsx"
    workbook.save(path)
    (error,) = parse_published_table(path).errors
    assert "cell B2 holds a formula with no saved value" in error.reason


def test_a_formula_with_a_saved_value_reads_as_that_value(tmp_path):
    path = tmp_path / "grid.xlsx"
    workbook = Workbook()
    workbook.active.append(["total_alerts"])
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    cell = '<row r="2"><c r="A2"><f>2+3</f><v>5</v></c></row></sheetData>'
    members["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", cell).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    assert read_table(path) == [["total_alerts"], ["5"]]


@pytest.mark.parametrize("text", ["\u0663", "1\u0663", "\u00b2", "\uff11\uff12"])
def test_a_count_in_other_digits_is_refused(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_count(text)


def test_a_threshold_in_other_digits_is_refused():
    with pytest.raises(ValueError, match="is not a number"):
        parse_threshold("\u0660.\u0665")


def test_an_over_long_cell_is_refused_naming_the_cell_and_the_limit(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text("row_id,notes\nMPS-1," + "x" * 10_001 + "\n")
    (error,) = parse_published_table(path).errors
    assert "row 2, column 2 has 10,001 characters; the limit is 10,000 per cell" in error.reason


def test_the_json_depth_check_ignores_brackets_inside_strings():
    from audits.register.api.parsers import BoundedJSONParser

    body = json.dumps({"note": "[" * 1000, "items": [[1, {"a": [2]}]]}).encode()
    assert BoundedJSONParser().parse(io.BytesIO(body))["items"] == [[1, {"a": [2]}]]


@pytest.mark.parametrize(
    ("build", "refusal"),
    [
        (handmade_pdfs.form_drawn_many_times, "page 1: 30,000 drawing operations; at most 25,000"),
        (handmade_pdfs.forms_nested, "page 1: 100,000 drawing operations; at most 25,000"),
        (handmade_pdfs.flate_twice, "page 1: its contents inflate to more than 2 MiB"),
        (handmade_pdfs.no_spaces, "page 1: 30,000 drawing operations; at most 25,000"),
        (handmade_pdfs.nested_brackets, "page 1: 60,000 characters of text; at most 50,000"),
        (handmade_pdfs.unknown_filter, "compressed with Crypt; the register reads Flate and ASCII"),
        (handmade_pdfs.encrypted, "page 1: 30,000 drawing operations; at most 25,000"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_a_pdf_is_measured_as_pdfminer_would_draw_it(tmp_path, build, refusal):
    """Each of these got past a first version of the check (a form counted once however often
    it is drawn, a second filter unbounded, "1re" unseen, nested brackets uncounted, an
    encrypted stream measured undeciphered, an unknown filter a crash)."""
    path = build(tmp_path / "hostile.pdf")
    with pytest.raises(UnreadableFile, match=re.escape(refusal)):
        read_pdf(path)


def test_a_document_of_many_pages_each_under_the_limit_is_refused_in_all(tmp_path):
    page = handmade_pdfs.stream(handmade_pdfs.rectangles(20_000))
    pages = 6  # 120,000 drawing operations in all
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>"
               % (kids, pages)]  # fmt: skip
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents %d 0 R "
        b"/Resources << >> >>" % (3 + pages)
    ] * pages
    path = handmade_pdfs.build(tmp_path / "pages.pdf", [*objects, page])
    refusal = "pages.pdf: 120,000 drawing operations; at most 100,000 a document are read"
    with pytest.raises(UnreadableFile, match=re.escape(refusal)):
        read_pdf(path)
