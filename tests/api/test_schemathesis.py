"""Schemathesis against the live schema, inside the test run: every operation, requests made
in-process through the WSGI application (so in the test's own database transaction, on the demo
data), as a force recorder with a token; and the oversight operations (findings, commissioner
reviews and their steps), which refuse a recorder, again as a commissioner. No 5xx, and no
response that breaks the schema.

Bounded to finish in a few minutes: few examples per operation, derandomized (the same cases on
every run, so a failure here is reproducible, not flaky), no stateful phase.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.wsgi import application
from tests import personas
from tests.api.conftest import client_for

MAX_EXAMPLES = 10
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "deterministic": True},
        "phases": {"stateful": {"enabled": False}},
    }
)
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_test_transaction():
    """Keep the WSGI requests on the test's connection, as Django's test client does: at the end
    of a request Django closes a connection that is inside a transaction (on PostgreSQL), which
    would end the test's own transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def recorder_token(db) -> str:
    client = client_for(personas.recorder("NMP"))
    return client._credentials["HTTP_AUTHORIZATION"]


@pytest.fixture
def commissioner_token(db) -> str:
    client = client_for(personas.commissioner())
    return client._credentials["HTTP_AUTHORIZATION"]


# Loaded when the module is collected: building the schema reads no database. (A lazy
# `schemathesis.pytest.from_fixture` would be neater, but fails under pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


@schema.parametrize()
@BOUNDED
@pytest.mark.django_db
def test_the_api_keeps_to_its_schema(case, recorder_token, in_test_transaction):
    case.call_and_validate(headers={"Authorization": recorder_token}, checks=CHECKS)


@schema.include(path_regex="^/api/v1/(findings|commissioner-reviews)/").parametrize()
@BOUNDED
@pytest.mark.django_db
def test_the_oversight_operations_keep_to_the_schema_for_a_commissioner(
    case, commissioner_token, in_test_transaction
):
    case.call_and_validate(headers={"Authorization": commissioner_token}, checks=CHECKS)
