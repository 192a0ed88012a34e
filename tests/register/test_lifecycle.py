"""Draft, submitted (locked), reviewed; corrections are amendments; withdrawal keeps records."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from audits.ledger.models import LedgerEvent
from audits.register.models import Amendment, Authorisation, Deployment, Status
from audits.register.services.records import (
    record_amend,
    record_create,
    record_delete_draft,
    record_mark_reviewed,
    record_submit,
    record_update,
    record_withdraw,
)
from tests import factories as make
from tests import personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    deployment = record_create(user=None, instance=make.deployment())
    return record_submit(user=None, instance=deployment)


def client_for(user) -> Client:
    client = Client()
    personas.login(client, user)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_submitted_record_cannot_be_edited_in_place(submitted):
    with pytest.raises(PermissionDenied, match="amendment"):
        record_update(user=None, instance=submitted, data={"location_name": "Elsewhere"})
    submitted.refresh_from_db()
    assert submitted.location_name == "Oxford Circus"


def test_a_submitted_record_cannot_be_deleted(submitted):
    with pytest.raises(PermissionDenied):
        record_delete_draft(user=None, instance=submitted)
    assert Deployment.objects.filter(pk=submitted.pk).exists()


def test_the_parts_of_a_submitted_deployment_are_locked_too(submitted):
    with pytest.raises(PermissionDenied):
        record_create(user=None, instance=make.alert(submitted))


def test_an_amendment_keeps_the_old_and_new_value_and_its_reason(submitted):
    amendments = record_amend(
        user=None,
        instance=submitted,
        data={"arrests": 5, "location_name": "Oxford St"},
        reason="Arrest count corrected from custody records",
    )
    submitted.refresh_from_db()
    assert (submitted.arrests, submitted.location_name) == (5, "Oxford St")
    kept = {(a.field, a.old_value, a.new_value, a.reason) for a in amendments}
    assert kept == {
        ("arrests", 4, 5, "Arrest count corrected from custody records"),
        (
            "location_name",
            "Oxford Circus",
            "Oxford St",
            "Arrest count corrected from custody records",
        ),
    }
    event = LedgerEvent.objects.order_by("-seq").first()
    assert event.action == "amend" and event.reason.startswith("Arrest count corrected")
    assert '"arrests":[4,5]' in event.changes


def test_an_amendment_without_a_reason_is_refused(submitted):
    with pytest.raises(ValidationError) as caught:
        record_amend(user=None, instance=submitted, data={"arrests": 5}, reason="  ")
    assert "reason" in caught.value.message_dict


def test_an_amendment_is_validated_like_any_write(submitted):
    with pytest.raises(ValidationError) as caught:
        record_amend(user=None, instance=submitted, data={"faces_seen": -1}, reason="typo")
    assert "faces_seen" in caught.value.message_dict
    assert not Amendment.objects.filter(object_id=submitted.pk).exists()


def test_a_withdrawn_record_stays_visible_with_its_reason(submitted):
    record_withdraw(user=None, instance=submitted, reason="Duplicate of T-D-2")
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert submitted.withdrawn_reason == "Duplicate of T-D-2"
    assert Deployment.objects.filter(pk=submitted.pk).exists()


def test_a_submitted_record_can_be_marked_reviewed(submitted):
    record_mark_reviewed(user=None, instance=submitted)
    assert Deployment.objects.get(pk=submitted.pk).status == Status.REVIEWED


def test_a_recorder_or_reviewer_submits_but_not_a_commissioner():
    deployment = record_create(user=None, instance=make.deployment(force=make.force("NMP")))
    with pytest.raises(PermissionDenied, match="submit_record"):
        record_submit(user=personas.commissioner(), instance=deployment)
    with pytest.raises(PermissionDenied, match="force NMP"):
        record_submit(user=personas.recorder("EVC"), instance=deployment)
    record_submit(user=personas.recorder("NMP"), instance=deployment)
    assert deployment.status == Status.SUBMITTED
    second = record_create(
        user=None, instance=make.deployment(force=make.force("NMP"), reference="T-D-2")
    )
    record_submit(user=personas.reviewer("NMP"), instance=second)
    assert second.status == Status.SUBMITTED


def test_only_an_authorising_officer_approves_an_authorisation():
    authorisation = record_create(user=None, instance=make.authorisation(force=make.force("NMP")))
    with pytest.raises(PermissionDenied):
        record_submit(user=personas.reviewer("NMP"), instance=authorisation)
    with pytest.raises(PermissionDenied, match="force NMP"):
        record_submit(user=personas.officer("EVC"), instance=authorisation)
    record_submit(user=personas.officer("NMP"), instance=authorisation)
    assert Authorisation.objects.get(pk=authorisation.pk).status == Status.SUBMITTED


def test_the_admin_shows_a_submitted_record_read_only():
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    client = client_for(personas.recorder("NMP"))
    response = client.get(change_url(deployment))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert client.post(change_url(deployment), {"location_name": "X"}).status_code == 403
    delete = reverse("admin:register_deployment_delete", args=[deployment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_a_reviewer_amends_through_the_admin_with_a_reason():
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    client = client_for(personas.reviewer("NMP"))
    amend = reverse("admin:register_deployment_amend", args=[deployment.pk])
    page = client.get(amend)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(arrests=(deployment.arrests or 0) + 1, reason="")
    data = {k: getattr(v, "pk", v) for k, v in data.items()}
    refused = client.post(amend, data)
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    data["reason"] = "Late arrest recorded by custody"
    response = client.post(amend, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    amendment = Amendment.objects.get(object_id=deployment.pk, field="arrests")
    assert (amendment.old_value, amendment.new_value) == (
        deployment.arrests,
        (deployment.arrests or 0) + 1,
    )


def test_a_recorder_of_another_force_cannot_reach_the_amend_page():
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    client = client_for(personas.reviewer("EVC"))
    amend = reverse("admin:register_deployment_amend", args=[deployment.pk])
    assert client.get(amend).status_code == 404
