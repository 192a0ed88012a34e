"""The public page: anonymous, submitted records only, metrics with intervals, downloads, and a
statement of what is withheld."""

import csv
import io
import json

import pytest
from django.urls import reverse

from audits.register.models import Deployment, Status
from audits.reporting.public.views import WITHHELD

pytestmark = pytest.mark.django_db


def test_anonymous_users_reach_the_public_page(client):
    response = client.get(reverse("transparency:index"))
    assert response.status_code == 200
    assert "Northmoor Police (personas)" in response.content.decode()


def test_a_force_page_shows_submitted_deployments_and_never_a_draft(client):
    draft = Deployment.objects.filter(force__code="NMP", status=Status.DRAFT).first()
    submitted = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    assert draft is not None and submitted is not None
    page = client.get(reverse("transparency:force", args=["NMP"])).content.decode()
    assert f"<td>{submitted.reference}</td>" in page
    assert draft.reference not in page
    for what, _ in WITHHELD:
        assert what in page


def test_the_totals_count_only_submitted_records(client):
    body = json.loads(client.get(reverse("transparency:json", args=["NMP"])).content)
    published = Deployment.objects.filter(
        force__code="NMP", status__in=[Status.SUBMITTED, Status.REVIEWED]
    )
    assert body["totals"]["deployments"] == published.count()
    assert body["totals"]["faces_seen"] == sum(published.values_list("faces_seen", flat=True))
    rate = body["totals"]["false_alert_rate_per_face"]
    assert rate["ci_low"] <= rate["value"] <= rate["ci_high"]
    assert {row["record"] for row in body["deployments"]} == set(
        published.values_list("reference", flat=True)
    )


def test_nothing_personal_is_published(client):
    deployment = Deployment.objects.filter(force__code="NMP", status=Status.SUBMITTED).first()
    officer = deployment.authorisation.ao_identifier
    for name in ("force", "json", "csv"):
        text = client.get(reverse(f"transparency:{name}", args=["NMP"])).content.decode()
        assert officer not in text


def test_the_csv_download_reads_back(client):
    response = client.get(reverse("transparency:csv", args=["EVC"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    published = Deployment.objects.filter(
        force__code="EVC", status__in=[Status.SUBMITTED, Status.REVIEWED]
    )
    assert len(rows) == published.count()
    assert sum(int(row["Faces seen"]) for row in rows) == sum(
        published.values_list("faces_seen", flat=True)
    )


def test_an_unknown_force_is_not_found(client):
    assert client.get(reverse("transparency:force", args=["XYZ"])).status_code == 404
