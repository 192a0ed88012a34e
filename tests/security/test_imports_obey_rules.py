"""Imports obey the admin's rules (issue 10, item 2): the importing user's permissions and the
record lifecycle, no new forces, and a record a force entered itself is never changed by
someone else's import."""

import csv
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from audits.ledger.models import LedgerEvent
from audits.register.imports.deployments import apply_import, plan_import
from audits.register.models import Amendment, Deployment, Force, Status, Watchlist
from audits.register.services.published import published_deployment_revise
from audits.register.services.records import record_withdraw
from tests import personas

pytestmark = pytest.mark.django_db
MET_GRID = Path(__file__).resolve().parents[3] / "shared/data/met_lfr_deployments_2020_2023.csv"
HEADER = MET_GRID.read_text(encoding="utf-8").splitlines()[0].split(",")


def grid(tmp_path: Path, deployment: Deployment, **cells: str) -> Path:
    """A published grid with one row naming an existing deployment of the register."""
    row = dict.fromkeys(HEADER, "")
    row.update(
        row_id=deployment.reference,
        force=deployment.force.code,
        date=deployment.date.isoformat(),
        location=deployment.location_name,
        purpose="1",
        watchlist_size=str(deployment.watchlist.size) if deployment.watchlist else "",
        faces_seen_estimate="99999",
        source_doc="A force's own grid",
        page="1",
    )
    row.update(cells)
    path = tmp_path / "grid.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        writer.writerow(row)
    return path


def entered(code: str, status: str) -> Deployment:
    return Deployment.objects.filter(force__code=code, status=status).order_by("pk").first()


def stored(deployment: Deployment) -> tuple:
    fresh = Deployment.objects.get(pk=deployment.pk)
    return (fresh.status, fresh.faces_seen, fresh.location_name, fresh.notes)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN])
def test_a_commissioners_import_never_changes_a_record_the_force_entered(tmp_path, status):
    deployment = entered("NMP", status if status != Status.WITHDRAWN else Status.SUBMITTED)
    if status == Status.WITHDRAWN:
        record_withdraw(user=None, instance=deployment, reason="Entered twice")
    commissioner = personas.commissioner()
    before, events = stored(deployment), LedgerEvent.objects.count()
    plan = plan_import(grid(tmp_path, deployment), user=commissioner)
    assert [error.record for error in plan.errors] == [deployment.reference]
    assert "withdrawn" in plan.errors[0].reason or "entered by NMP itself" in plan.errors[0].reason
    with pytest.raises(ValueError, match="cannot be applied"):
        apply_import(plan, user=commissioner)
    assert stored(deployment) == before and LedgerEvent.objects.count() == events


def test_the_service_itself_refuses_a_commissioners_revision_of_an_entered_record():
    deployment = entered("NMP", Status.SUBMITTED)
    with pytest.raises(PermissionDenied, match="entered by NMP itself"):
        published_deployment_revise(
            user=personas.commissioner(),
            deployment=deployment,
            data={"faces_seen": 1},
            watchlist_size=None,
            as_of=deployment.date,
            reason="Re-import",
        )
    assert Deployment.objects.get(pk=deployment.pk).faces_seen == deployment.faces_seen


def test_a_recorder_without_the_amend_right_cannot_revise_a_submitted_record_by_import(tmp_path):
    deployment = entered("NMP", Status.SUBMITTED)
    before = stored(deployment)
    plan = plan_import(grid(tmp_path, deployment), user=personas.recorder("NMP"))
    assert len(plan.errors) == 1
    assert "lacks the permission register.amend_record" in plan.errors[0].reason
    assert stored(deployment) == before


def test_a_recorders_import_revises_their_own_draft_through_the_edit_service(tmp_path):
    deployment = entered("NMP", Status.DRAFT)
    recorder = personas.recorder("NMP")
    plan = plan_import(grid(tmp_path, deployment), user=recorder)
    assert plan.ok, plan.errors
    apply_import(plan, user=recorder)
    fresh = Deployment.objects.get(pk=deployment.pk)
    assert (fresh.status, fresh.faces_seen) == (Status.DRAFT, 99999)
    update = LedgerEvent.objects.filter(action="update", object_id=str(deployment.pk)).last()
    assert update.actor == recorder.username and '"faces_seen":[' in update.changes


def test_an_import_never_creates_a_force(tmp_path, capsys):
    path = tmp_path / "grid.csv"
    text = MET_GRID.read_text(encoding="utf-8").replace(",MPS,", ",ZZQ,")
    path.write_text(text, encoding="utf-8")
    forces, events = Force.objects.count(), LedgerEvent.objects.count()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_deployments", str(path))
    assert "no force 'ZZQ' in the register" in capsys.readouterr().err
    assert (Force.objects.count(), LedgerEvent.objects.count()) == (forces, events)


def test_a_published_watchlist_size_is_revised_by_an_amendment_of_the_watchlist(tmp_path):
    call_command("import_deployments", str(MET_GRID))
    text = MET_GRID.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    for row in rows:
        if row["row_id"] == "MPS-001":
            row["watchlist_size"] = "6000"
    path = tmp_path / "grid.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    call_command("import_deployments", str(path))
    watchlist = Watchlist.objects.get(force__code="MPS", reference="MPS-001-WL")
    assert watchlist.size == 6000
    amendment = Amendment.objects.get(object_id=watchlist.pk, field="size")
    assert (amendment.old_value, amendment.new_value, amendment.force.code) == (5816, 6000, "MPS")
    event = LedgerEvent.objects.get(seq=amendment.ledger_seq)
    assert (event.action, event.object_type) == ("amend", "watchlist")
