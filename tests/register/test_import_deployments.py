"""import_deployments: the Met's published grid comes in exactly, all or nothing, and a changed
value on re-import becomes a revision, never an overwrite."""

import csv
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from audits.ledger.models import LedgerEvent
from audits.register.models import (
    Amendment,
    Deployment,
    FacesSeenRevision,
    Publication,
    PublishedRow,
)

pytestmark = pytest.mark.django_db

MET_GRID = Path(__file__).resolve().parents[3] / "shared/data/met_lfr_deployments_2020_2023.csv"


def edited_grid(tmp_path: Path, row_id: str, column: str, value: str) -> Path:
    with MET_GRID.open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        if row["row_id"] == row_id:
            row[column] = value
    target = tmp_path / f"grid-{column}.csv"
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def state() -> tuple[int, int, int]:
    return (
        Deployment.objects.count(),
        LedgerEvent.objects.count(),
        FacesSeenRevision.objects.count(),
    )


def test_the_met_grid_imports_as_published(capsys):
    events = LedgerEvent.objects.count()
    call_command("import_deployments", str(MET_GRID))
    assert "32 created, 0 revised, 0 unchanged" in capsys.readouterr().out
    # Every record through the services, each its own event, and one event for the file.
    mps = Deployment.objects.filter(force__code="MPS")
    written = (
        mps.count()
        + mps.exclude(watchlist=None).count()
        + FacesSeenRevision.objects.filter(deployment__in=mps).count()
        + Publication.objects.filter(force__code="MPS").count()
        + PublishedRow.objects.filter(deployment__in=mps).count()
    )
    # 31 rows publish faces seen; one edition, with a row for each record
    assert (mps.count(), written) == (32, 32 + 32 + 31 + 1 + 32)
    assert LedgerEvent.objects.count() == events + written + 1
    creates = LedgerEvent.objects.filter(seq__gt=events, action="create")
    assert creates.filter(object_type="deployment").count() == 32
    assert set(mps.values_list("origin", "status").distinct()) == {("published", "submitted")}
    event = LedgerEvent.objects.order_by("-seq").first()
    assert event.action == "import" and '"MPS-027"' in event.changes
    deployment = Deployment.objects.get(force__code="MPS", reference="MPS-002")
    assert deployment.faces_seen is None and deployment.total_alerts is None  # N/A: unknown
    assert deployment.technical_fault
    first = Deployment.objects.get(reference="MPS-001")
    assert (first.faces_seen, first.total_alerts, first.purpose_as_published) == (4600, 0, "1, 2")
    assert first.watchlist.size == 5816
    last = Deployment.objects.get(reference="MPS-030")
    assert last.hours == pytest.approx(8 + 22 / 60)
    assert last.source_document.startswith("MPS LFR DEPLOYMENTS 2023") and last.source_page == 2


def test_importing_the_same_file_again_creates_nothing(capsys):
    call_command("import_deployments", str(MET_GRID))
    before = state()
    call_command("import_deployments", str(MET_GRID))
    assert "0 created, 0 revised, 32 unchanged" in capsys.readouterr().out
    assert state()[0] == before[0] and state()[2] == before[2]


def test_a_revised_faces_seen_value_becomes_a_revision(tmp_path, capsys):
    call_command("import_deployments", str(MET_GRID))
    call_command(
        "import_deployments", str(edited_grid(tmp_path, "MPS-006", "faces_seen_estimate", "35000"))
    )
    assert "0 created, 1 revised, 31 unchanged" in capsys.readouterr().out
    deployment = Deployment.objects.get(reference="MPS-006")
    assert deployment.faces_seen == 35000
    assert list(deployment.faces_seen_revisions.values_list("value", flat=True)) == [34286, 35000]
    amendment = Amendment.objects.get(object_id=deployment.pk, field="faces_seen")
    assert (amendment.old_value, amendment.new_value) == (34286, 35000)


def test_a_dry_run_writes_nothing(capsys):
    before = state()
    call_command("import_deployments", str(MET_GRID), "--dry-run")
    assert "32 to create" in capsys.readouterr().out
    assert state() == before


def test_an_xlsx_grid_imports_the_same(tmp_path):
    workbook = tmp_path / "grid.xlsx"
    pd.read_csv(MET_GRID, dtype=str, keep_default_na=False).to_excel(workbook, index=False)
    call_command("import_deployments", str(workbook), "--force", "MPS")
    assert Deployment.objects.filter(force__code="MPS").count() == 32
    assert Deployment.objects.get(reference="MPS-019").faces_seen == 48700


@pytest.mark.parametrize(
    ("row_id", "column", "value", "expected"),
    [
        ("MPS-010", "arrests", "-1", "row 11 (MPS-010), column arrests"),
        ("MPS-011", "threshold", "abc", "row 12 (MPS-011), column threshold"),
        ("MPS-012", "row_id", "MPS-011", "row 13 (MPS-011), column row_id"),
        ("MPS-013", "duration", "about eight hours", "row 14 (MPS-013), column duration"),
    ],
)
def test_a_bad_cell_fails_naming_row_and_column_and_writes_nothing(
    tmp_path, capsys, row_id, column, value, expected
):
    before = state()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_deployments", str(edited_grid(tmp_path, row_id, column, value)))
    assert expected in capsys.readouterr().err
    assert state() == before


def test_a_missing_column_fails_naming_it(tmp_path, capsys):
    grid = tmp_path / "grid.csv"
    pd.read_csv(MET_GRID, dtype=str, keep_default_na=False).drop(columns=["arrests"]).to_csv(
        grid, index=False
    )
    before = state()
    with pytest.raises(CommandError):
        call_command("import_deployments", str(grid))
    assert "column arrests: missing required column" in capsys.readouterr().err
    assert state() == before


def test_an_end_before_its_start_is_imported_as_published_and_flagged(tmp_path, capsys):
    frame = pd.read_csv(MET_GRID, dtype=str, keep_default_na=False)
    frame["start"] = ""
    frame["end"] = ""
    frame.loc[frame["row_id"] == "MPS-020", ["start", "end"]] = [
        "2023-09-08T14:00:00+01:00",
        "2023-09-08T10:00:00+01:00",
    ]
    grid = tmp_path / "grid.csv"
    frame.to_csv(grid, index=False)
    call_command("import_deployments", str(grid))
    out = capsys.readouterr().out
    assert "32 created" in out
    assert "flag end_before_start: MPS-020: end 2023-09-08 09:00:00+00:00 is before start" in out
    kept = Deployment.objects.get(reference="MPS-020")
    assert (kept.start.hour, kept.end.hour) == (13, 9)  # UTC, as published


def test_every_bad_row_is_listed_not_just_the_first(tmp_path, capsys):
    grid = edited_grid(tmp_path, "MPS-010", "arrests", "-1")
    frame = pd.read_csv(grid, dtype=str, keep_default_na=False)
    frame.loc[frame["row_id"] == "MPS-031", "threshold"] = "1.5"
    frame.to_csv(grid, index=False)
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_deployments", str(grid))
    err = capsys.readouterr().err
    assert "MPS-010" in err and "MPS-031" in err
