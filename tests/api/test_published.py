"""A published record over the API: where it was printed, each cell as printed, and its
defects, on the record and in the report's data-quality section."""

import pytest

from audits.register.models import Deployment
from tests import personas
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_published_record_carries_its_edition_its_cells_and_its_flags():
    record = Deployment.objects.get(force__code="WSP", reference="High St 10/01/2024")
    body = client_for(personas.commissioner()).get(f"/api/v1/deployments/{record.pk}/").json()
    (printed,) = body["published"]
    assert printed["publication"]["series"] == "WSP LFR DEPLOYMENTS 2024"
    assert printed["publication"]["sha256"] == "5" * 64
    assert (printed["page"], printed["row"], printed["cells"]["date"]) == (1, 2, "10/01/24")
    assert (body["total_alerts"], body["true_confirmed"], body["true_unconfirmed"]) == (1, 1, 1)


def test_the_report_names_the_self_contradicting_row_in_its_data_quality_section():
    report = client_for(personas.commissioner()).get(
        "/api/v1/reports/", {"force": "WSP", "sections": "data_quality"}
    )
    assert report.status_code == 200, report.content
    assert {
        "record": "High St 10/01/2024",
        "check": "alerts_do_not_add_up",
        "message": "High St 10/01/2024: alerts is 1 but true alerts (2) + false alerts (0) = 2",
    } in report.json()["data_quality"]
