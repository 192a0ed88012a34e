"""API test helpers: a client per persona, authenticated with that persona's own token."""

import pytest
from django.core.cache import cache
from knox.models import get_token_model
from rest_framework.test import APIClient

from tests import personas


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _instance, token = get_token_model().objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def error_of(response) -> dict:
    """The error body, after checking it has the one shape of the API."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"status", "code", "message", "fields"} <= set(error), error
    assert error["status"] == response.status_code
    return error


def fields_of(response) -> set[str]:
    return {entry["field"] for entry in error_of(response)["fields"]}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache, which outlives each test's rolled-back transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nmp(db) -> APIClient:
    return client_for(personas.recorder("NMP"))


@pytest.fixture
def nmp_reviewer(db) -> APIClient:
    return client_for(personas.reviewer("NMP"))


@pytest.fixture
def commissioner(db) -> APIClient:
    return client_for(personas.commissioner())


@pytest.fixture
def auditor(db) -> APIClient:
    return client_for(personas.auditor())


@pytest.fixture
def anonymous(db) -> APIClient:
    return APIClient()
