"""One source for a deployment's alert figures: where a deployment has alert rows, a difference
between its recorded totals (alerts, true and false) and its rows is a finding on the record
when it is submitted, a data-quality flag in every report, and both over the API. The two
alerts imported into a draft that made one report say 485 alerts and 487 in its demographic
tables, without a word."""

import pytest
from django.contrib.contenttypes.models import ContentType

from audits.compliance.models import Finding
from audits.register.models import AlertKind, Deployment
from audits.register.services.records import record_amend, record_create, record_submit
from audits.reporting.renderers.html_render import render_html
from audits.reporting.services import report_build
from tests import factories as make
from tests import personas
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def alerts(deployment: Deployment, kinds: list[str]) -> None:
    for number, kind in enumerate(kinds):
        engaged = kind in (AlertKind.TRUE_CONFIRMED, AlertKind.FALSE_CONFIRMED)
        alert = make.alert(deployment, kind=kind, engaged=engaged, external_id=f"A{number}")
        record_create(user=None, instance=alert)


def findings(deployment: Deployment) -> list[Finding]:
    kind = ContentType.objects.get_for_model(Deployment)
    return list(
        Finding.objects.filter(
            content_type=kind, object_id=deployment.pk, rule__check_name="alert_rows_agree"
        )
    )


@pytest.fixture
def drafted() -> Deployment:
    # Recorded totals: 11 alerts, 10 true (7 + 3), 1 false. Rows: 12, of them 9 true, 3 false.
    deployment = record_create(user=None, instance=make.deployment(force=make.force("ARF")))
    kinds = [AlertKind.TRUE_CONFIRMED] * 9 + [AlertKind.FALSE_CONFIRMED] * 2
    kinds.append(AlertKind.FALSE_UNCONFIRMED)
    alerts(deployment, kinds)
    return deployment


def test_a_submitted_deployment_whose_totals_differ_from_its_rows_has_a_finding(drafted):
    assert findings(drafted) == []  # drafts are never judged
    record_submit(user=None, instance=drafted)
    (finding,) = findings(drafted)
    assert (finding.state, finding.severity) == (Finding.State.OPEN, "major")
    assert finding.message == (
        "The recorded alert totals differ from its alert rows: alerts 11, alert rows 12; "
        "true alerts 10, alert rows 9; false alerts 1, alert rows 3."
    )
    # Put right by an amendment to the totals (the record is never overwritten): resolved.
    record_amend(
        user=None,
        instance=Deployment.objects.get(pk=drafted.pk),
        data={
            "total_alerts": 12,
            "true_confirmed": 9,
            "true_unconfirmed": 0,
            "false_confirmed": 2,
            "false_unconfirmed": 1,
        },
        reason="Totals taken from the alert rows",
    )
    (finding,) = findings(drafted)
    assert finding.state == Finding.State.RESOLVED


def test_rows_that_agree_raise_nothing():
    deployment = record_create(user=None, instance=make.deployment(force=make.force("ARF")))
    kinds = [AlertKind.TRUE_CONFIRMED] * 7 + [AlertKind.TRUE_UNCONFIRMED] * 3
    alerts(deployment, [*kinds, AlertKind.FALSE_CONFIRMED])
    record_submit(user=None, instance=deployment)
    assert findings(deployment) == []
    # A deployment without alert rows has only its totals: nothing to weigh them against.
    bare = record_create(
        user=None, instance=make.deployment(force=make.force("ARF"), reference="T-D-2")
    )
    record_submit(user=None, instance=bare)
    assert findings(bare) == []


def test_every_report_names_the_difference(drafted):
    # A draft is not judged, but a report that includes it says where its figures part.
    report = report_build(user=None, params={"force": "ARF", "include_drafts": "true"})
    flags = [flag for flag in report.data_quality if flag.check == "alert_rows_differ"]
    assert [flag.message for flag in flags] == [
        "T-D-1: the recorded totals differ from its alert rows: alerts 11, alert rows 12; "
        "true alerts 10, alert rows 9; false alerts 1, alert rows 3"
    ]
    assert report.alert_rows_differ == 1
    html = render_html(report).decode()
    assert "For 1 deployment the two differ: Appendix A names each one" in html
    # The two figures it explains: the summary counts 11 alerts, the demographic tables 12.
    assert report.totals.alerts == 11
    sex = report.demographics["perceived_sex"]
    assert sum(group.alerts for group in sex.groups) + sex.unknown_kind == 12


def test_the_api_gives_the_finding_and_the_flag(drafted):
    record_submit(user=None, instance=drafted)
    api = client_for(personas.commissioner())
    report = api.get("/api/v1/reports/", {"force": "ARF"}).json()
    assert [flag["check"] for flag in report["data_quality"]] == ["alert_rows_differ"]
    found = api.get("/api/v1/findings/", {"page_size": 100}).json()["results"]
    ours = [row["message"] for row in found if row["check_name"] == "alert_rows_agree"]
    assert ours == [findings(drafted)[0].message]


def test_findings_filter_by_their_records_own_year_and_deployments_by_open_findings(drafted):
    record_submit(user=None, instance=drafted)  # dated 3 June 2025; its findings seen today
    api = client_for(personas.commissioner())

    def findings_of(**params) -> set[str]:
        rows = api.get("/api/v1/findings/", {"page_size": 1000, **params}).json()["results"]
        return {row["record_label"] for row in rows}

    assert str(drafted) in findings_of(record_year=2025)
    assert str(drafted) not in findings_of(record_year=2024)
    listed = api.get("/api/v1/deployments/", {"open_findings": "true", "force": "ARF"}).json()
    assert [row["reference"] for row in listed["results"]] == ["T-D-1"]
    none = api.get("/api/v1/deployments/", {"open_findings": "false", "force": "ARF"}).json()
    assert none["results"] == []
