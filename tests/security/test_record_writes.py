"""Writes stay where they belong (issue 10, items 1, 3 and 7): a record never changes force, a
form offers only its own force's choices, the service itself checks the force after the change,
a step judged on a stale copy is refused, and the forms show no lifecycle field as editable."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from audits.ledger.models import LedgerEvent
from audits.register.models import Amendment, Authorisation, Deployment, Status, Watchlist
from audits.register.services.records import record_amend, record_submit, record_withdraw
from tests import factories as make
from tests import personas

pytestmark = pytest.mark.django_db
REASON = "Corrected from the officer's notebook"


def client_for(user) -> Client:
    return personas.login(Client(), user)


def submitted(code: str) -> Deployment:
    return (
        Deployment.objects.filter(force__code=code, status=Status.SUBMITTED)
        .exclude(watchlist=None)
        .order_by("pk")
        .first()
    )


def amend_url(deployment: Deployment) -> str:
    return reverse("admin:register_deployment_amend", args=[deployment.pk])


def test_the_amend_page_offers_no_force_and_only_the_records_forces_choices():
    deployment = submitted("NMP")
    page = client_for(personas.reviewer("NMP")).get(amend_url(deployment))
    assert page.status_code == 200
    form = page.context["form"]
    assert "force" not in form.fields
    for name in ("authorisation", "watchlist"):
        assert set(form.fields[name].queryset.values_list("force__code", flat=True)) == {"NMP"}


def test_a_superusers_amend_page_offers_only_the_records_own_forces_watchlists(admin_client):
    deployment = submitted("NMP")
    form = admin_client.get(amend_url(deployment)).context["form"]
    assert set(form.fields["watchlist"].queryset.values_list("force__code", flat=True)) == {"NMP"}


def test_posting_another_forces_watchlist_to_the_amend_page_changes_nothing():
    deployment = submitted("NMP")
    theirs = Watchlist.objects.filter(force__code="EVC").first()
    client = client_for(personas.reviewer("NMP"))
    page = client.get(amend_url(deployment))
    data = {
        name: value
        for name, value in page.context["form"].initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        watchlist=theirs.pk, reason=REASON, version=page.context["reason_form"].initial["version"]
    )
    response = client.post(amend_url(deployment), data)
    assert response.status_code == 200  # the form again, with the error
    deployment.refresh_from_db()
    assert deployment.watchlist.force.code == "NMP"
    assert not Amendment.objects.filter(object_id=deployment.pk, field="watchlist").exists()


def test_the_service_refuses_to_move_a_record_to_another_force_even_for_the_register():
    deployment = submitted("NMP")
    evc = deployment.force.__class__.objects.get(code="EVC")
    with pytest.raises(ValidationError, match="force never changes"):
        record_amend(user=None, instance=deployment, data={"force": evc}, reason=REASON)
    deployment.refresh_from_db()
    assert deployment.force.code == "NMP"


def test_the_service_refuses_a_link_to_another_forces_record_whatever_the_form_offered():
    deployment = submitted("NMP")
    theirs = Watchlist.objects.filter(force__code="EVC").first()
    with pytest.raises(ValidationError, match="belongs to force EVC"):
        record_amend(user=None, instance=deployment, data={"watchlist": theirs}, reason=REASON)
    reviewer = personas.reviewer("NMP")
    with pytest.raises((ValidationError, PermissionDenied)):
        record_amend(user=reviewer, instance=deployment, data={"watchlist": theirs}, reason=REASON)
    deployment.refresh_from_db()
    assert deployment.watchlist.force.code == "NMP"


def test_an_api_amendment_cannot_name_a_force():
    from tests.api.conftest import client_for as api_client_for

    deployment = submitted("NMP")
    response = api_client_for(personas.reviewer("NMP")).post(
        f"/api/v1/deployments/{deployment.pk}/amend/",
        {"reason": REASON, "changes": {"force": "EVC"}},
        format="json",
    )
    assert response.status_code == 400
    deployment.refresh_from_db()
    assert deployment.force.code == "NMP"


def test_an_amendment_made_on_a_stale_copy_is_judged_on_the_record_as_stored():
    """A view loads the record before the step's transaction; the step must not trust it."""
    deployment = submitted("NMP")
    stale = Deployment.objects.get(pk=deployment.pk)
    record_withdraw(user=None, instance=deployment, reason="Entered twice")
    events = LedgerEvent.objects.count()
    with pytest.raises(ValidationError, match="withdrawn"):
        record_amend(user=None, instance=stale, data={"notes": "late"}, reason=REASON)
    deployment.refresh_from_db()
    assert deployment.status == Status.WITHDRAWN  # the amendment did not un-withdraw it
    assert LedgerEvent.objects.count() == events


def test_two_amendments_from_stale_copies_keep_the_whole_history():
    deployment = submitted("NMP")
    first, second = (Deployment.objects.get(pk=deployment.pk) for _ in range(2))
    original = deployment.notes
    record_amend(user=None, instance=first, data={"notes": "A"}, reason=REASON)
    record_amend(user=None, instance=second, data={"notes": "B"}, reason=REASON)
    history = list(
        Amendment.objects.filter(object_id=deployment.pk, field="notes")
        .order_by("id")
        .values_list("old_value", "new_value")
    )
    assert history == [(original, "A"), ("A", "B")]


def test_a_second_submit_from_a_stale_copy_is_refused_and_writes_no_event():
    draft = Deployment.objects.filter(force__code="NMP", status=Status.DRAFT).first()
    stale = Deployment.objects.get(pk=draft.pk)
    if draft.authorisation is not None and draft.authorisation.status == Status.DRAFT:
        record_submit(user=None, instance=draft.authorisation)
    record_submit(user=None, instance=draft)
    events = LedgerEvent.objects.count()
    with pytest.raises(ValidationError, match="submitted"):
        record_submit(user=None, instance=stale)
    assert LedgerEvent.objects.count() == events


def test_a_submission_records_when_it_was_submitted():
    draft = Deployment.objects.filter(force__code="NMP", status=Status.DRAFT, authorisation=None)
    record = draft.first() or make.saved_deployment()
    record_submit(user=None, instance=record)
    event = LedgerEvent.objects.order_by("-seq").first()
    assert '"submitted_at":[null,"' in event.changes


def test_a_deployment_is_not_submitted_while_its_authorisation_is_a_draft():
    authorisation = make.authorisation()
    authorisation.save()
    deployment = make.saved_deployment(force=authorisation.force, authorisation=authorisation)
    with pytest.raises(ValidationError, match="is draft"):
        record_submit(user=None, instance=deployment)
    deployment.refresh_from_db()
    assert deployment.status == Status.DRAFT
    record_submit(user=None, instance=authorisation)
    record_submit(user=None, instance=deployment)
    assert Authorisation.objects.get(pk=authorisation.pk).status == Status.SUBMITTED


@pytest.mark.parametrize("step", ["amend", "withdraw"])
def test_the_amend_and_withdraw_links_on_a_records_page_open_their_pages(step):
    deployment = submitted("NMP")
    client = client_for(personas.reviewer("NMP"))
    page = client.get(reverse("admin:register_deployment_change", args=[deployment.pk]))
    link = reverse(f"admin:register_deployment_{step}", args=[deployment.pk])
    assert link in [offered.url for offered in page.context["lifecycle"]["steps"]]
    assert f'href="{link}"' in page.content.decode()
    assert client.get(link).status_code == 200


def test_a_watchlists_lifecycle_fields_are_not_editable(admin_client):
    watchlist = Watchlist.objects.filter(status=Status.DRAFT).first() or Watchlist.objects.first()
    page = admin_client.get(reverse("admin:register_watchlist_add"))
    fields = page.context["adminform"].form.fields
    for name in ("created_by", "submitted_at", "withdrawn_reason", "status"):
        assert name not in fields
    assert watchlist is not None


def test_an_over_long_note_is_refused_naming_the_field_and_the_limit():
    from tests.api.conftest import client_for as api_client_for

    draft = Deployment.objects.filter(force__code="NMP", status=Status.DRAFT).first()
    response = api_client_for(personas.recorder("NMP")).patch(
        f"/api/v1/deployments/{draft.pk}/", {"notes": "x" * 10_001}, format="json"
    )
    assert response.status_code == 400
    assert "10000" in str(response.json()["error"]["fields"])
    with pytest.raises(ValidationError, match="at most 10000 characters"):
        from audits.register.services.records import record_update

        record_update(user=None, instance=draft, data={"notes": "x" * 10_001})
    assert Deployment.objects.get(pk=draft.pk).notes == draft.notes


def test_an_over_long_reason_is_refused_by_the_service_itself():
    deployment = submitted("NMP")
    with pytest.raises(ValidationError, match="At most 2,000 characters"):
        record_withdraw(user=None, instance=deployment, reason="x" * 2001)
    assert Deployment.objects.get(pk=deployment.pk).status == Status.SUBMITTED
