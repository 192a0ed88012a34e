"""One FilterSet per entity: what a user filtered is exactly what is listed and exported."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import RequestFactory

from audits.register.filtersets import DeploymentFilterSet, report_selection
from audits.register.models import Deployment, Status
from audits.register.scoping import scope
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


def test_a_report_in_a_users_scope_covers_their_force_less_withdrawn_records():
    user = personas.recorder("EVC")
    reported = report_selection(filterset("year=2024", user)).deployments
    expected = Deployment.objects.filter(force__code="EVC", date__year=2024).exclude(
        status=Status.WITHDRAWN
    )
    assert expected.exists()
    assert set(reported.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True))


def test_a_year_becomes_the_report_period():
    assert report_selection(filterset("year=2024&force=NMP&mode=lfr")).filters == {
        "from": "2024-01-01",
        "to": "2024-12-31",
        "force": ["NMP"],
        "mode": ["lfr"],
        "status": ["reviewed", "submitted"],  # which records are counted
    }
    narrowed = report_selection(filterset("year=2024&from=2024-05-01&to=2025-02-01")).filters
    assert (narrowed["from"], narrowed["to"]) == ("2024-05-01", "2024-12-31")


def test_a_filter_a_report_cannot_apply_is_refused_not_ignored():
    with pytest.raises(ValidationError) as refused:
        report_selection(filterset("status=draft&kind=van&force=NMP"))
    assert set(refused.value.message_dict) == {"status", "kind"}


def test_invalid_parameters_are_refused():
    with pytest.raises(ValidationError) as refused:
        report_selection(filterset("year=nineteen&mode=drone"))
    assert set(refused.value.message_dict) == {"year", "mode"}


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError) as refused:
        report_selection(filterset("from=2024-06-01&to=2024-05-31"))
    (message,) = refused.value.message_dict["from"]
    assert "2024-06-01 is after the last day (2024-05-31)" in message


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
