"""A new faces-seen estimate never erases the old one."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audits.ledger.models import LedgerEvent
from audits.register.models import Amendment, Status
from audits.register.services.deployments import deployment_revise_faces_seen
from audits.register.services.records import record_create, record_submit
from tests import factories as make

pytestmark = pytest.mark.django_db


def deployment_with_first_estimate(value: int = 15600):
    deployment = record_create(user=None, instance=make.deployment(faces_seen=value))
    deployment_revise_faces_seen(
        user=None, deployment=deployment, value=value, as_of=date(2022, 7, 8), source="Press"
    )
    return deployment


def test_a_revision_of_a_submitted_deployment_keeps_the_old_value_and_its_reason():
    deployment = deployment_with_first_estimate(15600)
    record_submit(user=None, instance=deployment)
    deployment_revise_faces_seen(
        user=None,
        deployment=deployment,
        value=34286,
        as_of=date(2023, 11, 20),
        source="LFR Deployment Grid 2020-2022",
        reason="Republished in the annual grid",
    )
    deployment.refresh_from_db()
    assert deployment.faces_seen == 34286
    assert deployment.status == Status.SUBMITTED
    history = list(deployment.faces_seen_revisions.values_list("value", "source"))
    assert history == [(15600, "Press"), (34286, "LFR Deployment Grid 2020-2022")]
    amendment = Amendment.objects.get(object_id=deployment.pk, field="faces_seen")
    assert (amendment.old_value, amendment.new_value) == (15600, 34286)
    assert amendment.reason == "Republished in the annual grid"
    event = LedgerEvent.objects.get(seq=amendment.ledger_seq)
    assert event.action == "amend" and '"faces_seen":[15600,34286]' in event.changes


def test_a_revision_of_a_submitted_deployment_needs_a_reason():
    deployment = deployment_with_first_estimate()
    record_submit(user=None, instance=deployment)
    with pytest.raises(ValidationError) as caught:
        deployment_revise_faces_seen(
            user=None, deployment=deployment, value=1, as_of=date(2023, 1, 1), source="x"
        )
    assert "reason" in caught.value.message_dict
    assert deployment.faces_seen_revisions.count() == 1


def test_a_negative_estimate_is_refused_naming_the_field():
    deployment = deployment_with_first_estimate()
    with pytest.raises(ValidationError) as caught:
        deployment_revise_faces_seen(
            user=None, deployment=deployment, value=-4, as_of=date(2023, 1, 1), source="x"
        )
    assert "value" in caught.value.message_dict
