"""Editions of a publication: a later edition is matched row by row by natural key (force, date,
place as published, occurrence), never by position. A changed value becomes an amendment citing
the edition, a new row a new record, a dropped row is reported and kept; and a record belongs
to its publication: another one never changes it."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from audits.ledger import rebuild, reconcile
from audits.ledger.models import LedgerEvent
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
    assert "differs_from_the_register" not in out, out  # the CSV transcribes the PDF exactly


def test_a_changed_time_of_deployment_is_an_amendment_of_start_end_and_duration(tmp_path, capsys):
    imported(tmp_path, "grid-2025-03.pdf", FIRST, capsys)
    later = [*FIRST[:2], row("Camden High St", "10/03/25", "5,000", window="10:00-17:30"), FIRST[3]]

    out = imported(tmp_path, "grid-2025-04.pdf", later, capsys)

    assert "0 created, 1 revised, 3 unchanged" in out
    assert "duration: 6h 00m -> 7h 30m" in out
    camden = Deployment.objects.get(reference="Camden High St 10/03/2025")
    assert camden.duration == dt.timedelta(hours=7, minutes=30)
    amended = Amendment.objects.filter(object_id=camden.pk).values_list("field", flat=True)
    assert sorted(amended) == ["duration", "end"]
    event = LedgerEvent.objects.filter(object_type="published_grid").latest("seq")
    # the ledger writes the exact values: durations as integer microseconds
    assert json.loads(event.changes)["revised"]["Camden High St 10/03/2025"]["duration"] == [
        6 * 3600 * 1_000_000,
        int(7.5 * 3600 * 1_000_000),
    ]


def test_dropping_one_of_two_rows_of_a_day_keeps_the_other_its_record(tmp_path, capsys):
    imported(tmp_path, "grid-2025-03.pdf", FIRST, capsys)
    morning, evening = Deployment.objects.filter(location_name="Camden High St").order_by("start")
    # the morning row is gone: the evening one is now the first (and only) of the day
    later = [FIRST[0], FIRST[1], row("Camden High St", "10/03/25", "4,300", window="17:00-19:00")]

    out = imported(tmp_path, "grid-2025-04.pdf", later, capsys)

    assert "0 created, 1 revised, 2 unchanged" in out
    assert "Camden High St 10/03/2025: in the last edition, not in this one (kept)" in out
    assert "2 deployments in MPS LFR DEPLOYMENTS 2025 (grid-2025-03.pdf), 1 in this edition" in out
    morning.refresh_from_db()
    evening.refresh_from_db()
    assert (morning.faces_seen, evening.faces_seen) == (5_000, 4_300)  # the evening revised
    assert not Amendment.objects.filter(object_id=morning.pk).exists()


def test_a_value_no_longer_published_is_kept_and_flagged(tmp_path, capsys):
    imported(tmp_path, "grid-2025-03.pdf", FIRST, capsys)
    blank = list(FIRST[0])
    blank[15] = "N/A"  # faces seen
    out = imported(tmp_path, "grid-2025-04.pdf", [tuple(blank), *FIRST[1:]], capsys)

    assert "0 created, 0 revised, 4 unchanged" in out
    assert (
        "Hounslow High St 07/03/2025: faces_seen was published as 9120 and is now not "
        "published; the register keeps the published value" in out
    )
    assert Deployment.objects.get(reference="Hounslow High St 07/03/2025").faces_seen == 9_120


def test_the_same_file_again_or_an_older_edition_after_a_newer_one_reverts_nothing(
    tmp_path, capsys
):
    older = grid_pdf(tmp_path / "grid-2025-03.pdf", TITLE, HEADERS_2025, FIRST, "2025-03-31")
    newer = grid_pdf(tmp_path / "grid-2025-04.pdf", TITLE, HEADERS_2025, SECOND, "2025-04-30")
    call_command("import_deployments", str(older), "--force", "MPS")
    call_command("import_deployments", str(newer), "--force", "MPS")
    capsys.readouterr()
    camden = Deployment.objects.get(reference="Camden High St 10/03/2025")
    assert camden.faces_seen == 5_400

    call_command("import_deployments", str(older), "--force", "MPS")
    again = capsys.readouterr().out
    assert "This file was imported before" in again and "0 revised" in again
    camden.refresh_from_db()
    assert camden.faces_seen == 5_400

    # the same older edition, re-saved (another file, the same creation date): flagged only
    copy = tmp_path / "grid-2025-03-copy.pdf"
    copy.write_bytes(older.read_bytes() + b"\n% re-saved\n")
    call_command("import_deployments", str(copy), "--force", "MPS")
    out = capsys.readouterr().out
    assert "An older edition than MPS LFR DEPLOYMENTS 2025 (grid-2025-04.pdf" in out
    assert "0 created, 0 revised" in out
    assert "faces_seen 5400 -> 5000 in MPS LFR DEPLOYMENTS 2025 (grid-2025-04.pdf" in out
    camden.refresh_from_db()
    assert camden.faces_seen == 5_400
    assert Amendment.objects.filter(object_id=camden.pk).count() == 1


def test_a_table_with_ids_finds_the_records_another_layout_created(capsys):
    call_command(
        "import_deployments", str(SHARED / "published/met-lfr-grid-2020-2022.pdf"), "--force", "MPS"
    )
    created = Deployment.objects.filter(force__code="MPS").count()
    capsys.readouterr()

    call_command("import_deployments", str(SHARED / "met_lfr_deployments_2020_2023.csv"))
    out = capsys.readouterr().out

    assert f"{32 - created} created, 0 revised, 0 unchanged, {created} held by another source" in (
        out
    )
    assert Deployment.objects.filter(force__code="MPS").count() == 32


def test_a_place_name_cut_to_fit_or_held_by_another_record_gets_a_name_of_its_own(tmp_path, capsys):
    long_place = "Westfield Shopping Centre, Ariel Way, White City, London W12"
    rows = [
        row(long_place + " (north entrance)", "07/03/25", "1,000"),
        row(long_place + " (south entrance)", "07/03/25", "2,000"),
    ]
    out = imported(tmp_path, "grid-2025-03.pdf", rows, capsys)
    assert "2 created" in out
    references = sorted(
        Deployment.objects.filter(date=dt.date(2025, 3, 7)).values_list("reference", flat=True)
    )
    assert len(set(references)) == 2 and all(len(r) <= 56 for r in references)
    assert [r.endswith("07/03/2025 (2)") for r in references].count(True) == 1


def test_another_publication_that_prints_other_figures_is_flagged_and_changes_nothing(
    tmp_path, capsys
):
    imported(tmp_path, "grid-2025-03.pdf", FIRST, capsys)
    press = [row("Hounslow High St", "07/03/25", "9,500")]
    path = grid_pdf(
        tmp_path / "press-release.pdf", "MPS PRESS RELEASE MARCH 2025", HEADERS_2025, press
    )
    call_command("import_deployments", str(path), "--force", "MPS")
    out = capsys.readouterr().out

    assert "0 created, 0 revised, 0 unchanged, 1 held by another source" in out
    assert (
        "flag differs_from_the_register: Hounslow High St 07/03/2025 (Hounslow High St "
        "07/03/2025): faces_seen 9500 here, 9120 in the register" in out
    )
    assert Deployment.objects.get(reference="Hounslow High St 07/03/2025").faces_seen == 9_120


def test_two_editions_of_a_pdf_reconcile_and_the_ledger_rebuilds_them_row_for_row(tmp_path, capsys):
    """Every row an import writes (records, editions, printed rows, amendments, faces-seen
    revisions, watchlists) is in the ledger exactly: nothing differs, and replaying it gives
    each table as stored."""
    imported(tmp_path, "grid-2025-03.pdf", FIRST, capsys)
    later = [*SECOND[:2], row("Camden High St", "10/03/25", "5,400", window="10:00-17:30")]
    imported(tmp_path, "grid-2025-04.pdf", later, capsys)
    assert Amendment.objects.filter(reason__contains="grid-2025-04.pdf").count() == 3

    assert reconcile.reconcile().differences == []
    stored = rebuild.table_digests()
    with rebuild.scratch_database() as alias:
        rebuild.rebuild(reconcile.replay(), using=alias)
        assert rebuild.table_digests(using=alias) == stored


def test_names_too_long_or_taken_are_refused_in_the_preview_not_when_confirmed(tmp_path):
    from audits.register.imports.deployments import plan_import
    from audits.register.models import Force, Watchlist

    Watchlist.objects.create(force=Force.objects.get(code="MPS"), reference="MPS-900-WL", size=1)
    header = (
        "row_id,force,date,location,duration,purpose,watchlist_size,threshold,"
        "faces_seen_estimate,total_alerts,true_alerts_total,true_confirmed,true_unconfirmed,"
        "false_confirmed,false_unconfirmed,"
        "true_alert_engagements,false_alert_engagements,arrests,other_disposal,no_action,"
        "published_false_alert_rate,notes,source_doc,page"
    )
    lines = [header]
    for row_id in ("X" * 61, "Y" * 58, "MPS-900"):
        lines.append(f"{row_id},MPS,2024-05-01,Here {row_id[:3]},1h 00m,Crime,100,0.6,1000,"
                     "0,0,0,0,0,0,0,0,0,0,0,0%,,grid.pdf,1")  # fmt: skip
    path = tmp_path / "grid.csv"
    path.write_text("\n".join(lines) + "\n")

    plan = plan_import(path)

    assert [(error.record, error.column, error.reason) for error in plan.errors] == [
        ("X" * 61, "row_id", "61 characters; a record's reference is at most 60"),
        (
            "Y" * 58,
            "row_id",
            f"its watchlist would be named {'Y' * 58 + '-WL'!r}, 61 characters; at most 60: "
            "a published id of at most 57 characters",
        ),
        ("MPS-900", "row_id", "its watchlist would be named 'MPS-900-WL', which another "
         "watchlist is"),
    ]  # fmt: skip


def test_a_note_no_longer_published_keeps_its_technical_fault():
    from audits.register.imports.deployments import _changes, deployment_values
    from audits.register.imports.published import parse_published_table

    row = parse_published_table(SHARED / "met_lfr_deployments_2020_2023.csv").rows[0]
    assert row.notes == "" and not row.technical_fault
    existing = Deployment(**deployment_values(row))
    existing.notes = "Technical fault stopped deployment"
    existing.technical_fault = True  # as the earlier edition's note said

    changes, kept = _changes(row, deployment_values(row), existing)

    assert kept["notes"] == "Technical fault stopped deployment"
    assert "technical_fault" not in changes  # read from the note, which is kept
