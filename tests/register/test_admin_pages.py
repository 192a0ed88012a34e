"""Every admin list and change page answers 200 with the persona register, in bounded queries."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories as make

pytestmark = pytest.mark.django_db

# Generous enough for filters and inlines, tight enough to catch a query per row (N+1): a list
# page shows 50 rows, so one query per row would blow through it.
QUERY_BUDGET = 30

MODEL_ADMINS = sorted(
    ((model._meta.app_label, model._meta.model_name) for model in admin.site._registry),
)


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_the_list_page_answers_within_the_query_budget(
    admin_client, django_assert_max_num_queries, app_label, model_name
):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = admin_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), MODEL_ADMINS)
def test_the_change_page_of_a_record_answers_within_the_query_budget(
    admin_client, django_assert_max_num_queries, app_label, model_name
):
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    record = model.objects.order_by("pk").first()
    assert record is not None, f"the persona register has no {model_name}"
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[record.pk])
    with django_assert_max_num_queries(QUERY_BUDGET * 2):
        response = admin_client.get(url)
    assert response.status_code == 200


def test_the_deployment_list_shows_false_alert_rates_with_intervals(admin_client):
    # Oxford Circus, 28 Jan 2022: 1 false alert in 12,120 faces (domain reference, section 4).
    make.saved_deployment(reference="OXC-2022", faces_seen=12120, total_alerts=11)
    response = admin_client.get(reverse("admin:register_deployment_changelist"), {"q": "OXC-2022"})
    text = response.content.decode()
    assert "TST, Oxford Circus, 2025-06-03" in text
    assert "0.0083% (0.0015% to 0.047%), 1 in 12,120" in text
    assert "9.09% (1.62% to 37.74%)" in text


@pytest.mark.parametrize(
    "params",
    [
        {"force": "NMP"},
        {"kind": "bodycam"},
        {"year": "2025"},
        {"threshold": "0.64"},
        {"q": "Market"},
        {"from": "2024-01-01", "to": "2024-12-31"},
    ],
)
def test_the_deployment_list_filters_answer(admin_client, params):
    response = admin_client.get(reverse("admin:register_deployment_changelist"), params)
    assert response.status_code == 200  # an unknown filter would redirect to ?e=1
    assert response.context["cl"].result_count > 0
