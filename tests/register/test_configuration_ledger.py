"""Configuration edited in the admin (a force's policy settings, a rule's parameters, a profile's
forces, reference data) is a ledger event with the old and the new values, as a record's change
is; the chain still verifies."""

import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from audits.compliance.models import PolicyProfile, Rule
from audits.ledger import services as ledger
from audits.ledger.models import LedgerEvent
from audits.register.models import Force, UseCase
from tests import personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(superuser) -> Client:
    client = Client()
    personas.login(client, superuser)
    return client


def newest(object_type: str) -> LedgerEvent:
    return LedgerEvent.objects.filter(object_type=object_type).order_by("-seq").first()


def form_data(form, prefix: str = "") -> dict:
    """What a browser posts for an unchanged form: each field as its widget shows it."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = f"{prefix}{name}"
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [getattr(item, "pk", item) for item in value]
        elif value not in (None, False):
            data[key] = getattr(value, "pk", value)
    return data


def post_change_form(client: Client, url: str, changes: dict):
    """Submit the admin's change form (and its inlines) as it is, with `changes` applied."""
    page = client.get(url).context
    data = form_data(page["adminform"].form)
    for inline in page["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form, f"{formset.prefix}-"))
        for number, sub in enumerate(formset.forms):
            data.update(form_data(sub, f"{formset.prefix}-{number}-"))
    data.update(changes)
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, [
        response.context["adminform"].form.errors,
        *(inline.formset.errors for inline in response.context["inline_admin_formsets"]),
    ]
    return response


def test_a_forces_policy_setting_changed_in_the_admin_is_a_ledger_event(client):
    force = Force.objects.get(code="NMP")
    before = force.minimum_threshold
    events = LedgerEvent.objects.count()
    url = reverse("admin:register_force_change", args=[force.pk])
    response = post_change_form(client, url, {"minimum_threshold": "0.70"})
    assert LedgerEvent.objects.count() == events + 1
    event = newest("force")
    assert (event.action, event.actor, event.object_id) == ("update", "root-test", str(force.pk))
    # At the field's own scale (4 places), as stored: not the "0.70" that was typed.
    assert before == Decimal("0.6")
    assert json.loads(event.changes) == {"minimum_threshold": ["0.6000", "0.7000"]}
    assert ledger.verify().ok
    notice = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("evaluate_compliance" in text for text in notice)


def test_saving_a_form_unchanged_writes_no_event(client):
    force = Force.objects.get(code="EVC")
    events = LedgerEvent.objects.count()
    post_change_form(client, reverse("admin:register_force_change", args=[force.pk]), {})
    print(list(LedgerEvent.objects.filter(seq__gt=events).values()))
    assert LedgerEvent.objects.count() == events


def test_a_rules_parameters_and_a_profiles_forces_are_logged(client):
    profile = PolicyProfile.objects.exclude(all_forces=True).first()
    assert profile is not None, "the persona register has a profile for listed forces"
    old_forces = sorted(str(force) for force in profile.forces.all())
    wsp = Force.objects.get(code="MPS")  # a force the profile does not list yet
    chosen = sorted({*profile.forces.values_list("pk", flat=True), wsp.pk})
    url = reverse("admin:compliance_policyprofile_change", args=[profile.pk])
    post_change_form(client, url, {"forces": chosen})
    event = newest("policyprofile")
    assert json.loads(event.changes) == {"forces": [old_forces, sorted([*old_forces, str(wsp)])]}

    rule = Rule.objects.filter(active=True).first()
    url = reverse("admin:compliance_rule_change", args=[rule.pk])
    post_change_form(client, url, {"active": None})  # an unticked checkbox is not posted
    event = newest("rule")
    assert (event.action, json.loads(event.changes)) == ("update", {"active": [True, False]})


def test_reference_data_created_and_deleted_in_the_admin_is_logged(client):
    response = client.post(
        reverse("admin:register_usecase_add"),
        {"code": "test_case", "name": "A test use case", "active": "on"},
    )
    assert response.status_code == 302
    created = UseCase.objects.get(code="test_case")
    event = newest("usecase")
    assert (event.action, json.loads(event.changes)["code"]) == ("create", [None, "test_case"])
    url = reverse("admin:register_usecase_delete", args=[created.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    event = newest("usecase")
    assert (event.action, json.loads(event.changes)["code"]) == ("delete", ["test_case", None])
    assert not UseCase.objects.filter(code="test_case").exists()


def test_a_rule_stored_with_a_float_share_before_shares_were_exact_can_still_be_edited(client):
    rule = Rule.objects.get(code="watchlist-composition")
    Rule.objects.filter(pk=rule.pk).update(parameters={"maximum_victim_witness_share": 0.05})
    url = reverse("admin:compliance_rule_change", args=[rule.pk])
    post_change_form(client, url, {"parameters": '{"maximum_victim_witness_share": "0.04"}'})
    event = newest("rule")
    assert json.loads(event.changes) == {
        "parameters": [
            {"maximum_victim_witness_share": "0.05"},
            {"maximum_victim_witness_share": "0.04"},
        ]
    }
