"""The ledger alone rebuilds the register: replayed into an empty database, it gives every
audited table of the demo row for row (the same digest of each table's rows), and replayed up
to an earlier event, the register as it stood then."""

import io
import json

import pytest
from django.core.management import call_command

from audits.ledger import capture, rebuild, reconcile
from audits.ledger import services as ledger
from audits.register.models import Deployment, Status
from audits.register.services.records import record_amend

pytestmark = pytest.mark.django_db


def test_replaying_the_ledger_into_an_empty_database_rebuilds_every_audited_table():
    stored = rebuild.table_digests()
    with rebuild.scratch_database() as alias:
        counts = rebuild.rebuild(reconcile.replay(), using=alias)
        rebuilt = rebuild.table_digests(using=alias)

    assert rebuilt == stored
    assert counts == {t: m._base_manager.count() for t, m in capture.AUDITED.items()}
    assert counts["audits_alert"] > 1_000 and counts["audits_policyprofile"] == 2


def test_the_register_as_of_an_event_is_the_register_before_later_writes():
    seq, _ = ledger.head()
    deployment = Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    faces_seen = deployment.faces_seen
    record_amend(
        user=None, instance=deployment, data={"faces_seen": faces_seen + 500}, reason="Recount."
    )

    with rebuild.register_as_of(seq):
        then = Deployment.objects.get(pk=deployment.pk)
    now = Deployment.objects.get(pk=deployment.pk)

    assert (then.faces_seen, now.faces_seen) == (faces_seen, faces_seen + 500)
    assert then._state.db == "ledger_rebuild" and now._state.db == "default"


def report_json(*args: str) -> dict:
    out = io.StringIO()
    call_command("frt_report", "--group-by", "force", "year", *args, stdout=out)
    return json.loads(out.getvalue())


def test_a_report_as_of_its_ledger_seq_is_reproduced_after_later_amendments():
    published = report_json()
    deployment = Deployment.objects.filter(status=Status.SUBMITTED).order_by("pk").first()
    record_amend(
        user=None,
        instance=deployment,
        data={"faces_seen": deployment.faces_seen + 250_000, "false_alerts": 40},
        reason="Recounted from the system's logs.",
    )
    later = report_json()

    again = report_json("--as-of", str(published["ledger_seq"]))

    assert later["totals"] != published["totals"]  # the amendment changed the figures
    assert later["ledger_seq"] > published["ledger_seq"]
    for report in (published, again):
        del report["generated_at"]
    assert again == published
