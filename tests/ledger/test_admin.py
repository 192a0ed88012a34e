"""The ledger in the admin: read-only, browsable by object and by actor over a period, and
exported as CSV with the head hash and without cells a spreadsheet would run as formulas."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from audits.ledger import services as ledger
from audits.ledger.models import LedgerAction, LedgerEvent

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:ledger_ledgerevent_changelist")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def append_at(monkeypatch):
    """Append an event as if it happened at `when` (the ledger takes its own clock)."""

    def append(when: datetime, **fields) -> LedgerEvent:
        class Frozen(datetime):
            @classmethod
            def now(cls, tz=None):
                return when.astimezone(tz)

        monkeypatch.setattr(ledger, "datetime", Frozen)
        fields.setdefault("action", LedgerAction.UPDATE)
        return ledger.append(**fields)

    return append


def _listed(response) -> list[int]:
    assert response.status_code == 200
    return [event.seq for event in response.context["cl"].result_list]


def _export(client, query: str = "", selected: list[int] | None = None) -> list[list[str]]:
    data = {"action": "export_csv", "index": "0"}
    if selected:
        data["_selected_action"] = [str(seq) for seq in selected]
    else:
        data.update(select_across="1", _selected_action=["1"])
    response = client.post(f"{CHANGELIST}?{query}", data)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_ledger_lists_newest_first(admin_client):
    seqs = _listed(admin_client.get(CHANGELIST))

    assert seqs[0] == ledger.head()[0]
    assert seqs == sorted(seqs, reverse=True)


def test_it_is_browsable_by_object(admin_client):
    deployment = LedgerEvent.objects.filter(object_type="deployment").first()
    expected = LedgerEvent.objects.filter(object_type="deployment", object_id=deployment.object_id)

    query = f"object_type=deployment&object_id={deployment.object_id}"
    seqs = _listed(admin_client.get(f"{CHANGELIST}?{query}"))

    assert 1 <= len(seqs) < LedgerEvent.objects.filter(object_type="deployment").count()
    assert sorted(seqs) == sorted(expected.values_list("seq", flat=True))


def test_each_row_links_to_every_event_for_its_object(admin_client):
    event = LedgerEvent.objects.filter(object_type="deployment").first()

    response = admin_client.get(f"{CHANGELIST}?object_type=deployment&object_id={event.object_id}")

    assert f'href="?object_type=deployment&amp;object_id={event.object_id}"' in response.text


def test_it_is_browsable_by_actor_over_a_period(admin_client, append_at):
    march = append_at(datetime(2025, 3, 10, 12, tzinfo=UTC), actor="alice")
    late_march = append_at(datetime(2025, 3, 31, 22, tzinfo=UTC), actor="alice")
    append_at(datetime(2025, 4, 2, 9, tzinfo=UTC), actor="alice")
    append_at(datetime(2025, 3, 12, 9, tzinfo=UTC), actor="bob")

    query = "actor=alice&occurred_at__gte=2025-03-01&occurred_at__lt=2025-04-01"
    seqs = _listed(admin_client.get(f"{CHANGELIST}?{query}"))

    assert seqs == [late_march.seq, march.seq]


def test_a_period_is_in_local_days(admin_client, append_at):
    """23:30 UTC on 30 June is 00:30 on 1 July in London, so it belongs to July."""
    event = append_at(datetime(2025, 6, 30, 23, 30, tzinfo=UTC), actor="carol")

    july = _listed(admin_client.get(f"{CHANGELIST}?actor=carol&occurred_at__gte=2025-07-01"))
    june = _listed(admin_client.get(f"{CHANGELIST}?actor=carol&occurred_at__lt=2025-07-01"))

    assert (july, june) == ([event.seq], [])


def test_a_malformed_period_is_refused_without_an_error_page(admin_client):
    response = admin_client.get(f"{CHANGELIST}?occurred_at__gte=last-tuesday")

    assert response.status_code == 302
    assert "e=1" in response["Location"]


def test_the_detail_page_shows_each_field_before_and_after(admin_client):
    event = ledger.append(
        action=LedgerAction.UPDATE,
        actor="alice",
        object_type="deployment",
        object_id="7",
        changes={"location": ["Old Street", "New Street"], "notes": [None, {"a": [1, 2]}]},
    )

    response = admin_client.get(reverse("admin:ledger_ledgerevent_change", args=[event.seq]))

    assert response.status_code == 200
    content = response.text
    assert (
        "<th>location</th><td><pre>Old Street</pre></td><td><pre>New Street</pre></td>" in content
    )
    assert "<th>notes</th><td><pre>(none)</pre></td><td><pre>{\n  &quot;a&quot;: [" in content
    assert f"{CHANGELIST}?object_type=deployment&amp;object_id=7" in content
    assert event.hash in content


def test_nobody_adds_changes_or_deletes_an_event_in_the_admin(admin_client):
    event = LedgerEvent.objects.get(seq=1)
    change = reverse("admin:ledger_ledgerevent_change", args=[1])

    assert admin_client.get(reverse("admin:ledger_ledgerevent_add")).status_code == 403
    assert admin_client.post(change, {"reason": "edited"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:ledger_ledgerevent_delete", args=[1])).status_code == 403
    )
    assert 'name="_save"' not in admin_client.get(change).text
    assert LedgerEvent.objects.get(seq=1).hash == event.hash


def test_the_csv_export_holds_the_filtered_events_and_ends_with_the_head(admin_client):
    expected = list(
        LedgerEvent.objects.filter(action="submit", force="NMP").values_list("seq", flat=True)
    )

    rows = _export(admin_client, "action__exact=submit&force=NMP")

    header, events, trailer = rows[0], rows[1:-1], rows[-1]
    assert header == list(ledger.COLUMNS)
    assert [int(row[0]) for row in events] == expected
    assert {(row[4], row[3]) for row in events} == {("submit", "NMP")}
    export = LedgerEvent.objects.get(seq=ledger.head()[0])
    assert (export.action, export.actor) == ("export", "root-test")
    assert trailer[0] == "head"
    assert trailer[-1] == export.hash
    assert ledger.verify().ok


def test_the_csv_export_of_selected_events_holds_only_those(admin_client):
    rows = _export(admin_client, selected=[3, 5])

    assert [row[0] for row in rows[1:-1]] == ["3", "5"]


def test_the_csv_export_defuses_formulas(admin_client):
    event = ledger.append(
        action=LedgerAction.UPDATE,
        actor='=HYPERLINK("http://evil.example","x")',
        object_type="deployment",
        object_id="-1",
        changes={"note": ["+1", "@SUM(A1)"]},
        reason="\tcmd",
    )

    rows = _export(admin_client, "", selected=[event.seq])

    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["actor"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["object_id"] == "'-1"
    assert row["reason"] == "'\tcmd"
    assert row["changes"] == event.changes  # starts with "{": left as it is
    assert not any(cell.startswith(FORMULA_STARTS) for line in rows for cell in line)


def test_events_without_an_actor_can_be_picked_in_the_filter(admin_client):
    response = admin_client.get(CHANGELIST)

    assert '<a href="?actor=">(none)</a>' in response.text
    system = _listed(admin_client.get(f"{CHANGELIST}?actor="))
    assert system and not LedgerEvent.objects.filter(seq__in=system).exclude(actor="").exists()


def test_a_rows_state_is_shown_at_any_event_of_its_history(admin_client, client):
    from audits.register.models import Deployment, Status
    from audits.register.services.records import record_amend
    from tests import personas

    deployment = Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    arrests = deployment.arrests or 0
    before = ledger.head()[0]
    record_amend(user=None, instance=deployment, data={"arrests": arrests + 3}, reason="Recount.")
    amended = ledger.head()[0]

    event_page = admin_client.get(reverse("admin:ledger_ledgerevent_change", args=[amended]))
    then = admin_client.get(
        reverse("admin:ledger_ledgerevent_state", args=["audits_deployment", deployment.pk, before])
    )
    now = admin_client.get(
        reverse(
            "admin:ledger_ledgerevent_state", args=["audits_deployment", deployment.pk, amended]
        )
    )

    state_url = reverse(
        "admin:ledger_ledgerevent_state", args=["audits_deployment", deployment.pk, amended]
    )
    assert state_url in event_page.content.decode()  # the event links to the rows it wrote
    columns = {c["name"]: c for c in then.context["columns"]}
    assert (columns["arrests"]["value"], columns["arrests"]["now"]) == (
        str(arrests),
        str(arrests + 3),
    )
    assert columns["arrests"]["differs"] and columns["arrests"]["set_by"] < amended
    latest = {c["name"]: c for c in now.context["columns"]}
    assert latest["arrests"]["set_by"] == amended and not latest["arrests"]["differs"]
    assert [step["seq"] for step in now.context["history"]][-1] == amended
    # a recorder, who may not read the ledger, may not read a row's history either
    personas.login(client, personas.recorder("NMP"))
    refused = client.get(state_url)
    assert refused.status_code in (302, 403)
