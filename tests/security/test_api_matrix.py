"""The API persona matrix, generated from the OpenAPI schema: every (path, method) is a cell,
called by every persona with force A's (or another force's) ids. No 2xx on another force's
object, no other force's rows in a list, no writes by commissioners and auditors beyond the
oversight actions their role owns, 401 for anonymous."""

import re

import pytest
from django.core.cache import cache
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from tests.security.matrix import (
    FORCE_A,
    FORCE_B,
    HARMLESS_ACTIONS,
    all_personas,
    api_client_for,
    ledger_actions_since,
    ledger_head,
    owner_code,
)
from tests.security.test_admin_matrix import _target

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = sorted(
    (path, method) for path, ops in SCHEMA["paths"].items() for method in ops if method in METHODS
)
# The one table of expectations allowed to differ: oversight writes their role owns.
OVERSIGHT_WRITES = {
    ("commissioner", "post", r"^/api/v1/commissioner-reviews/$"),
    (
        "commissioner",
        "post",
        r"^/api/v1/commissioner-reviews/\{id\}/"
        r"(request-information|assess|sign-off|return)/$",
    ),
    ("commissioner", "post", r"^/api/v1/findings/\{id\}/assign/$"),
}
PUBLIC = {r"^/api/v1/auth/token/$", r"^/api/v1/schema/", r"^/api/v1/docs/"}
PARENTS = {"deployment_pk": "deployment_id", "watchlist_pk": "watchlist_id"}
BODY = {"reason": "Persona matrix", "text": "Persona matrix", "assessment": "Persona matrix"}


def _allowed(persona: str, method: str, path: str) -> bool:
    return any(p == persona and m == method and re.match(r, path) for p, m, r in OVERSIGHT_WRITES)


def _model_of(path: str):
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    view = resolve(concrete).func
    cls = getattr(view, "cls", None)
    queryset = getattr(cls, "queryset", None)
    return queryset.model if queryset is not None else None


def _fill(path: str, obj) -> str:
    def value(match):
        name = match[1]
        if name in PARENTS:
            return str(getattr(obj, PARENTS[name]))
        return str(obj.pk)

    return re.sub(r"\{([^}]+)\}", value, path)


def _snapshot(model, obj):
    row = model._default_manager.filter(pk=obj.pk).values().first() if obj is not None else None
    return model._default_manager.count(), row


def _foreign_rows(model, response, persona) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return []
    results = body.get("results") if isinstance(body, dict) else body
    if not isinstance(results, list) or model is None:
        return []
    key = model._meta.pk.name
    ids = [row.get(key, row.get("id")) for row in results if isinstance(row, dict)]
    rows = model._default_manager.filter(pk__in=[i for i in ids if i is not None])
    return sorted(
        {
            f"{model._meta.model_name}#{row.pk} of {code}"
            for row in rows
            if (code := owner_code(row)) is not None and code != persona.force
        }
    )[:5]


@pytest.fixture
def cast():
    return all_personas((FORCE_A, FORCE_B))


def test_the_schema_has_the_operations():
    assert len(OPERATIONS) > 60, OPERATIONS


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op[1].upper()} {op[0]}")
def test_api_cell(operation, cast):
    path, method = operation
    model = _model_of(path)
    has_params = "{" in path
    obj = _target(model) if model is not None else None
    if has_params:
        assert obj is not None, f"no {model} row to aim {path} at"
    url = _fill(path, obj) if has_params else path
    owner = owner_code(obj) if obj is not None and has_params else None
    public = any(re.match(r, path) for r in PUBLIC)
    problems = []
    for persona in cast.values():
        cache.clear()  # throttle counters outlive the rolled-back transaction
        client = api_client_for(persona.user)
        head, before = ledger_head(), _snapshot(model, obj) if model is not None else None
        params = {"page_size": 1000} if method == "get" and not has_params else None
        if method == "get":
            response = client.get(url, params)
        else:
            response = getattr(client, method)(url, BODY, format="json")
        status = response.status_code
        ok = 200 <= status < 300
        if persona.user is None:
            if not public and status != 401:
                problems.append(f"anonymous {method} -> {status}")
            continue
        outsider = persona.force is not None and owner is not None and persona.force != owner
        if outsider and ok:
            problems.append(
                f"{persona.name} {method} {owner}'s {model._meta.model_name} -> {status}"
            )
        if (
            ok
            and persona.force
            and method == "get"
            and (foreign := _foreign_rows(model, response, persona))
        ):
            problems.append(f"{persona.name} GET lists {foreign}")
        if method == "get" or model is None:
            continue
        after = _snapshot(model, obj)
        new_events = [a for a in ledger_actions_since(head) if a not in HARMLESS_ACTIONS]
        oversight = persona.oversight and not _allowed(persona.name, method, path)
        if oversight and ok:
            problems.append(f"{persona.name} {method} -> {status} (oversight may not write)")
        if (outsider or oversight) and (after != before or new_events):
            problems.append(
                f"{persona.name} {method} changed {owner or 'shared'} "
                f"{model._meta.model_name}: {new_events[:3]} ({status})"
            )
    assert problems == [], "\n".join(problems)
