"""The admin lists filter with the API's FilterSets, and the admin report takes the parameters of
/api/v1/reports/: what a user filtered is exactly what is listed, reported and exported."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from audits.register.filtersets import PUBLISHED_STATUSES
from audits.register.models import Deployment
from audits.register.services.records import record_withdraw
from tests import personas
from tests.api.conftest import client_for as api_client_for
from tests.labels import admin_url_name

pytestmark = pytest.mark.django_db

DEPLOYMENTS = reverse("admin:register_deployment_changelist")
REPORT = reverse("admin:reporting_report")
PERSONAS = {
    "commissioner": personas.commissioner,
    "nmp": lambda: personas.recorder("NMP"),
    "evc": lambda: personas.recorder("EVC"),
}
# (persona, admin model and API path, parameters, how many rows the persona register gives (its
# plan in tests/personas.py, for both forces), or None for "some")
LISTS = [
    ("commissioner", "deployment", {"force": ["NMP", "EVC"], "year": "2025", "mode": "lfr"}, 4),
    ("commissioner", "deployment", {"mode": "bodycam", "status": "submitted"}, 4),
    ("nmp", "deployment", {"use_case": "crime_hotspot", "status": "submitted"}, 1),
    ("evc", "deployment", {"from": "2024-03-01", "to": "2024-09-30"}, 2),
    ("commissioner", "alert", {"year": "2025", "engaged": "true"}, 14),
    ("nmp", "alert", {"year": "2024", "mode": "lfr"}, 7),
    ("evc", "alert", {"perceived_sex": "female"}, 4),
    ("commissioner", "search", {"force": "EVC", "year": "2025"}, 3),
    ("evc", "search", {"purpose": ["missing", "victim"]}, 2),
    ("nmp", "authorisation", {"year": "2025"}, 4),
    ("commissioner", "authorisation", {"urgent": "true"}, 2),
    ("evc", "watchlist", {"status": ["submitted", "draft", "reviewed"]}, 6),
    ("commissioner", "devicesession", {"year": "2025"}, 6),
    ("commissioner", "postdeploymentreview", {"force": "NMP", "year": "2025"}, 2),
    # Findings depend on the day the register is judged (deadlines pass), so no fixed count.
    ("commissioner", "finding", {"force": ["NMP", "MPS"], "state": "open"}, None),
    ("nmp", "finding", {"severity": "major", "assigned": "false"}, None),
    ("commissioner", "rule", {"active": "true", "applies_to": "deployment"}, 9),
]
API_PATHS = {
    "deployment": "deployments",
    "alert": "alerts",
    "search": "searches",
    "authorisation": "authorisations",
    "watchlist": "watchlists",
    "devicesession": "device-sessions",
    "postdeploymentreview": "post-deployment-reviews",
    "finding": "findings",
    "rule": "rules",
}


def admin_client_for(user) -> Client:
    client = Client()
    personas.login(client, user)
    return client


def admin_list(user, model: str, params: dict) -> list[int]:
    response = admin_client_for(user).get(reverse(admin_url_name(model, "changelist")), params)
    assert response.status_code == 200  # an unknown lookup would have redirected to ?e=1
    return sorted(response.context["cl"].queryset.values_list("pk", flat=True))


def api_list(user, model: str, params: dict) -> list[int]:
    path = f"/api/v1/{API_PATHS[model]}/"
    response = api_client_for(user).get(path, {**params, "page_size": 1000})
    assert response.status_code == 200 and response.json()["next"] is None
    return sorted(row["id"] for row in response.json()["results"])


@pytest.mark.parametrize(("persona", "model", "params", "count"), LISTS)
def test_an_admin_list_shows_exactly_what_the_api_lists(persona, model, params, count):
    user = PERSONAS[persona]()
    listed = admin_list(user, model, params)
    assert len(listed) == count if count is not None else listed
    assert listed == api_list(user, model, params)


def test_the_filters_keep_the_lists_search_and_order():
    client = admin_client_for(personas.commissioner())
    params = {"force": ["NMP", "EVC"], "mode": "lfr", "q": "-P0", "o": "2"}
    response = client.get(DEPLOYMENTS, params)
    cl = response.context["cl"]
    assert cl.query == "-P0" and cl.filter_params["force"] == ["NMP", "EVC"]
    assert set(cl.queryset.values_list("force__code", flat=True)) == {"NMP", "EVC"}
    page = response.content.decode()
    # The search box and the filter form each carry the other's parameters, every value of each.
    assert page.count('<input type="hidden" name="force" value="NMP">') == 1
    assert page.count('<input type="hidden" name="force" value="EVC">') == 1
    assert page.count('<input type="hidden" name="q" value="-P0">') == 1


def test_a_force_user_cannot_list_another_forces_records_by_its_code():
    user = personas.recorder("NMP")
    for params in ({"force": "EVC"}, {"force": ["NMP", "EVC"]}):
        response = admin_client_for(user).get(DEPLOYMENTS, params)
        assert response.status_code == 200 and response.context["cl"].result_count == 0
        assert "Select a valid choice. EVC is not one of the available choices." in (
            response.content.decode()
        )
    refused = api_client_for(user).get("/api/v1/deployments/", {"force": "EVC"})
    assert refused.status_code == 400


def test_the_report_link_carries_the_lists_filters():
    client = admin_client_for(personas.commissioner())
    params = {"force": ["NMP", "EVC"], "year": "2025", "mode": "lfr", "o": "-3", "p": "2"}
    response = client.get(DEPLOYMENTS, params)
    link = response.context["report_url"]
    assert f'href="{link.replace("&", "&amp;")}"' in response.content.decode()
    url = urlsplit(link)
    assert url.path == REPORT
    assert parse_qs(url.query) == {
        "force": ["NMP", "EVC"],
        "year": ["2025"],
        "mode": ["lfr"],
        "group_by": ["year"],
        "include_drafts": ["true"],  # as listed: the report says how many drafts it counts
    }
    report = client.get(link).context["report"]
    assert report.totals.deployments == response.context["cl"].result_count == 4


def test_there_is_no_report_on_filters_a_report_does_not_take():
    client = admin_client_for(personas.commissioner())
    response = client.get(DEPLOYMENTS, {"year": "2025", "status": "submitted"})
    assert response.context["cl"].result_count > 0
    assert response.context["report_url"] is None
    assert "Report on these deployments" not in response.content.decode()


def test_a_withdrawn_deployment_is_listed_but_never_reported():
    client = admin_client_for(personas.commissioner())
    params = {"force": "NMP", "year": "2025"}
    listed = client.get(DEPLOYMENTS, params).context["cl"].result_count
    deployment = Deployment.objects.filter(force__code="NMP", date__year=2025).first()
    record_withdraw(user=None, instance=deployment, reason="Recorded twice")
    response = client.get(DEPLOYMENTS, params)
    assert response.context["cl"].result_count == listed  # still listed, as withdrawn
    report = client.get(response.context["report_url"]).context["report"]
    assert report.totals.deployments == listed - 1


def test_there_is_no_report_on_a_search_which_a_report_cannot_repeat():
    client = admin_client_for(personas.commissioner())
    response = client.get(DEPLOYMENTS, {"year": "2025", "q": "NMP-P0"})
    assert response.context["report_url"] is None
    assert "Report on these deployments" not in response.content.decode()


def api_report(user, params: dict) -> dict:
    response = api_client_for(user).get("/api/v1/reports/", params)
    assert response.status_code == 200
    return response.json()


def admin_report(user, params: dict) -> dict:
    response = admin_client_for(user).get(REPORT, params)
    assert response.status_code == 200 and "filter_errors" not in response.context
    return json.loads(json.dumps(response.context["report"].to_json()))  # as the API sends it


@pytest.mark.parametrize(
    ("persona", "params", "deployments"),
    [
        # Submitted and reviewed records (drafts only when asked for; never withdrawn ones).
        ("commissioner", {"force": ["NMP", "EVC"], "year": "2025", "group_by": "force"}, 6),
        ("commissioner", {"mode": "bodycam", "group_by": ["quarter", "use_case"]}, 4),
        ("nmp", {"from": "2025-01-01", "to": "2025-12-31", "interval": "exact"}, 3),
        ("nmp", {"year": "2025", "include_drafts": "true"}, 5),
        ("evc", {"year": "2024", "group_by": "month"}, 2),  # and one withdrawn, not reported
    ],
)
def test_the_admin_report_is_the_api_report_for_the_same_parameters(persona, params, deployments):
    user = PERSONAS[persona]()
    shown, sent = admin_report(user, params), api_report(user, params)
    assert shown["totals"]["deployments"] == deployments
    for part in ("filters", "group_by", "interval_method", "totals", "groups", "by_threshold"):
        assert shown[part] == sent[part], part


def test_a_download_carries_the_reports_parameters():
    client = admin_client_for(personas.commissioner())
    params = {"force": ["NMP", "EVC"], "year": "2025", "group_by": "force"}
    downloads = dict(client.get(REPORT, params).context["downloads"])
    assert parse_qs(urlsplit(downloads["JSON"]).query) == {
        "force": ["NMP", "EVC"],
        "year": ["2025"],
        "group_by": ["force"],
        "download": ["json"],
    }
    exported = json.loads(client.get(downloads["JSON"]).content)
    assert exported["totals"]["deployments"] == 6  # submitted and reviewed
    assert [group["key"]["force"] for group in exported["groups"]] == ["EVC", "NMP"]


def test_a_force_user_cannot_report_on_another_force_by_its_code():
    user = personas.recorder("NMP")
    for params in ({"force": "EVC"}, {"force": ["NMP", "EVC"], "group_by": "force"}):
        response = admin_client_for(user).get(REPORT, params)
        assert "report" not in response.context
        (error,) = response.context["filter_errors"]
        assert error[0] == "force" and "EVC is not one of the available choices" in error[1][0]
    published = Deployment.objects.filter(force__code="NMP", status__in=PUBLISHED_STATUSES)
    assert admin_report(user, {"group_by": "force"})["totals"]["deployments"] == published.count()
    assert published.count() == 5


def test_a_filter_a_report_cannot_take_is_refused_not_ignored():
    client = admin_client_for(personas.commissioner())
    response = client.get(REPORT, {"year": "2025", "kind": "van"})
    assert "report" not in response.context
    assert response.context["filter_errors"] == [("kind", ["A report cannot be filtered by this."])]
