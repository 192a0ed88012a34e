"""Admin import with preview: every row and error is shown, and nothing is written before
confirmation."""

from pathlib import Path

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audits.ledger.models import LedgerEvent
from audits.register.admin.imports import GRID_CONFIRMATION_SALT
from audits.register.imports.limits import UPLOAD_BYTES
from audits.register.models import Deployment
from tests import personas

pytestmark = pytest.mark.django_db

MET_GRID = Path(__file__).resolve().parents[3] / "shared/data/met_lfr_deployments_2020_2023.csv"
IMPORT = reverse("admin:register_deployment_import")


def client_for(user) -> Client:
    client = Client()
    personas.login(client, user)
    return client


def upload(client: Client, content: bytes, name: str = "grid.csv", force: str = ""):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content), "force": force})


def test_the_preview_shows_every_row_and_writes_nothing_until_confirmed():
    client = client_for(personas.commissioner())
    events = LedgerEvent.objects.count()
    preview = upload(client, MET_GRID.read_bytes())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "32 rows: 32 to create, 0 to revise, 0 unchanged" in page
    assert "MPS-027" in page
    assert not Deployment.objects.filter(force__code="MPS").exists()
    assert LedgerEvent.objects.count() == events  # a preview writes nothing, not even an event
    confirm = {"confirm_preview": preview.context["confirmation"], "confirm": "1"}
    response = client.post(IMPORT, confirm)
    assert response.status_code == 302
    assert Deployment.objects.filter(force__code="MPS").count() == 32
    assert LedgerEvent.objects.order_by("-seq").first().action == "import"


def test_a_bad_file_shows_every_error_and_offers_no_confirmation():
    content = MET_GRID.read_text().replace(
        'MPS-011,MPS,2023-04-14,Camden,5h03m,"1,2,3,4",9744,0.6',
        'MPS-011,MPS,2023-04-14,Camden,5h03m,"1,2,3,4",9744,abc',
    )
    content = content.replace(",48700,", ",-48700,")
    response = upload(client_for(personas.commissioner()), content.encode())
    page = response.content.decode()
    assert "2 errors: nothing can be imported" in page
    assert "MPS-011" in page and "threshold" in page and "MPS-019" in page
    assert 'name="confirm"' not in page
    assert not Deployment.objects.filter(force__code="MPS").exists()


def test_a_recorder_cannot_import_another_forces_grid():
    client = client_for(personas.recorder("NMP"))
    response = upload(client, MET_GRID.read_bytes())
    assert response.status_code == 302
    assert not Deployment.objects.filter(force__code="MPS").exists()


def test_an_auditor_cannot_import_at_all():
    assert client_for(personas.auditor()).get(IMPORT).status_code == 403


def test_only_csv_xlsx_and_pdf_are_accepted():
    response = upload(client_for(personas.commissioner()), b"x", name="grid.json")
    assert "Upload a .csv, .xlsx or .pdf file." in response.content.decode()


def test_a_file_that_is_not_a_pdf_is_refused_as_unreadable_and_nothing_is_written():
    events = LedgerEvent.objects.count()
    response = upload(client_for(personas.commissioner()), b"x", name="grid.pdf", force="MPS")
    page = response.content.decode()
    assert "cannot be read as a PDF: No /Root object" in page
    assert "Confirm the import" not in page
    assert LedgerEvent.objects.count() == events


def test_the_met_pdf_is_previewed_with_its_layout_and_its_defects_then_imported():
    client = client_for(personas.commissioner())
    pdf = MET_GRID.parent / "published/met-lfr-grid-2020-2022.pdf"
    preview = upload(client, pdf.read_bytes(), name=pdf.name, force="MPS")
    page = preview.content.decode()
    assert "Layout: <strong>Met LFR deployment grid, 2020-2022 edition</strong>" in page
    assert "9 rows: 9 to create, 0 to revise, 0 unchanged." in page
    assert "page 1, row 2" in page and "Oxford Circus 21/02/2020" in page
    response = client.post(
        IMPORT, {"confirm": "1", "confirm_preview": preview.context["confirmation"]}
    )
    assert response.status_code == 302
    assert Deployment.objects.filter(force__code="MPS").count() == 9


def test_a_tampered_grid_confirmation_is_refused_and_writes_nothing():
    client = client_for(personas.commissioner())
    preview = upload(client, MET_GRID.read_bytes())
    signed = preview.context["confirmation"]
    events = LedgerEvent.objects.count()
    token = signing.loads(signed, salt=GRID_CONFIRMATION_SALT)["token"]
    for tampered in (
        # the fields the unsigned form used to post, with another source name and force
        {"token": token, "force": "XYZ", "source": "forged.csv", "digest": "0" * 64},
        {"confirm_preview": signed[:-2] + ("A" if signed[-2] != "A" else "B") + signed[-1]},
        {"confirm_preview": signing.dumps({"token": token}, salt="another.salt")},
    ):
        response = client.post(IMPORT, {**tampered, "confirm": "1"}, follow=True)
        assert "That preview is no longer valid" in response.content.decode()
    assert not Deployment.objects.filter(force__code="MPS").exists()
    assert LedgerEvent.objects.count() == events


def test_another_users_grid_confirmation_is_refused():
    preview = upload(client_for(personas.commissioner()), MET_GRID.read_bytes())
    other = client_for(personas.commissioner("commissioner-other"))
    confirm = {"confirm_preview": preview.context["confirmation"], "confirm": "1"}
    response = other.post(IMPORT, confirm, follow=True)
    assert "That preview is no longer valid" in response.content.decode()
    assert not Deployment.objects.filter(force__code="MPS").exists()


def test_an_over_size_upload_is_refused_naming_the_limit(tmp_path):
    too_big = UPLOAD_BYTES + 1
    upload_file = SimpleUploadedFile("grid.csv", b"row_id\n" + b"x" * (too_big - 7))
    response = client_for(personas.commissioner()).post(IMPORT, {"file": upload_file})
    page = response.content.decode()
    assert f"The file is {too_big:,} bytes; the limit is {UPLOAD_BYTES:,}." in page
    assert "plan" not in response.context


def test_the_preview_names_the_file_and_every_errors_value():
    content = MET_GRID.read_text().replace(",48700,", ",-48700,")
    page = upload(client_for(personas.commissioner()), content.encode()).content.decode()
    assert "<strong>grid.csv</strong>" in page
    assert (
        "<td>20</td><td>MPS-019</td><td>faces_seen_estimate</td><td>-48700</td>"
        "<td>&#x27;-48700&#x27; is negative</td>"
    ) in page


def test_confirming_refuses_when_the_register_changed_since_the_preview():
    client = client_for(personas.commissioner())
    preview = upload(client, MET_GRID.read_bytes())
    assert preview.context["created"] == 32
    call_command("import_deployments", str(MET_GRID))  # meanwhile, the same rows by the command
    events = LedgerEvent.objects.count()
    confirm = {"confirm_preview": preview.context["confirmation"], "confirm": "1"}
    response = client.post(IMPORT, confirm)
    assert response.status_code == 200
    assert "The file or the register changed since the preview" in response.content.decode()
    assert (response.context["created"], response.context["unchanged"]) == (0, 32)
    assert LedgerEvent.objects.count() == events  # nothing written: not even the file's event
    assert Deployment.objects.filter(force__code="MPS").count() == 32


def test_a_published_records_page_shows_where_it_was_printed_and_what_it_said():
    record = Deployment.objects.get(force__code="WSP", reference="High St 10/01/2024")
    page = client_for(personas.commissioner()).get(
        reverse("admin:register_deployment_change", args=[record.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "As published (each edition" in text
    assert "WSP LFR DEPLOYMENTS 2024 (wsp-grid.pdf, 2025-01-11)" in text
    # each cell as printed (PostgreSQL's jsonb keeps the keys in an order of its own)
    assert all(cell in text for cell in ("location: High St", "date: 10/01/24", "total_alerts: 1"))
