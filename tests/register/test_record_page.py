"""A record's page tells its story and offers its steps: for every record type, every step it
shows answers 200 for a user who may take it, and a refusal page naming who can (never a bare
403) for one who may not; a button's step works from the page."""

import re
from html import escape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.compliance.models import Finding
from audits.register.models import (
    Authorisation,
    Deployment,
    Force,
    PostDeploymentReview,
    Search,
    Status,
    Watchlist,
)
from audits.register.services.records import record_amend, record_create
from tests import personas

pytestmark = pytest.mark.django_db

MODELS = [Deployment, Authorisation, Watchlist, Search, PostDeploymentReview]
PEOPLE = {
    "recorder": lambda: personas.recorder("NMP"),
    "officer": lambda: personas.officer("NMP"),
    "reviewer": lambda: personas.reviewer("NMP"),
    "commissioner": personas.commissioner,
}
STEPS = ("submit", "mark_reviewed", "amend", "withdraw")


def client_for(user) -> Client:
    client = Client()
    personas.login(client, user)
    return client


def record_of(model, status: str):
    path = "deployment__force__code" if model is PostDeploymentReview else "force__code"
    found = model.objects.filter(status=status, **{path: "NMP"}).order_by("pk").first()
    if found is None and model is PostDeploymentReview and status == Status.DRAFT:
        found = record_create(
            user=None,
            instance=PostDeploymentReview(
                deployment=record_of(Deployment, Status.SUBMITTED),
                reviewer="CI1234",
                reviewed_at=timezone.now(),
                findings="Ran as authorised.",
            ),
        )
    assert found is not None, f"the persona register has no {status} NMP {model.__name__}"
    return found


def page_of(obj) -> str:
    return reverse(f"admin:register_{obj._meta.model_name}_change", args=[obj.pk])


def step_url(obj, step: str) -> str:
    return reverse(f"admin:register_{obj._meta.model_name}_{step}", args=[obj.pk])


def assert_refused(response, *, names: str) -> None:
    """A 403 that is a page of the register saying who can, not a bare refusal."""
    assert response.status_code == 403
    text = response.content.decode()
    assert "Facial recognition oversight register" in text  # the admin's own page
    assert names in text, text[-1500:]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED])
@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_step_shown_answers_200_or_says_who_can(model, status, who):
    obj = record_of(model, status)
    client = client_for(PEOPLE[who]())
    page = client.get(page_of(obj))
    assert page.status_code == 200
    steps = page.context["lifecycle"]["steps"]
    assert steps, f"{obj} ({status}) offers no step at all"
    for step in steps:
        response = client.get(step.url)
        if step.refusal:
            assert re.match(r"^An? .+ can .+ it\.$", step.refusal), step.refusal
            assert step.refusal in page.content.decode()  # the page says who can
            assert response.status_code == 403
        else:
            assert response.status_code == 200, (who, step.label, step.url)
            assert f'href="{escape(step.url)}"' in page.content.decode() or step.post


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_step_reached_by_its_address_is_refused_with_the_reason(model):
    submitted = record_of(model, Status.SUBMITTED)
    recorder = client_for(personas.recorder("NMP"))
    assert_refused(recorder.get(step_url(submitted, "amend")), names="Force reviewer of NMP")
    assert_refused(recorder.get(step_url(submitted, "withdraw")), names="Force reviewer of NMP")
    # A step the record's state does not allow, for anyone: the rule, not a 500.
    reviewer = client_for(personas.reviewer("NMP"))
    assert_refused(reviewer.get(step_url(submitted, "submit")), names="only a draft is submitted")
    draft = record_of(model, Status.DRAFT)
    assert_refused(
        reviewer.get(step_url(draft, "amend")), names="only a submitted record is amended"
    )


def test_the_submit_and_approve_buttons_work_from_the_page():
    draft = Deployment.objects.get(pk=record_of(Deployment, Status.DRAFT).pk)
    assert draft.authorisation.status == Status.DRAFT
    recorder = client_for(personas.recorder("NMP"))
    (submit,) = [s for s in recorder.get(page_of(draft)).context["lifecycle"]["steps"] if s.post]
    assert submit.label == "Submit (locks it)" and submit.refusal == ""
    # Refused by the service, with its reason on the page; nothing changes.
    response = recorder.post(submit.url, follow=True)
    assert "is draft: a deployment is submitted only under an approved" in response.content.decode()
    assert Deployment.objects.get(pk=draft.pk).status == Status.DRAFT
    # The officer approves the authorisation from its own page; then the submission goes.
    officer = client_for(personas.officer("NMP"))
    steps = officer.get(page_of(draft.authorisation)).context["lifecycle"]["steps"]
    (approve,) = [step for step in steps if step.post and not step.refusal]
    assert approve.label == "Approve (locks it)"
    officer.post(approve.url)
    assert Authorisation.objects.get(pk=draft.authorisation_id).status == Status.SUBMITTED
    response = recorder.post(submit.url, follow=True)
    assert response.status_code == 200
    assert f"Submitted: {draft}." in response.content.decode()
    assert Deployment.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_an_authorisation_is_approved_by_its_officer_only():
    draft = record_of(Authorisation, Status.DRAFT)
    steps = client_for(personas.recorder("NMP")).get(page_of(draft)).context["lifecycle"]["steps"]
    approve = next(step for step in steps if step.post)
    assert approve.label == "Approve (locks it)"
    assert approve.refusal == "An Authorising officer of NMP can approve it."


def test_the_page_tells_the_records_story():
    deployment = record_of(Deployment, Status.SUBMITTED)
    reviewer = personas.reviewer("NMP")
    record_amend(
        user=reviewer,
        instance=deployment,
        data={"arrests": (deployment.arrests or 0) + 1},
        reason="Late arrest recorded by custody",
    )
    kind = ContentType.objects.get_for_model(Deployment)
    findings = Finding.objects.filter(content_type=kind, object_id=deployment.pk)
    page = client_for(personas.commissioner()).get(page_of(deployment))
    text = page.content.decode()
    assert "Late arrest recorded by custody" in text  # the amendment, with its reason
    assert reviewer.get_username() in text
    for finding in findings:
        assert finding.message in text
    assert "Ledger events" in text and "Commissioner reviews" in text
    open_review = [
        s for s in page.context["lifecycle"]["steps"] if "commissioner review" in s.label
    ]
    assert open_review and open_review[0].refusal == ""
    assert client_for(personas.commissioner()).get(open_review[0].url).status_code == 200
    # The force's recorder is told who opens one.
    steps = client_for(personas.recorder("NMP")).get(page_of(deployment)).context["lifecycle"]
    refusals = [s.refusal for s in steps["steps"] if "commissioner review" in s.label]
    assert refusals == ["A Commissioner can open a review of it."]


def test_a_form_with_errors_lists_each_one_linked_to_its_field():
    draft = record_of(Deployment, Status.DRAFT)
    recorder = client_for(personas.recorder("NMP"))
    page = recorder.get(page_of(draft))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data = {key: getattr(value, "pk", value) for key, value in data.items()}
    data.update(threshold="1.7", location_name="")
    for inline in page.context["inline_admin_formsets"]:
        formset, prefix = inline, inline.formset.prefix
        management = formset.formset.management_form
        data.update({f"{prefix}-{k}": v for k, v in management.initial.items()})
        for number, form in enumerate(formset.formset.forms):
            data.update(
                {
                    f"{prefix}-{number}-{k}": getattr(v, "pk", v)
                    for k, v in form.initial.items()
                    if v is not None
                }
            )
    response = recorder.post(page_of(draft), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert '<div class="frt-error-summary" role="alert"' in text
    assert '<a href="#id_location_name">Location name: This field is required.</a>' in text
    assert '<a href="#id_threshold">Threshold:' in text


def test_device_sessions_appear_only_on_bodycam_and_mobile_deployments():
    reviewer = client_for(personas.reviewer("NMP"))
    van = Deployment.objects.filter(force__code="NMP", kind=Deployment.Kind.VAN).first()
    worn = Deployment.objects.filter(force__code="NMP", kind__in=["bodycam", "mobile"]).first()
    assert van is not None and worn is not None
    names = [
        inline.opts.model._meta.model_name
        for inline in reviewer.get(page_of(van)).context["inline_admin_formsets"]
    ]
    assert "devicesession" not in names and "alert" in names
    names = [
        inline.opts.model._meta.model_name
        for inline in reviewer.get(page_of(worn)).context["inline_admin_formsets"]
    ]
    assert "devicesession" in names


def test_a_one_force_users_force_is_filled_in_on_a_new_record():
    recorder = client_for(personas.recorder("NMP"))
    for name in ("deployment", "authorisation", "watchlist", "search"):
        form = recorder.get(reverse(f"admin:register_{name}_add")).context["adminform"].form
        assert form.initial.get("force") == str(Force.objects.get(code="NMP").pk), name
    # An administrator has no force of their own: none is chosen for them.
    form = client_for(personas.administrator()).get(reverse("admin:register_deployment_add"))
    assert "force" not in form.context["adminform"].form.initial
