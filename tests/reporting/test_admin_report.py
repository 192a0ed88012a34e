"""The report page in the admin: same figures as frt_report, scoped, with a download per format."""

import io
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audits.ledger.models import LedgerEvent
from audits.register.filtersets import PUBLISHED_STATUSES
from audits.register.models import Deployment
from tests import personas

pytestmark = pytest.mark.django_db

MET_GRID = Path(__file__).resolve().parents[3] / "shared/data/met_lfr_deployments_2020_2023.csv"
REPORT = reverse("admin:reporting_report")


def client_for(user) -> Client:
    client = Client()
    personas.login(client, user)
    return client


@pytest.fixture
def met(db):
    call_command("import_deployments", str(MET_GRID), verbosity=0)


def test_the_commissioner_sees_the_met_figures_and_download_links(met):
    client = client_for(personas.commissioner())
    response = client.get(REPORT, {"force": "MPS", "group_by": "year"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "144,366" in page and "326,392" in page
    for label in ("JSON", "CSV", "Excel (XLSX)", "PDF", "HTML"):
        assert f">{label}<" in page
    head = response.context["report"].ledger_head
    assert all(head[i : i + 16] in page for i in range(0, 64, 16))  # printed in groups of 16


def test_a_download_reads_back_and_is_recorded(met):
    client = client_for(personas.commissioner())
    response = client.get(REPORT, {"force": "MPS", "group_by": "year", "download": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    table = pd.read_csv(io.BytesIO(response.content), dtype={"ledger_head": str})
    assert list(table["faces_seen"]) == [13200, 144366, 326392]
    event = LedgerEvent.objects.order_by("-seq").first()
    assert event.action == "export" and event.actor == "commissioner-test"


def test_a_recorder_reports_on_their_own_force_only(met):
    client = client_for(personas.recorder("NMP"))
    response = client.get(REPORT, {"group_by": "force"})
    assert response.status_code == 200
    choices = response.context["filterset"].form.fields["force"].choices
    assert [str(value) for value, _label in choices] == ["NMP"]
    keys = [group.key["force"] for group in response.context["report"].groups]
    assert keys == ["NMP"]
    published = Deployment.objects.filter(force__code="NMP", status__in=PUBLISHED_STATUSES)
    assert response.context["report"].totals.deployments == published.count() == 5
    drafts = client.get(REPORT, {"group_by": "force", "include_drafts": "true"})
    assert drafts.context["report"].totals.deployments == 7  # and the force's 2 drafts
    assert "and includes 2 drafts" in drafts.content.decode()
    refused = client.get(REPORT, {"force": "MPS"})
    assert "Select a valid choice" in refused.content.decode()
