"""Policy profiles, rules and findings over the API: read as the admin shows them (a force's users
their own force's findings, commissioners and auditors every force's), profiles and rules
read-only, and a finding assigned only by a commissioner, through the queue's service."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from audits.compliance.models import Finding, PolicyProfile, Rule
from audits.compliance.services import assignable_users
from audits.ledger.models import LedgerEvent
from tests import personas
from tests.api.conftest import client_for, error_of, fields_of

pytestmark = pytest.mark.django_db
API = "/api/v1"
FINDINGS = f"{API}/findings/"
FORCE_ROLES = [personas.recorder, personas.reviewer, personas.officer]


def finding_of(code: str) -> Finding:
    found = Finding.objects.filter(force__code=code, state=Finding.State.OPEN).order_by("pk")
    assert found.exists(), f"no open finding of {code} in the persona register"
    return found.first()


def rows(client, url: str = FINDINGS, **params) -> list[dict]:
    response = client.get(url, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def last_event() -> LedgerEvent:
    return LedgerEvent.objects.order_by("-seq").first()


# -- reading findings


def test_anonymous_gets_nothing(anonymous):
    finding = finding_of("NMP")
    for response in (
        anonymous.get(FINDINGS),
        anonymous.get(f"{FINDINGS}{finding.pk}/"),
        anonymous.post(f"{FINDINGS}{finding.pk}/assign/", {"assignee": None}),
        anonymous.get(f"{API}/policy-profiles/"),
        anonymous.get(f"{API}/rules/"),
    ):
        assert response.status_code == 401 and error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("role", FORCE_ROLES, ids=lambda role: role.__name__)
@pytest.mark.parametrize("own", ["NMP", "EVC"])
def test_a_force_user_reads_only_their_own_forces_findings(role, own):
    client = client_for(role(own))
    listed = rows(client)
    assert {row["force"] for row in listed} == {own}
    assert len(listed) == Finding.objects.filter(force__code=own).count()
    other = "EVC" if own == "NMP" else "NMP"
    theirs = finding_of(other)
    response = client.get(f"{FINDINGS}{theirs.pk}/")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    response = client.get(FINDINGS, {"force": other})
    assert response.status_code == 400 and fields_of(response) == {"force"}


@pytest.mark.parametrize("role", ["commissioner", "auditor"])
def test_commissioners_and_auditors_read_every_forces_findings(role):
    client = client_for(getattr(personas, role)())
    for code in ("NMP", "EVC"):
        listed = rows(client, force=code, page_size=5)
        assert listed and {row["force"] for row in listed} == {code}
        finding = finding_of(code)
        assert client.get(f"{FINDINGS}{finding.pk}/").json()["id"] == finding.pk


def test_a_finding_reads_as_in_the_queue(nmp):
    finding = finding_of("NMP")
    body = nmp.get(f"{FINDINGS}{finding.pk}/").json()
    assert body["rule"] == finding.rule_id
    assert body["rule_name"] == f"{finding.rule.profile.code}/{finding.rule.code}"
    assert body["check_name"] == finding.rule.check_name
    assert (body["record_type"], body["record_id"]) == (
        finding.content_type.model,
        finding.object_id,
    )
    assert (body["record_label"], body["severity"], body["state"]) == (
        finding.record_label,
        finding.severity,
        "open",
    )
    assert body["assigned_to"] is None


def test_the_queue_filters_narrow_as_named(commissioner):
    finding = finding_of("EVC")
    rule = finding.rule
    expected = Finding.objects.filter(
        force__code="EVC", state="open", severity=finding.severity, rule=rule
    )
    listed = rows(commissioner, force="EVC", state="open", severity=finding.severity, rule=rule.pk)
    assert {row["id"] for row in listed} == set(expected.values_list("pk", flat=True))
    by_check = rows(commissioner, check=rule.check_name, profile=rule.profile.code)
    assert {row["id"] for row in by_check} == set(
        Finding.objects.filter(rule__check_name=rule.check_name).values_list("pk", flat=True)
    )
    resolved = rows(commissioner, state="resolved", year=finding.first_seen.year)
    assert resolved and {row["state"] for row in resolved} == {"resolved"}
    # The demo's findings were all first seen on the day it was judged: move one back a year.
    Finding.objects.filter(pk=finding.pk).update(first_seen=finding.first_seen - timedelta(366))
    seen = finding.first_seen.date()
    assert [row["id"] for row in rows(commissioner, year=seen.year - 1)] == [finding.pk]
    assert finding.pk not in {row["id"] for row in rows(commissioner, year=seen.year)}
    assert finding.pk not in {row["id"] for row in rows(commissioner, **{"from": seen.isoformat()})}
    before = (seen - timedelta(300)).isoformat()
    assert [row["id"] for row in rows(commissioner, to=before)] == [finding.pk]


def test_the_queue_filters_by_assignee(commissioner):
    finding = finding_of("EVC")
    assert (
        commissioner.post(
            f"{FINDINGS}{finding.pk}/assign/", {"assignee": "commissioner-test"}
        ).json()["assigned_to"]
        == "commissioner-test"
    )
    assert [row["id"] for row in rows(commissioner, assignee="commissioner-test")] == [finding.pk]
    assert [row["id"] for row in rows(commissioner, assigned="true")] == [finding.pk]
    unassigned = rows(commissioner, assigned="false", force="EVC")
    assert len(unassigned) == Finding.objects.filter(force__code="EVC").count() - 1
    assert finding.pk not in {row["id"] for row in unassigned}


@pytest.mark.parametrize(
    "params",
    [
        {"state": "closed"},
        {"severity": "catastrophic"},
        {"rule": "abc"},
        {"rule": "0"},
        {"rule": "99999999999999999999"},
        {"profile": "no-such-profile"},
        {"assigned": "perhaps"},
        {"year": "-5"},
        {"from": "yesterday"},
        {"force": "NOPE"},
    ],
)
def test_bad_queue_filters_answer_400(nmp, params):
    response = nmp.get(FINDINGS, params)
    assert response.status_code == 400 and fields_of(response) == set(params)


# -- assigning a finding (the admin's "change finding": commissioners and administrators)


def test_a_commissioner_assigns_a_finding_and_the_ledger_records_it(commissioner):
    finding = finding_of("NMP")
    colleague = personas.commissioner("colleague-test")
    response = commissioner.post(f"{FINDINGS}{finding.pk}/assign/", {"assignee": "colleague-test"})
    assert response.status_code == 200, response.content
    assert response.json()["assigned_to"] == "colleague-test"
    finding.refresh_from_db()
    assert finding.assigned_to == colleague
    event = last_event()
    assert (event.action, event.actor, event.object_type, event.object_id, event.force) == (
        "update",
        "commissioner-test",
        "finding",
        str(finding.pk),
        "NMP",
    )
    assert json.loads(event.changes) == {"assigned_to": [None, "colleague-test"]}


def test_null_unassigns_and_the_ledger_keeps_who_had_it(commissioner):
    finding = finding_of("EVC")
    commissioner.post(f"{FINDINGS}{finding.pk}/assign/", {"assignee": "commissioner-test"})
    response = commissioner.post(f"{FINDINGS}{finding.pk}/assign/", {"assignee": None})
    assert response.status_code == 200 and response.json()["assigned_to"] is None
    finding.refresh_from_db()
    assert finding.assigned_to is None
    assert json.loads(last_event().changes) == {"assigned_to": ["commissioner-test", None]}


def test_only_a_user_who_can_read_the_finding_can_be_its_assignee(commissioner):
    finding = finding_of("NMP")
    personas.reviewer("EVC")
    own = personas.reviewer("NMP")
    url = f"{FINDINGS}{finding.pk}/assign/"
    events = LedgerEvent.objects.count()
    refused = commissioner.post(url, {"assignee": "evc-reviewer-test"})
    assert refused.status_code == 400
    assert fields_of(refused) == {"assignee"}
    assert "cannot read this finding" in error_of(refused)["fields"][0]["message"]
    finding.refresh_from_db()
    assert finding.assigned_to is None and LedgerEvent.objects.count() == events
    assert commissioner.post(url, {"assignee": own.username}).status_code == 200
    assert set(assignable_users(finding).values_list("username", flat=True)) >= {
        own.username,
        "commissioner-test",
    }
    assert "evc-reviewer-test" not in assignable_users(finding).values_list("username", flat=True)


def test_assigning_the_same_user_again_changes_and_records_nothing(commissioner):
    finding = finding_of("EVC")
    url = f"{FINDINGS}{finding.pk}/assign/"
    commissioner.post(url, {"assignee": "commissioner-test"})
    finding.refresh_from_db()
    evaluated, events = finding.last_evaluated, LedgerEvent.objects.count()
    assert commissioner.post(url, {"assignee": "commissioner-test"}).status_code == 200
    finding.refresh_from_db()
    assert (finding.last_evaluated, LedgerEvent.objects.count()) == (evaluated, events)


def test_an_administrator_assigns_too(superuser):
    finding = finding_of("EVC")
    response = client_for(superuser).post(
        f"{FINDINGS}{finding.pk}/assign/", {"assignee": superuser.username}
    )
    assert response.status_code == 200 and response.json()["assigned_to"] == "root-test"


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: personas.recorder("NMP"),
        lambda: personas.reviewer("NMP"),
        lambda: personas.officer("NMP"),
        lambda: personas.recorder("EVC"),
        personas.auditor,
    ],
    ids=["own-recorder", "own-reviewer", "own-officer", "other-recorder", "auditor"],
)
def test_no_force_user_nor_auditor_assigns(make_user):
    finding = finding_of("NMP")
    user = make_user()
    events = LedgerEvent.objects.filter(object_type="finding").count()
    response = client_for(user).post(f"{FINDINGS}{finding.pk}/assign/", {"assignee": user.username})
    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"
    finding.refresh_from_db()
    assert finding.assigned_to is None
    assert LedgerEvent.objects.filter(object_type="finding").count() == events
    assert last_event().action == "permission_denied"


def test_an_unknown_finding_is_not_found(commissioner):
    never = Finding.objects.order_by("-pk").first().pk + 1000
    response = commissioner.post(f"{FINDINGS}{never}/assign/", {"assignee": None})
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "assignee"),
        ({"assignee": "no-such-user"}, "assignee"),
        ({"assignee": "inactive-test"}, "assignee"),
        ({"assignee": "not-staff-test"}, "assignee"),
        ({"assignee": ["commissioner-test"]}, "assignee"),
        ({"assignee": "x" * 151}, "assignee"),
        ({"assignee": "nul\x00byte"}, "assignee"),
        ({"assignee": "\ud800"}, "assignee"),
        ({"assignee": None, "state": "resolved"}, "state"),
    ],
)
def test_a_bad_assignment_answers_400_and_changes_nothing(commissioner, body, field):
    users = get_user_model().objects
    users.create_user("inactive-test", is_staff=True, is_active=False)
    users.create_user("not-staff-test", is_staff=False)
    finding = finding_of("NMP")
    events = LedgerEvent.objects.count()
    # Sent as escaped JSON text: a lone surrogate ("\ud800") must reach the server as such.
    response = commissioner.generic(
        "POST", f"{FINDINGS}{finding.pk}/assign/", json.dumps(body), "application/json"
    )
    assert response.status_code == 400 and fields_of(response) == {field}
    finding.refresh_from_db()
    assert (finding.assigned_to, finding.state) == (None, "open")
    assert LedgerEvent.objects.count() == events


def test_a_finding_is_never_created_edited_or_deleted(commissioner, superuser):
    finding = finding_of("NMP")
    url = f"{FINDINGS}{finding.pk}/"
    for client in (commissioner, client_for(superuser)):
        assert client.post(FINDINGS, {}).status_code == 405
        assert client.patch(url, {"state": "resolved"}).status_code == 405
        assert client.delete(url).status_code == 405
    assert Finding.objects.get(pk=finding.pk).state == "open"


# -- policy profiles and rules: every role reads them; nobody writes them over the API


@pytest.mark.parametrize(
    "make_user",
    [lambda: personas.recorder("EVC"), lambda: personas.officer("NMP"), personas.commissioner],
    ids=["recorder", "officer", "commissioner"],
)
def test_every_role_reads_the_profiles_with_their_rules(make_user):
    client = client_for(make_user())
    listed = {row["code"]: row for row in rows(client, f"{API}/policy-profiles/")}
    assert set(listed) == set(PolicyProfile.objects.values_list("code", flat=True))
    app = PolicyProfile.objects.get(code="app-force-policy")
    shown = listed[app.code]
    assert (shown["name"], shown["all_forces"]) == (app.name, True)
    assert {rule["code"] for rule in shown["rules"]} == set(
        app.rules.values_list("code", flat=True)
    )
    rule = app.rules.order_by("code").first()
    (row,) = [r for r in shown["rules"] if r["code"] == rule.code]
    assert (row["profile"], row["check_name"], row["parameters"], row["severity"]) == (
        app.code,
        rule.check_name,
        rule.parameters,
        rule.severity,
    )
    eu = PolicyProfile.objects.get(code="eu-ai-act")
    assert listed[eu.code]["forces"] == sorted(eu.forces.values_list("code", flat=True))


def test_profiles_and_rules_filter(nmp):
    assert [row["code"] for row in rows(nmp, f"{API}/policy-profiles/", all_forces="false")] == [
        "eu-ai-act"
    ]
    rule = Rule.objects.order_by("pk").first()
    listed = rows(
        nmp,
        f"{API}/rules/",
        profile=rule.profile.code,
        applies_to=rule.applies_to,
        severity=rule.severity,
        check=rule.check_name,
        active="true",
    )
    assert rule.pk in {row["id"] for row in listed}
    assert {(row["profile"], row["check_name"]) for row in listed} == {
        (rule.profile.code, rule.check_name)
    }
    response = nmp.get(f"{API}/rules/", {"applies_to": "everything"})
    assert response.status_code == 400 and fields_of(response) == {"applies_to"}


def test_profiles_and_rules_are_read_only_even_for_an_administrator(superuser):
    # The admin edits them as plain rows with no service or ledger event: no unaudited path here.
    admin_client = client_for(superuser)
    profile = PolicyProfile.objects.get(code="app-force-policy")
    rule = profile.rules.order_by("pk").first()
    for url, item in [
        (f"{API}/policy-profiles/", f"{API}/policy-profiles/{profile.pk}/"),
        (f"{API}/rules/", f"{API}/rules/{rule.pk}/"),
    ]:
        assert admin_client.post(url, {}).status_code == 405
        response = admin_client.patch(item, {"active": False})
        assert response.status_code == 405
        assert error_of(response)["code"] == "method_not_allowed"
        assert admin_client.delete(item).status_code == 405
    assert Rule.objects.get(pk=rule.pk).active is True
