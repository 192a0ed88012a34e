"""Capture of the writes no row signal sees: QuerySet.update and bulk_update through the audited
models' own QuerySet, and a many-to-many set cleared from its other side. Each leaves the
register reconciled, with an entry per row changed holding the values as stored."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F

from audits.compliance.models import Finding, PolicyProfile
from audits.ledger import capture, reconcile
from audits.ledger.encoding import row_entries
from audits.ledger.models import LedgerEvent
from audits.register.models import Alert, Deployment, Force

pytestmark = pytest.mark.django_db


def newest_entries() -> list[dict]:
    return row_entries(LedgerEvent.objects.order_by("-seq").values_list("rows", flat=True)[0])


def test_a_queryset_update_is_captured_row_by_row_and_reconciles():
    chosen = Deployment.objects.filter(force__code="NMP").order_by("pk")
    keys = list(chosen.values_list("pk", flat=True))
    before = dict(chosen.values_list("pk", "arrests"))
    events = LedgerEvent.objects.count()

    changed = chosen.update(notes="Checked in bulk.", arrests=F("arrests") + 1)

    entries = newest_entries()
    assert changed == len(keys) >= 3
    assert LedgerEvent.objects.count() == events + 1  # one event for the whole update
    assert [(e["table"], e["id"], e["op"]) for e in entries] == [
        ("audits_deployment", key, "update") for key in keys
    ]
    # the values as stored: the F() expression's result, not the expression
    assert [e["values"] for e in entries] == [
        {"notes": "Checked in bulk.", "arrests": (before[key] or 0) + 1} for key in keys
    ]
    assert reconcile.reconcile().differences == []


def test_an_update_of_no_rows_writes_no_entry():
    events = LedgerEvent.objects.count()

    assert Deployment.objects.filter(location_name="Nowhere at all").update(notes="x") == 0
    assert LedgerEvent.objects.count() == events


def test_bulk_update_is_captured_and_reconciles():
    deployments = list(Deployment.objects.order_by("pk")[:4])
    for number, deployment in enumerate(deployments):
        deployment.notes = f"Bulk {number}."

    with transaction.atomic():
        Deployment.objects.bulk_update(deployments, ["notes"])

    stored = dict(Deployment.objects.filter(notes__startswith="Bulk ").values_list("pk", "notes"))
    assert stored == {d.pk: d.notes for d in deployments}
    assert reconcile.reconcile().differences == []


def test_a_many_to_many_set_cleared_from_its_other_side_is_captured():
    force = Force.objects.get(code="NMP")
    profile = PolicyProfile.objects.create(code="clear-me", name="Clear me")
    profile.forces.add(force)
    assert profile in force.policy_profiles.all()

    force.policy_profiles.clear()

    entries = [e for e in newest_entries() if e["table"] == "audits_policyprofile"]
    assert {e["id"]: e["values"]["forces"] for e in entries if e["id"] == profile.pk} == {
        profile.pk: []
    }
    assert reconcile.reconcile().differences == []


def test_auditing_a_model_without_the_audited_queryset_is_refused():
    """Its QuerySet.update would go unrecorded: refused when the app is ready, not later."""
    with pytest.raises(ImproperlyConfigured, match=r"compliance\.Finding is audited"):
        capture.audit(Finding)
    assert Finding._meta.db_table not in capture.AUDITED


def test_rows_inserted_in_bulk_write_each_decimal_at_its_scale_even_when_equal_ones_repeat(
    monkeypatch,
):
    # A batch remembers each decimal field's written values: equal decimals written alike,
    # a value with too many places refused, nothing else taken from the memory.
    written = []
    monkeypatch.setattr(capture.services, "capture", lambda rows, using: written.extend(rows))
    fields = [Alert._meta.get_field(name) for name in ("score", "threshold", "external_id")]
    rows = [
        (Decimal("0.6"), Decimal("0.64"), "a"),
        (Decimal("0.60"), Decimal("0.6400"), "b"),
        (Decimal("0.61"), Decimal("0.64"), "c"),
    ]

    capture.inserted_rows(Alert, fields, [7, 8, 9], rows)

    assert [entry["values"] for entry in written] == [
        {"score": "0.6000", "threshold": "0.6400", "external_id": "a"},
        {"score": "0.6000", "threshold": "0.6400", "external_id": "b"},
        {"score": "0.6100", "threshold": "0.6400", "external_id": "c"},
    ]
    with pytest.raises(ValueError, match="more than 4 decimal places"):
        capture.inserted_rows(
            Alert, fields[:1], [10, 11], [(Decimal("0.6"),), (Decimal("0.60001"),)]
        )
