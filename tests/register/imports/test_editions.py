"""Editions of a publication: a later edition is matched row by row by natural key (force, date,
place as published, occurrence), never by position. A changed value becomes an amendment citing
the edition, a new row a new record, a dropped row is reported and kept; and a record belongs
to its publication: another one never changes it."""

from pathlib import Path

import pytest
from django.core.management import call_command

from audits.register.models import Amendment, Deployment, FacesSeenRevision, PublishedRow
from tests.register.imports.grids import HEADERS_2025, grid_pdf

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[4] / "shared/data"
TITLE = "MPS LFR DEPLOYMENTS 2025"


def row(place: str, day: str, faces: str, alerts: str = "2", window: str = "10:00-16:00"):
    return (place, day, window, "Crime Hotspot", "16,112", "0.64", alerts, alerts, "0", "0",
            "0", "0%", "1", "1", "0", faces)  # fmt: skip


FIRST = [
    row("Hounslow High St", "07/03/25", "9,120"),
    row("Croydon, North End", "08/03/25", "12,000"),
    row("Camden High St", "10/03/25", "5,000"),
    row("Camden High St", "10/03/25", "4,200", window="17:00-19:00"),  # twice that day
]
# The second edition: a row inserted at the top (every row moves down), Croydon dropped,
# Camden's first deployment re-estimated at 5,400 faces.
SECOND = [
    row("Brixton Rd", "05/03/25", "7,700"),
    row("Hounslow High St", "07/03/25", "9,120"),
    row("Camden High St", "10/03/25", "5,400"),
    row("Camden High St", "10/03/25", "4,200", window="17:00-19:00"),
]


def imported(tmp_path: Path, name: str, rows, capsys) -> str:
    path = grid_pdf(tmp_path / name, TITLE, HEADERS_2025, rows)
    call_command("import_deployments", str(path), "--force", "MPS")
    return capsys.readouterr().out


def test_a_second_edition_revises_by_natural_key_creates_reports_and_keeps(tmp_path, capsys):
    first = imported(tmp_path, "grid-2025-03.pdf", FIRST, capsys)
    assert "4 created" in first and "Layout: Met LFR deployment grid, 2025 edition" in first
    camden, camden_evening = Deployment.objects.filter(location_name="Camden High St").order_by(
        "start"
    )
    assert (camden.reference, camden_evening.reference) == (
        "Camden High St 10/03/2025",
        "Camden High St 10/03/2025 (2)",
    )

    second = imported(tmp_path, "grid-2025-04.pdf", SECOND, capsys)

    assert "1 created, 1 revised, 2 unchanged" in second
    assert "A later edition of MPS LFR DEPLOYMENTS 2025 (grid-2025-03.pdf)." in second
    assert "Croydon, North End 08/03/2025: in the last edition, not in this one (kept)" in second
    assert Deployment.objects.filter(reference="Croydon, North End 08/03/2025").exists()
    camden.refresh_from_db()
    assert camden.faces_seen == 5_400
    (amendment,) = Amendment.objects.filter(object_id=camden.pk, field="faces_seen")
    assert (amendment.old_value, amendment.new_value) == (5_000, 5_400)
    assert amendment.reason == (
        "MPS LFR DEPLOYMENTS 2025 (grid-2025-04.pdf): the published value changed"
    )
    assert list(
        FacesSeenRevision.objects.filter(deployment=camden).values_list("value", flat=True)
    ) == [5_000, 5_400]  # every published estimate kept
    # each edition keeps its own row of the record, where it printed it
    printed = PublishedRow.objects.filter(deployment=camden).order_by("publication__imported_at")
    assert [(p.publication.file_name, p.row) for p in printed] == [
        ("grid-2025-03.pdf", 3),
        ("grid-2025-04.pdf", 3),
    ]
    assert printed[1].flags == [
        {
            "check": "changed_between_editions",
            "message": "Camden High St 10/03/2025: faces_seen 5000 -> 5400 since "
            "MPS LFR DEPLOYMENTS 2025 (grid-2025-03.pdf)",
        }
    ]
    # re-numbered, not revised: Hounslow moved from row 1 to row 2 and nothing changed
    hounslow = Deployment.objects.get(reference="Hounslow High St 07/03/2025")
    assert not Amendment.objects.filter(object_id=hounslow.pk).exists()
    assert not Amendment.objects.filter(object_id=camden_evening.pk).exists()


def test_another_publication_never_changes_a_record_it_did_not_publish(capsys):
    call_command("import_deployments", str(SHARED / "met_lfr_deployments_2020_2023.csv"))
    capsys.readouterr()
    call_command(
        "import_deployments", str(SHARED / "published/met-lfr-grid-2020-2022.pdf"), "--force", "MPS"
    )
    out = capsys.readouterr().out
    assert "0 created, 0 revised, 0 unchanged, 9 held by another source" in out
    assert "Stratford 11/02/2020: already in the register as MPS-001" in out
    assert Deployment.objects.filter(force__code="MPS").count() == 32
