"""No read or write across forces; commissioners read every force but change nothing; anonymous
sees nothing. Run against every admin page and a record of each force."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from audits.compliance.models import Finding
from audits.ledger.models import LedgerEvent
from audits.oversight import services as reviews
from audits.register.models import Deployment, Force, Membership, Status
from audits.register.scoping import force_path, owning_force
from tests import personas
from tests.labels import MODEL_APPS
from tests.personas import PLAN

pytestmark = pytest.mark.django_db

AUDITS_MODELS = sorted(
    (m for m in admin.site._registry if m._meta.app_label in MODEL_APPS),
    key=lambda m: m._meta.model_name,
)
# National reference data (force empty) is read by everyone; its own tests are in tests/security.
SCOPED_MODELS = [m for m in AUDITS_MODELS if force_path(m) and not m.scoping.national]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def owner_of(model) -> str:
    """The force of the model's first record (the persona register has every kind for both)."""
    first = model.objects.order_by("pk").first()
    assert first is not None, f"no {model._meta.model_name} in the persona register"
    return owning_force(first).code


def outsider_of(model) -> str:
    return "EVC" if owner_of(model) != "EVC" else "NMP"


def record_of(model, force_code: str):
    path = force_path(model)
    found = model.objects.filter(**{f"{path}__code": force_code}).order_by("pk").first()
    assert found is not None, f"no {model._meta.model_name} of {force_code} in the personas"
    return found


def client_for(user) -> Client:
    client = Client()
    personas.login(client, user)
    return client


@pytest.fixture
def nmp_recorder():
    return client_for(personas.recorder("NMP"))


@pytest.fixture
def evc_recorder():
    return client_for(personas.recorder("EVC"))


@pytest.mark.parametrize("model", AUDITS_MODELS, ids=lambda m: m._meta.model_name)
def test_anonymous_sees_no_admin_page(client, model):
    response = client.get(url(model, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
    first = model.objects.order_by("pk").first()
    if first is not None:
        response = client.get(url(model, "change", first.pk))
        assert response.status_code == 302 and "/admin/login/" in response.url


# The force's own records; findings and commissioner reviews have their own tests below.
RECORD_MODELS = [
    m
    for m in SCOPED_MODELS
    if m._meta.model_name not in {"membership", "finding", "commissionerreview", "reviewmessage"}
]


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m._meta.model_name)
def test_a_recorder_lists_only_their_own_force(model):
    owner = owner_of(model)
    client = client_for(personas.recorder(owner))
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    forces = {owning_force(obj).code for obj in response.context["cl"].queryset}
    assert forces == {owner}


def test_a_recorder_cannot_see_who_belongs_to_which_force(nmp_recorder):
    assert nmp_recorder.get(url(Membership, "changelist")).status_code == 403


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("who", ["owner", "outsider"])
def test_a_recorder_cannot_open_another_forces_record(model, who):
    # Each of the two forces tries the other's record.
    theirs_code = owner_of(model) if who == "outsider" else outsider_of(model)
    reader = outsider_of(model) if who == "outsider" else owner_of(model)
    candidates = model.objects.filter(**{f"{force_path(model)}__code": theirs_code})
    assert candidates.exists(), f"{theirs_code} has no {model._meta.model_name}"
    client = client_for(personas.recorder(reader))
    theirs = candidates.order_by("pk").first()
    response = client.get(url(model, "change", theirs.pk))
    assert response.status_code == 302  # the admin answers "does not exist" and redirects
    response = client.post(url(model, "delete", theirs.pk), {"post": "yes"})
    assert response.status_code in (302, 403)
    assert model.objects.filter(pk=theirs.pk).exists()


def test_a_recorder_cannot_change_another_forces_draft_by_post(nmp_recorder):
    theirs = Deployment.objects.filter(force__code="EVC", status=Status.DRAFT).first()
    response = nmp_recorder.post(url(Deployment, "change", theirs.pk), {"location_name": "X"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.location_name != "X"


def test_a_recorder_can_only_choose_their_own_force_and_its_records(nmp_recorder):
    response = nmp_recorder.get(url(Deployment, "add"))
    form = response.context["adminform"].form
    assert list(form.fields["force"].queryset.values_list("code", flat=True)) == ["NMP"]
    for field in ("authorisation", "watchlist"):
        codes = set(form.fields[field].queryset.values_list("force__code", flat=True))
        assert codes == {"NMP"}


def test_a_recorder_cannot_create_a_record_for_another_force(nmp_recorder):
    evc = Force.objects.get(code="EVC")
    before = Deployment.objects.count()
    response = nmp_recorder.post(
        url(Deployment, "add"),
        {
            "force": evc.pk,
            "reference": "X-1",
            "kind": "van",
            "location_name": "Anywhere",
            "date": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Deployment.objects.count() == before


def test_autocomplete_offers_only_the_recorders_force(nmp_recorder):
    response = nmp_recorder.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "register",
            "model_name": "deployment",
            "field_name": "authorisation",
        },
    )
    assert response.status_code == 200
    labels = [item["text"] for item in response.json()["results"]]
    assert labels and all(label.startswith("NMP ") for label in labels)


def test_search_results_stay_inside_the_force(evc_recorder):
    response = evc_recorder.get(url(Deployment, "changelist"), {"q": PLAN[0].reference("NMP")})
    assert response.context["cl"].result_count == 0


@pytest.mark.parametrize("role", ["commissioner", "auditor"])
@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m._meta.model_name)
def test_commissioners_and_auditors_read_every_force_and_change_nothing(role, model):
    client = client_for(getattr(personas, role)())
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    forces = {owning_force(obj).code for obj in response.context["cl"].queryset}
    expected = set(model.objects.values_list(f"{force_path(model)}__code", flat=True))
    assert forces == expected and len(expected) >= 1
    record = record_of(model, owner_of(model))
    response = client.get(url(model, "change", record.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert client.post(url(model, "change", record.pk), {}).status_code == 403
    assert client.post(url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    assert client.get(url(model, "add")).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


def test_only_the_auditor_reads_the_ledger(nmp_recorder):
    ledger = reverse("admin:ledger_ledgerevent_changelist")
    assert client_for(personas.auditor()).get(ledger).status_code == 200
    assert client_for(personas.commissioner()).get(ledger).status_code == 403
    assert nmp_recorder.get(ledger).status_code == 403


def test_a_refused_request_is_recorded_in_the_ledger(nmp_recorder):
    before = LedgerEvent.objects.count()
    nmp_recorder.get(reverse("admin:ledger_ledgerevent_changelist"))
    event = LedgerEvent.objects.order_by("-seq").first()
    assert LedgerEvent.objects.count() == before + 1
    assert (event.action, event.actor, event.force) == (
        "permission_denied",
        "nmp-recorder-test",
        "NMP",
    )


def test_findings_stay_inside_the_force(nmp_recorder):
    response = nmp_recorder.get(reverse("admin:compliance_finding_changelist"))
    assert response.status_code == 200
    forces = {finding.force.code for finding in response.context["cl"].queryset}
    assert forces == {"NMP"}
    theirs = Finding.objects.filter(force__code="EVC").first()
    assert (
        nmp_recorder.get(reverse("admin:compliance_finding_change", args=[theirs.pk])).status_code
        == 302
    )


def test_commissioner_reviews_are_seen_by_the_reviewed_force_only():
    commissioner = personas.commissioner()
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    review = reviews.review_open(user=commissioner, deployment=deployment, subject="Check")
    page = reverse("admin:oversight_commissionerreview_change", args=[review.pk])
    assert client_for(personas.reviewer("NMP")).get(page).status_code == 200
    assert client_for(personas.reviewer("EVC")).get(page).status_code == 302
    assert client_for(personas.recorder("NMP")).get(page).status_code == 403
    assert client_for(personas.auditor()).get(page).status_code == 200
    assert Client().get(page).status_code == 302
