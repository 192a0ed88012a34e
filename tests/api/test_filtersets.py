"""One FilterSet per entity: what a user filtered is exactly what is listed and exported."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import RequestFactory

from audits.filtersets import DeploymentFilterSet, report_filters
from audits.models import Deployment, Status
from audits.scoping import scope
from audits.selectors import ReportFilters, report_deployments
from tests import personas

pytestmark = pytest.mark.django_db


def filterset(query: str, user=None) -> DeploymentFilterSet:
    request = None
    queryset = Deployment.objects.all()
    if user is not None:
        request = RequestFactory().get("/", QueryDict(query))
        request.user = user
        queryset = scope(queryset, user)
    return DeploymentFilterSet(QueryDict(query), queryset, request=request)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "force=NMP",
        "force=NMP&force=EVC",
        "mode=bodycam",
        "from=2024-03-01&to=2024-09-30",
        "year=2025",
        "year=2025&from=2025-06-01",
        "force=EVC&mode=lfr&year=2024",
    ],
)
def test_a_report_covers_exactly_the_deployments_the_same_parameters_list(query):
    shared = filterset(query)
    listed = set(shared.qs.exclude(status=Status.WITHDRAWN).values_list("pk", flat=True))
    reported = set(report_deployments(report_filters(shared)).values_list("pk", flat=True))
    assert listed == reported and (listed or query == "force=EVC&mode=lfr&year=2024")


def test_the_same_holds_in_a_users_scope():
    user = personas.recorder("EVC")
    shared = filterset("year=2024", user)
    listed = set(shared.qs.exclude(status=Status.WITHDRAWN).values_list("pk", flat=True))
    reported = report_deployments(report_filters(shared), user)
    assert listed == set(reported.values_list("pk", flat=True))
    assert set(reported.values_list("force__code", flat=True)) == {"EVC"}


def test_a_year_becomes_the_report_period():
    assert report_filters(filterset("year=2024&force=NMP&mode=lfr")) == ReportFilters(
        date_from=date(2024, 1, 1), date_to=date(2024, 12, 31), forces=["NMP"], modes=["lfr"]
    )
    narrowed = report_filters(filterset("year=2024&from=2024-05-01&to=2025-02-01"))
    assert (narrowed.date_from, narrowed.date_to) == (date(2024, 5, 1), date(2024, 12, 31))


def test_a_filter_a_report_cannot_apply_is_refused_not_ignored():
    with pytest.raises(ValidationError) as refused:
        report_filters(filterset("status=draft&kind=van&force=NMP"))
    assert set(refused.value.message_dict) == {"status", "kind"}


def test_invalid_parameters_are_refused():
    with pytest.raises(ValidationError) as refused:
        report_filters(filterset("year=nineteen&mode=drone"))
    assert set(refused.value.message_dict) == {"year", "mode"}


def test_a_user_may_choose_only_the_forces_they_read():
    recorder = personas.recorder("NMP")
    assert not filterset("force=EVC", recorder).is_valid()
    assert filterset("force=NMP", recorder).is_valid()
    assert filterset("force=EVC&force=NMP", personas.commissioner()).is_valid()


def test_filters_narrow_the_list_as_named():
    van = Deployment.objects.filter(force__code="NMP", kind="van", status="submitted").first()
    threshold = van.threshold
    shared = filterset(f"force=NMP&mode=lfr&status=submitted&threshold={threshold}")
    expected = Deployment.objects.filter(
        force__code="NMP", kind__in=["van", "fixed"], status="submitted", threshold=threshold
    )
    assert expected.exists()
    assert set(shared.qs) == set(expected)
