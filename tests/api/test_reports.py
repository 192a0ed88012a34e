"""/api/v1/reports/ gives frt_report's numbers, in the caller's scope, and is recorded."""

import json

import pytest
from django.core.management import call_command

from audits.ledger.models import LedgerEvent
from audits.register.filtersets import PUBLISHED_STATUSES
from audits.register.models import Deployment, Status
from audits.register.services.records import record_amend
from tests import personas
from tests.api.conftest import client_for, error_of, fields_of
from tests.reporting.test_frt_report import MET_GRID

pytestmark = pytest.mark.django_db
REPORTS = "/api/v1/reports/"


@pytest.fixture
def met(db):
    call_command("import_deployments", str(MET_GRID), verbosity=0)


def command_report(capsys, *args: str) -> dict:
    capsys.readouterr()
    call_command("frt_report", *args)
    return json.loads(capsys.readouterr().out)


def test_the_api_gives_the_commands_numbers(met, capsys, commissioner):
    expected = command_report(capsys, "--force", "MPS", "--group-by", "year")
    response = commissioner.get(REPORTS, {"force": "MPS", "group_by": "year"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    report = response.json()
    assert report["groups"] == expected["groups"]
    assert report["totals"] == expected["totals"]
    assert [g["key"]["year"] for g in report["groups"]] == [2020, 2022, 2023]
    assert report["filters"] == expected["filters"]


def test_several_groupings_an_interval_and_a_period(met, capsys, commissioner):
    args = ["--force", "MPS", "--group-by", "year", "location", "--interval", "exact"]
    args += ["--from", "2020-02-27", "--to", "2022-07-16"]
    expected = command_report(capsys, *args)
    params = {
        "force": "MPS",
        "group_by": ["year", "location"],
        "interval": "exact",
        "from": "2020-02-27",
        "to": "2022-07-16",
    }
    report = commissioner.get(REPORTS, params).json()
    assert report["groups"] == expected["groups"] and report["interval_method"] == "exact"


def test_a_report_covers_only_the_callers_force(nmp):
    report = nmp.get(REPORTS, {"group_by": "force"}).json()
    assert [group["key"] for group in report["groups"]] == [{"force": "NMP"}]
    counted = Deployment.objects.filter(force__code="NMP", status__in=PUBLISHED_STATUSES)
    assert report["totals"]["deployments"] == counted.count() == 5
    with_drafts = nmp.get(REPORTS, {"group_by": "force", "include_drafts": "true"}).json()
    assert with_drafts["totals"]["deployments"] == 7
    assert with_drafts["drafts"] == 2 and "includes 2 drafts" in with_drafts["counted"]


def test_another_forces_report_is_refused(nmp):
    response = nmp.get(REPORTS, {"force": "EVC"})
    assert response.status_code == 400 and fields_of(response) == {"force"}


def test_the_export_is_recorded_in_the_ledger(nmp):
    head = LedgerEvent.objects.order_by("-seq").first().hash
    report = nmp.get(REPORTS, {"year": "2025"}).json()
    assert report["ledger_head"] == head
    event = LedgerEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor, event.force) == ("export", "nmp-recorder-test", "NMP")
    assert json.loads(event.changes)["filters"]["from"] == "2025-01-01"


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("csv", "text/csv; charset=utf-8", b""),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("html", "text/html; charset=utf-8", b"<!"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_every_format_of_the_command(nmp, fmt, content_type, magic):
    response = nmp.get(REPORTS, {"format": fmt, "year": "2025", "mode": "lfr"})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="frt-report.{fmt}"'
    assert response.content.startswith(magic) and len(response.content) > 100


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "docx"}, "format"),
        ({"group_by": "colour"}, "group_by"),
        ({"interval": "bayes"}, "interval"),
        ({"status": "draft"}, "status"),
        ({"mode": "drone"}, "mode"),
        ({"from": "2025-13-01"}, "from"),
        ({"as_of": "0"}, "as_of"),
        ({"as_of": "99999999"}, "as_of"),
        ({"as_of": "latest"}, "as_of"),
    ],
)
def test_bad_report_parameters(nmp, params, field):
    response = nmp.get(REPORTS, params)
    assert response.status_code == 400
    assert [name for name in fields_of(response) if name.startswith(field)]


def test_a_report_as_of_an_earlier_event_gives_the_figures_of_then(nmp):
    before = nmp.get(REPORTS, {"group_by": "force"}).json()
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    record_amend(user=None, instance=deployment, data={"faces_seen": 10**7}, reason="Recount.")

    now = nmp.get(REPORTS, {"group_by": "force"}).json()
    then = nmp.get(REPORTS, {"group_by": "force", "as_of": before["ledger_seq"]}).json()

    assert now["totals"]["faces_seen"] != before["totals"]["faces_seen"]
    assert (then["totals"], then["groups"]) == (before["totals"], before["groups"])
    assert (then["ledger_seq"], then["ledger_head"]) == (
        before["ledger_seq"],
        before["ledger_head"],
    )
    export = LedgerEvent.objects.order_by("-seq").first()
    assert json.loads(export.changes)["ledger_seq"] == before["ledger_seq"]


def test_anonymous_gets_no_report(anonymous):
    response = anonymous.get(REPORTS)
    assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"


def test_an_auditor_reports_on_every_force():
    report = client_for(personas.auditor()).get(REPORTS, {"group_by": "force"}).json()
    assert {group["key"]["force"] for group in report["groups"]} == {"NMP", "EVC", "WSP"}
