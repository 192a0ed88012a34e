"""Admin import of alerts with preview: every row that would be created, every row already
present and every error is shown; nothing is written before confirmation; a confirmed file goes
through the batch service (one ledger event per batch) and importing it again creates nothing."""

import csv
import io
import os
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from audits.ledger.models import LedgerEvent
from audits.register import roles
from audits.register.admin.imports import CONFIRMATION_SALT
from audits.register.imports import batch_files
from audits.register.imports.batch_files import ALERTS, CREATE, ERROR, PRESENT, import_file
from audits.register.models import Alert, Deployment, Force, Search
from audits.register.services import batches
from audits.register.services.batches import ALERT_KEYS, ingest_alerts
from audits.register.services.records import record_create, record_submit
from tests import factories as make
from tests import personas
from tests.labels import admin_url_name

pytestmark = pytest.mark.django_db

FORCE = "EVC"
DEPLOYMENT = "IMPORT-D1"
IMPORT = reverse("admin:register_alert_import")
HEADER = [
    "external_id",
    "deployment",
    "occurred_at",
    "score",
    "threshold",
    "watchlist_category",
    "kind",
    "engaged",
    "engagement_duration_seconds",
    "outcome",
    "perceived_sex",
]


def row(number: int, **changes) -> dict[str, str]:
    values = {
        "external_id": f"IMP-{number}",
        "deployment": DEPLOYMENT,
        "occurred_at": "2025-06-03T11:00:00+01:00",
        "score": "0.71",
        "threshold": "0.64",
        "watchlist_category": "wanted_by_courts",
        "kind": "true_confirmed",
        "engaged": "yes",
        "engagement_duration_seconds": "300",
        "outcome": "arrest",
        "perceived_sex": "male",
    }
    return {**values, **changes}


def csv_bytes(rows: list[dict[str, str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def deployment() -> Deployment:
    force = Force.objects.get(code=FORCE)
    return record_create(
        user=None,
        instance=make.deployment(force=force, reference=DEPLOYMENT, kind=Deployment.Kind.BODYCAM),
    )


@pytest.fixture
def client(deployment) -> Client:
    client = Client()
    personas.login(client, personas.recorder(FORCE))
    return client


def upload(
    client: Client, content: bytes, name: str = "alerts.csv", time_zone: str = "", url=IMPORT
):
    force = Force.objects.get(code=FORCE).pk
    file = SimpleUploadedFile(name, content)
    return client.post(url, {"file": file, "force": force, "time_zone": time_zone})


def confirm(client: Client, preview, url=IMPORT):
    return client.post(url, {"confirm_preview": preview.context["confirmation"], "confirm": "1"})


def actions(preview) -> list[tuple[int, str]]:
    return [(row.number, row.action) for row in preview.context["result"].rows]


def test_the_preview_shows_every_row_and_writes_nothing_until_confirmed(client, deployment):
    ingest_alerts(user=None, items=[alert_item_for_present()], force=deployment.force)
    events = LedgerEvent.objects.count()
    preview = upload(client, csv_bytes([row(1), row(2), row(3)]))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "3 alerts: 2 to create, 1 already present." in page
    assert actions(preview) == [(2, CREATE), (3, PRESENT), (4, CREATE)]
    assert "IMP-1" in page and "IMP-3" in page and 'name="confirm"' in page
    assert deployment.alerts.count() == 1  # only the one stored before
    assert LedgerEvent.objects.count() == events  # a preview writes nothing, not even an event

    response = confirm(client, preview)
    assert response.status_code == 302
    stored = deployment.alerts.order_by("external_id")
    assert [a.external_id for a in stored] == ["IMP-1", "IMP-2", "IMP-3"]
    first = stored[0]
    assert (first.score, first.engaged, first.engagement_duration.total_seconds()) == (
        Decimal("0.71"),
        True,
        300.0,
    )
    assert first.occurred_at == datetime(2025, 6, 3, 10, 0, tzinfo=UTC)
    event = LedgerEvent.objects.order_by("-seq").first()
    assert LedgerEvent.objects.count() == events + 1
    assert (event.action, event.object_type) == ("import", "alert_batch")
    assert '"created":2' in event.changes and '"already_present":1' in event.changes

    again = upload(client, csv_bytes([row(1), row(2), row(3)]))
    assert "3 alerts: 0 to create, 3 already present." in again.content.decode()
    assert confirm(client, again).status_code == 302
    assert deployment.alerts.count() == 3
    assert LedgerEvent.objects.count() == events + 1  # a repeat that creates nothing logs nothing


def alert_item_for_present() -> dict:
    """IMP-2 stored as the file has it, as an API client would have sent it (JSON types)."""
    return {**row(2), "engaged": True, "engagement_duration_seconds": 300}


def test_every_error_names_its_row_and_column_and_nothing_is_written(client, deployment):
    rows = [
        row(1),
        row(2, score="1.7"),  # out of range
        row(3, outcome="arrested"),  # no such outcome
        row(4, engaged="maybe"),
        row(5, deployment="NMP-NOT-OURS"),
        row(1, score="0.72"),  # repeats row 2
        row(7, occurred_at="2025-06-03 11:00"),  # no offset, no zone chosen
    ]
    preview = upload(client, csv_bytes(rows))
    result = preview.context["result"]
    found = [(error.row, error.column) for error in result.errors]
    assert found == [
        (3, "score"),
        (4, "outcome"),
        (5, "engaged"),
        (6, "deployment"),
        (7, "external_id"),
        (8, "occurred_at"),
    ]
    messages = {error.row: error.reason for error in result.errors}
    assert messages[3] == "Must be within 0..1 (1.7 given)."
    assert messages[4] == "No outcome 'arrested'."
    assert messages[5] == "Must be true or false."
    assert messages[6] == "No deployment 'NMP-NOT-OURS'."
    assert messages[7] == "Repeats row 2 (same deployment and external_id)."
    assert "has no UTC offset" in messages[8]
    values = {error.row: error.value for error in result.errors}  # as the service was sent it
    assert values == {
        3: "1.7",  # a score goes to the service as decimal text
        4: "arrested",
        5: "maybe",
        6: "NMP-NOT-OURS",
        7: "IMP-1",
        8: "2025-06-03 11:00",
    }
    assert "<td>3</td><td>score</td><td>1.7</td><td>Must be within 0..1 (1.7 given).</td>" in (
        preview.content.decode()
    )
    assert actions(preview)[0] == (2, "")  # fine itself: what it does is known once all are fixed
    assert actions(preview)[1] == (3, ERROR)
    page = preview.content.decode()
    assert "6 errors: nothing can be imported" in page and 'name="confirm"' not in page
    assert deployment.alerts.count() == 0


def test_layout_errors_are_reported_once_for_the_file(client, deployment):
    header = [name for name in HEADER if name != "occurred_at"] + ["face_image"]
    rows = [{**row(n), "face_image": "x.jpg"} for n in range(1, 4)]
    result = upload(client, csv_bytes(rows, header)).context["result"]
    assert [(error.row, error.column, error.reason) for error in result.errors] == [
        (1, "face_image", f"Unknown column; the columns are: {', '.join(ALERT_KEYS)}."),
        (1, "occurred_at", "This column is missing: every alert needs it."),
    ]
    assert deployment.alerts.count() == 0


def test_a_spreadsheet_with_local_times_reads_them_in_the_zone_chosen(client, deployment):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    local = datetime(2025, 6, 3, 11, 0)  # a spreadsheet date cell has no offset
    sheet.append(["IMP-X1", DEPLOYMENT, local, 0.71, 0.64, "wanted_by_courts"])
    sheet.append(["IMP-X2", DEPLOYMENT, datetime(2025, 1, 3, 9, 30), 0.66, 0.64, "missing_at_risk"])
    for cells in sheet.iter_rows(min_row=2):
        cells[6].value, cells[7].value = "false_unconfirmed", False
    data = io.BytesIO()
    book.save(data)
    preview = upload(client, data.getvalue(), "alerts.xlsx", time_zone="Europe/London")
    assert preview.context["result"].errors == []
    assert actions(preview) == [(2, CREATE), (3, CREATE)]
    assert confirm(client, preview).status_code == 302
    stored = dict(deployment.alerts.values_list("external_id", "occurred_at"))
    assert stored == {
        "IMP-X1": datetime(2025, 6, 3, 10, 0, tzinfo=UTC),  # British Summer Time, UTC+1
        "IMP-X2": datetime(2025, 1, 3, 9, 30, tzinfo=UTC),  # Greenwich Mean Time
    }


def test_a_time_the_clocks_repeat_is_refused_rather_than_guessed(tmp_path, deployment):
    path = tmp_path / "alerts.csv"
    path.write_bytes(csv_bytes([row(1, occurred_at="2025-10-26 01:30")]))
    result = import_file(ALERTS, path, user=None, force=deployment.force, time_zone="Europe/London")
    assert [(e.row, e.column) for e in result.errors] == [(2, "occurred_at")]
    assert "repeated in Europe/London" in result.errors[0].reason


def test_a_file_of_more_than_one_batch_is_all_or_nothing(tmp_path, deployment, monkeypatch):
    monkeypatch.setattr(batch_files, "MAX_BATCH_ITEMS", 2)
    path = tmp_path / "alerts.csv"
    good = [row(n) for n in range(1, 6)]
    path.write_bytes(csv_bytes(good))
    force = deployment.force
    events = LedgerEvent.objects.count()
    result = import_file(ALERTS, path, user=None, force=force, commit=True)
    assert (result.committed, result.count(CREATE), len(result.ledger_seqs)) == (True, 5, 3)
    assert deployment.alerts.count() == 5 and LedgerEvent.objects.count() == events + 3

    path.write_bytes(csv_bytes([*good, row(6), row(7, kind="guess")]))  # the last batch fails
    result = import_file(ALERTS, path, user=None, force=force, commit=True)
    assert result.committed is False and [(e.row, e.column) for e in result.errors] == [(8, "kind")]
    assert result.count(PRESENT) == 5  # the first batches ran, and were rolled back with the rest
    assert deployment.alerts.count() == 5 and LedgerEvent.objects.count() == events + 3


def test_confirming_refuses_when_the_register_changed_since_the_preview(client, deployment):
    preview = upload(client, csv_bytes([row(1), row(2)]))
    assert preview.context["created"] == 2
    ingest_alerts(user=None, items=[alert_item_for_present()], force=deployment.force)
    response = confirm(client, preview)
    assert response.status_code == 200
    assert "changed since the preview" in response.content.decode()
    assert deployment.alerts.count() == 1  # only the one added meanwhile
    assert actions(response) == [(2, CREATE), (3, PRESENT)]


def test_a_recorder_cannot_import_into_another_force(client, deployment):
    other = Force.objects.get(code="NMP")
    file = SimpleUploadedFile("alerts.csv", csv_bytes([row(1)]))
    response = client.post(IMPORT, {"file": file, "force": other.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not Alert.objects.filter(external_id="IMP-1").exists()


def test_who_may_open_the_import(deployment):
    def status(user) -> int:
        client = Client()
        personas.login(client, user)
        return client.get(IMPORT).status_code

    assert status(personas.recorder(FORCE)) == 200
    assert status(personas.auditor()) == 403
    assert status(personas.commissioner()) == 403


def test_the_template_lists_every_column(client):
    response = client.get(IMPORT, {"template": "csv"})
    assert response.content.decode().strip().split(",") == list(ALERT_KEYS)


def test_rows_come_back_with_their_spreadsheet_numbers(tmp_path):
    path = tmp_path / "alerts.csv"
    path.write_bytes(csv_bytes([row(1)]) + b"\n\n" + csv_bytes([row(2)]).split(b"\n", 1)[1])
    _, rows, errors = batch_files.read_file(ALERTS, Path(path))
    assert [r.number for r in rows] == [2, 5] and errors == []  # blank lines 3 and 4 skipped


def table(rows: list[dict]) -> bytes:
    return csv_bytes(rows, list(rows[0]))


def test_a_file_of_searches_goes_through_the_search_service(client):
    url = reverse("admin:register_search_import")
    search = {
        "external_id": "IMP-S1",
        "mode": "rfr",
        "occurred_at": "2025-06-03 11:00",
        "purpose": "suspect",
        "probe_source": "cctv",
        "offence_type": "robbery",
        "threshold": "0.62",
        "rank_limit": "6",
        "candidates_returned": "2",
        "first_reviewer": "OP1",
        "second_reviewer": "OP2",
    }
    rows = [search, {**search, "external_id": "IMP-S2", "rank_limit": "six"}]
    preview = upload(client, table(rows), "searches.csv", "Europe/London", url)
    errors = preview.context["result"].errors
    assert [(e.row, e.column, e.reason) for e in errors] == [
        (3, "rank_limit", "Must be a whole number.")
    ]
    rows[1]["rank_limit"] = "8"
    preview = upload(client, table(rows), "searches.csv", "Europe/London", url)
    assert actions(preview) == [(2, CREATE), (3, CREATE)]
    assert confirm(client, preview, url).status_code == 302
    stored = Search.objects.filter(external_id__startswith="IMP-S").order_by("external_id")
    assert [(s.rank_limit, s.force.code, s.occurred_at) for s in stored] == [
        (6, FORCE, datetime(2025, 6, 3, 10, 0, tzinfo=UTC)),
        (8, FORCE, datetime(2025, 6, 3, 10, 0, tzinfo=UTC)),
    ]
    again = upload(client, table(rows), "searches.csv", "Europe/London", url)
    assert actions(again) == [(2, PRESENT), (3, PRESENT)]


def test_a_file_of_device_sessions_goes_through_the_device_session_service(client, deployment):
    url = reverse("admin:register_devicesession_import")
    session = {
        "external_id": "IMP-BWV-1",
        "deployment": DEPLOYMENT,
        "device_id": "BWV-7",
        "officer_reference": "PC77",
        "start": "2025-06-03T10:00:00+01:00",
        "end": "2025-06-03T12:00:00+01:00",
        "faces_seen": "800",
        "alerts": "1",
    }
    rows = [session, {**session, "end": "2025-06-03T09:00:00+01:00"}]
    result = upload(client, table(rows), "sessions.csv", url=url).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "external_id")]  # a repeat
    rows[1]["external_id"] = "IMP-BWV-2"
    result = upload(client, table(rows), "sessions.csv", url=url).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "end")]  # before its start
    rows[1]["end"] = "2025-06-03T13:00:00+01:00"
    preview = upload(client, table(rows), "sessions.csv", url=url)
    assert confirm(client, preview, url).status_code == 302
    assert sorted(deployment.device_sessions.values_list("external_id", "faces_seen")) == [
        ("IMP-BWV-1", 800),
        ("IMP-BWV-2", 800),
    ]


def test_each_import_page_is_linked_from_its_list_for_those_who_may_add(client):
    for model in ("alert", "search", "devicesession"):
        page = client.get(reverse(admin_url_name(model, "changelist"))).content.decode()
        assert reverse(admin_url_name(model, "import")) in page
    auditor = Client()
    personas.login(auditor, personas.auditor())
    page = auditor.get(reverse("admin:register_alert_changelist")).content.decode()
    assert IMPORT not in page


def test_a_confirmation_confirms_only_its_own_preview(client, deployment, uploads):
    preview = upload(client, csv_bytes([row(1)]))
    signed = preview.context["confirmation"]
    tampered = signed.replace(signed[5], "x" if signed[5] != "x" else "y", 1)
    for value in ("", tampered):
        response = client.post(IMPORT, {"confirm_preview": value, "confirm": "1"})
        assert response.status_code == 302  # back to the upload form, with a message
    other = Client()
    personas.login(other, personas.person("wsp-recorder-2", roles.FORCE_RECORDER, FORCE))
    assert other.post(IMPORT, {"confirm_preview": signed, "confirm": "1"}).status_code == 302
    search_url = reverse("admin:register_search_import")  # a preview of alerts is not of searches
    assert client.post(search_url, {"confirm_preview": signed, "confirm": "1"}).status_code == 302
    assert deployment.alerts.count() == 0
    assert confirm(client, preview).status_code == 302
    assert deployment.alerts.count() == 1
    assert list(uploads.iterdir()) == []  # the confirmed upload is deleted


def test_a_confirmation_with_the_same_counts_but_other_rows_is_refused(client, deployment):
    preview = upload(client, csv_bytes([row(1), row(2)]))
    assert actions(preview) == [(2, CREATE), (3, CREATE)]
    # Meanwhile the first row is sent by the API: confirming would now do something else.
    ingest_alerts(
        user=None,
        items=[{**alert_item_for_present(), "external_id": "IMP-1"}],
        force=deployment.force,
    )
    response = confirm(client, preview)
    assert "changed since the preview" in response.content.decode()
    assert actions(response) == [(2, PRESENT), (3, CREATE)]
    assert deployment.alerts.count() == 1


def test_cells_are_read_strictly(client, deployment):
    rows = [
        row(1, engagement_duration_seconds="1e3"),
        row(2, engagement_duration_seconds="1_000"),
        row(3, score="0.7_1"),
        row(4, engaged=""),  # blank in a given yes/no column: not recorded is not "no"
        row(5, occurred_at="2025-06-03"),  # no time of day
        row(6, external_id="  IMP-6  ", outcome=" arrest "),  # spaces around are layout
    ]
    result = upload(client, csv_bytes(rows)).context["result"]
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "engagement_duration_seconds", "Must be a number of seconds."),
        (3, "engagement_duration_seconds", "Must be a number of seconds."),
        (4, "score", "'0.7_1' is not a plain decimal number."),
        (5, "kind", "A 'True alert, confirmed' alert must be engaged."),  # as if not engaged
        (5, "engaged", "Blank: write true or false."),
        (6, "occurred_at", "'2025-06-03' has a date but no time of day."),
    ]
    assert result.rows[5].record["external_id"] == "IMP-6"
    assert result.rows[5].record["outcome"] == "arrest"


def test_a_local_time_the_clocks_skip_is_refused(tmp_path, deployment):
    path = tmp_path / "alerts.csv"
    path.write_bytes(csv_bytes([row(1, occurred_at="2025-03-30 01:30")]))
    result = import_file(ALERTS, path, user=None, force=deployment.force, time_zone="Europe/London")
    assert [(e.row, e.column) for e in result.errors] == [(2, "occurred_at")]
    assert "skipped or repeated in Europe/London" in result.errors[0].reason


def test_nothing_is_added_to_a_submitted_deployment(client, deployment):
    record_submit(user=None, instance=deployment)
    result = upload(client, csv_bytes([row(1)])).context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(2, "deployment")]
    assert "is submitted: it is locked" in result.errors[0].reason


def test_a_superuser_chooses_the_force_and_a_user_without_one_has_none_to_choose(deployment):
    admin = Client()
    personas.login(admin, get_user_model().objects.create_superuser("import-admin"))
    form = admin.get(IMPORT).context["form"]
    assert {f.code for f in form.fields["force"].queryset} >= {"NMP", "EVC", "MPS"}
    preview = admin.post(
        IMPORT,
        {"file": SimpleUploadedFile("a.csv", csv_bytes([row(1)])), "force": deployment.force.pk},
    )
    assert actions(preview) == [(2, CREATE)]


@pytest.mark.parametrize("kind", list(batch_files.KINDS.values()), ids=lambda kind: kind.noun)
def test_every_column_of_every_kind_is_a_key_its_service_takes(kind, deployment):
    with pytest.raises(batches.BatchInvalid) as invalid:
        kind.ingest(user=None, items=[dict.fromkeys(kind.keys, "?")], force=deployment.force)
    assert all(error.reason != "Unknown field." for error in invalid.value.errors)


def test_uploads_left_unconfirmed_for_a_day_are_deleted(client, uploads):
    old, recent = uploads / "old.csv", uploads / "recent.csv"
    for left in (old, recent):
        left.write_bytes(b"external_id\n")
    day_ago = time.time() - 24 * 3600 - 60
    os.utime(old, (day_ago, day_ago))
    preview = upload(client, csv_bytes([row(1)]))
    token = signing.loads(preview.context["confirmation"], salt=CONFIRMATION_SALT)["token"]
    assert sorted(p.name for p in uploads.iterdir()) == sorted(["recent.csv", token])


def test_uk_dates_and_choice_labels_are_read_as_people_write_them(tmp_path, deployment):
    rows = [
        row(1, occurred_at="03/06/2025 11:00", kind="True alert, confirmed", perceived_sex="MALE"),
        row(2, occurred_at="3/6/2025 11:30:15", kind="TRUE_CONFIRMED"),
        row(3, occurred_at="31/06/2025 11:00"),  # no 31 June: refused, not guessed
        row(4, occurred_at="03/06/2025"),  # a date alone: no time of day is made up
        row(5, kind="true, confirmed"),  # neither a code nor a label: the choices are listed
    ]
    path = tmp_path / "alerts.csv"
    path.write_bytes(csv_bytes(rows))
    result = import_file(ALERTS, path, user=None, force=deployment.force, time_zone="Europe/London")
    refused = {(error.row, error.column) for error in result.errors}
    assert refused == {(4, "occurred_at"), (5, "occurred_at"), (6, "kind")}
    reasons = {error.row: error.reason for error in result.errors}
    assert "has a date but no time of day" in reasons[5]
    assert "true_confirmed" in reasons[6]
    good = [row(1, occurred_at="03/06/2025 11:00", kind="True alert, confirmed")]
    good.append(
        row(2, occurred_at="3/6/2025 11:30:15", kind="TRUE_CONFIRMED", perceived_sex="MALE")
    )
    path.write_bytes(csv_bytes(good))
    result = import_file(
        ALERTS, path, user=None, force=deployment.force, time_zone="Europe/London", commit=True
    )
    assert result.errors == [] and result.committed
    stored = deployment.alerts.order_by("external_id")
    assert list(stored.values_list("occurred_at", "kind", "perceived_sex")) == [
        (datetime(2025, 6, 3, 10, 0, tzinfo=UTC), "true_confirmed", "male"),  # BST
        (datetime(2025, 6, 3, 10, 30, 15, tzinfo=UTC), "true_confirmed", "male"),
    ]
