"""A list page costs a fixed number of queries, however many rows it shows (no N+1)."""

import pytest

pytestmark = pytest.mark.django_db

LISTS = [
    "authorisations",
    "watchlists",
    "deployments",
    "device-sessions",
    "alerts",
    "searches",
    "post-deployment-reviews",
    "policy-profiles",
    "rules",
    "findings",
    "amendments",
    "ledger-events",
    "forces",
    "use-cases",
    "outcomes",
]
# Authentication (token, user, permissions, membership), the page, and a prefetch or two.
BUDGET = 12


@pytest.mark.parametrize("path", LISTS)
def test_a_page_of_a_list_has_a_fixed_query_budget(
    admin_client, path, django_assert_max_num_queries
):
    url = f"/api/v1/{path}/"
    admin_client.get(url)  # warm caches (content types) that every later request shares
    with django_assert_max_num_queries(BUDGET):
        response = admin_client.get(url, {"page_size": 200})
    assert response.status_code == 200
