"""The admin persona matrix, generated from the URL resolver: every pattern under admin: is a
cell, tried by every persona with GET and a plausible POST. No read or write across forces;
commissioners and auditors change nothing their role does not own; anonymous goes to login."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audits.ledger.models import LedgerEvent
from audits.oversight import services as reviews
from audits.register.models import Deployment, Status
from tests import personas as people
from tests.security.matrix import (
    FORCE_A,
    FORCE_B,
    HARMLESS_ACTIONS,
    all_personas,
    client_for,
    ledger_actions_since,
    ledger_head,
    owner_code,
)

pytestmark = pytest.mark.django_db


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.name


ADMIN_ROUTES = sorted(
    {(route, name or "") for route, ns, name in _walk(get_resolver().url_patterns) if ns == "admin"}
)

# The admin site's own pages, by name; a new one fails test_every_admin_route_is_classified.
SITE_PAGES = {
    "index": "list",
    "login": "public",
    "logout": "public",
    "password_change": "own",
    "password_change_done": "own",
    "autocomplete": "autocomplete",
    "jsi18n": "public",
    "view_on_site": "redirect",
    "app_list": "list",
    "reporting_dashboard": "list",  # the dashboard, a page the reporting app adds to the site
    "reporting_report": "list",  # the report page, likewise: figures in the user's scope
    # the signed-in user's own second factor (tests/accounts/test_sign_in.py)
    "two_factor_verify": "own",
    "two_factor_enrol": "own",
}
MODEL_VIEWS = {
    "changelist": "list",
    "add": "add",
    "change": "object",
    "delete": "object",
    "history": "object",
    "amend": "object",
    "withdraw": "object",
    "submit": "object",  # the buttons on a record's page
    "mark_reviewed": "object",
    "import": "import",
    "report": "list",
    "dashboard": "list",
    "step": "object",
    "config": "object",  # django-otp's device admin: a TOTP device's secret, as text and QR code
    "qrcode": "object",
    "state": "list",  # a row's state at an event: read by those who read the ledger
}
# Apps whose admin only the administrator uses: every other persona is refused outright.
ADMINISTRATOR_APPS = {"auth", "axes", "knox", "otp_totp", "otp_static"}
# The one table of expectations allowed to differ: oversight writes their role owns.
OVERSIGHT_WRITES = {
    ("commissioner", "oversight_commissionerreview_add"),
    ("commissioner", "oversight_commissionerreview_step"),
    ("commissioner", "compliance_finding_change"),  # assigning a finding in the queue
}
NAME = re.compile(r"^(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?P<view>[a-z_]+)$")


def classify(route: str, name: str) -> tuple[str, str | None, str | None]:
    """(kind, app_label, model_name) of an admin route; ("unclassified", ...) if unknown."""
    if name in SITE_PAGES:
        return SITE_PAGES[name], None, None
    if not name:
        if route.endswith("(?P<url>.*)$"):
            return "catch_all", None, None
        match = re.match(r"^admin/(\w+)/(\w+)/<path:object_id>/$", route)
        if match:
            return "object_redirect", match[1], match[2]
        return "unclassified", None, None
    match = NAME.match(name)
    if match:
        for view, kind in MODEL_VIEWS.items():
            if name.endswith(f"_{view}"):
                app, rest = name.split("_", 1)
                return kind, app, rest[: -len(view) - 1]
    return "unclassified", None, None


# Pages that show no force's records (the login and password pages, the catch-all, a user's own
# two-factor pages) are not cells of the matrix: the login tests cover them.
NO_FORCE_DATA = ("public", "catch_all", "redirect", "own")
CELLS = [cell for cell in ADMIN_ROUTES if classify(*cell)[0] not in NO_FORCE_DATA]


def cell_id(cell) -> str:
    route, name = cell
    return name or route.removeprefix("admin/")


@pytest.fixture
def cast():
    return all_personas((FORCE_A, FORCE_B))


def test_every_admin_route_is_classified():
    unknown = [cell_id(c) for c in ADMIN_ROUTES if classify(*c)[0] == "unclassified"]
    assert unknown == []
    assert len(CELLS) > 100  # the walk found the model admins, not only the site's pages


def test_the_pages_left_out_of_the_matrix_are_the_ones_without_force_data():
    left_out = sorted(cell_id(c) for c in ADMIN_ROUTES if c not in CELLS)
    expected = sorted(
        [name for name, kind in SITE_PAGES.items() if kind in NO_FORCE_DATA] + ["(?P<url>.*)$"]
    )
    assert left_out == expected


def _model_of(app: str, model_name: str):
    """The model behind a route's name: "otp" + "totp_totpdevice" is otp_totp's TOTPDevice, and
    "auth" + "user_password" is the user admin's password view, so the user."""
    parts = f"{app}_{model_name}".split("_")
    for cut in range(1, len(parts)):
        label, rest = "_".join(parts[:cut]), parts[cut:]
        for name in dict.fromkeys(["_".join(rest), rest[0]]):
            try:
                return apps.get_model(label, name)
            except LookupError:
                continue
    return None


def _target(model):
    """A row to aim at: force A's if it has one, else another force's, else any row."""
    rows = list(model._default_manager.order_by("pk")[:200])
    if not rows and model._meta.model_name == "commissionerreview":
        deployment = Deployment.objects.filter(force__code=FORCE_A, status=Status.SUBMITTED).first()
        rows = [
            reviews.review_open(
                user=people.commissioner("opener"), deployment=deployment, subject="Matrix"
            )
        ]
    for wanted in (FORCE_A, FORCE_B):
        for row in rows:
            if owner_code(row) == wanted:
                return row
    for row in rows:
        if owner_code(row) is not None:
            return row
    return rows[0] if rows else None


def _url(route: str, name: str, obj) -> str:
    kwargs = {}
    if "<path:object_id>" in route:
        kwargs["object_id"] = obj.pk
    if "<int:pk>" in route:
        kwargs["pk"] = obj.pk
    if "<str:name>" in route:
        kwargs["name"] = "assess"
    if "<id>" in route:
        kwargs["id"] = get_user_model().objects.order_by("pk").first().pk
    if "(?P<app_label>" in route:
        kwargs["app_label"] = "register"
    if "<str:table>" in route:  # a force's deployment, as the ledger's newest event left it
        deployment = Deployment.objects.filter(force__code=FORCE_A).order_by("pk").first()
        seq = LedgerEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        kwargs.update(table="audits_deployment", key=deployment.pk, seq=seq)
    return reverse(f"admin:{name}", kwargs=kwargs)


def _form_values(obj) -> dict:
    values = {}
    for key, value in model_to_dict(obj).items():
        if value is None:
            values[key] = ""
        elif isinstance(value, list):
            values[key] = [getattr(v, "pk", v) for v in value]
        else:
            values[key] = value
    return values


def _body(view: str, obj) -> dict:
    """A plausible POST: what a user who is allowed would send."""
    if view == "delete":
        return {"post": "yes"}
    if view == "withdraw":
        return {"reason": "Persona matrix withdrawal"}
    if view == "step":
        return {"text": "Persona matrix step"}
    if view == "changelist" and obj is not None:
        return {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    if obj is None:
        return {}
    values = _form_values(obj)
    if view == "amend":
        values["reason"] = "Persona matrix amendment"
        for field in ("notes", "location_name", "legal_basis", "approved_by", "concerns"):
            if field in values:
                values[field] = f"{values[field]} (amended by the matrix)"
                break
    return values


def _snapshot(model, obj) -> tuple:
    if model is LedgerEvent:  # refusals are written to it; count only the other events
        return LedgerEvent.objects.exclude(action__in=HARMLESS_ACTIONS).count(), None
    row = model._default_manager.filter(pk=obj.pk).values().first() if obj is not None else None
    return model._default_manager.count(), row


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/admin/login/" in response["Location"]


def _foreign_rows(response, persona) -> list[str]:
    """Rows of another force on a list page the persona was shown."""
    context = response.context
    if context is None or "cl" not in context:
        return []
    return sorted(
        {
            f"{type(row).__name__}#{row.pk} of {code}"
            for row in context["cl"].queryset
            if (code := owner_code(row)) is not None and code != persona.force
        }
    )[:5]


@pytest.mark.parametrize("cell", CELLS, ids=cell_id)
def test_admin_cell(cell, cast):
    route, name = cell
    kind, app, model_name = classify(route, name)
    view = name.rsplit("_", 1)[-1] if name else ""
    if name.endswith("_sign_off"):
        view = "step"
    if name.endswith("_mark_reviewed"):
        view = "mark_reviewed"
    model = _model_of(app, model_name) if app else None
    obj = (
        _target(model)
        if model is not None and kind in ("object", "object_redirect", "list", "add")
        else None
    )
    if kind in ("object", "object_redirect"):
        assert obj is not None, f"no {model_name} in the persona register"
    if kind == "object_redirect":
        url = reverse(f"admin:{app}_{model_name}_change", args=[obj.pk]).replace("change/", "")
    elif kind == "autocomplete":
        url = reverse("admin:autocomplete")
    else:
        url = _url(route, name, obj)
    owner = owner_code(obj) if obj is not None else None
    problems = []
    for persona in cast.values():
        client = client_for(persona.user)
        head, before = ledger_head(), _snapshot(model, obj) if model is not None else None
        got = client.get(url)
        if persona.user is None:
            if not _is_login_redirect(got):
                problems.append(f"anonymous GET -> {got.status_code}")
        elif (model._meta.app_label if model is not None else app) in ADMINISTRATOR_APPS:
            if got.status_code == 200:
                problems.append(f"{persona.name} GET administrator page -> {got.status_code}")
        elif kind in ("object", "object_redirect") and persona.force and persona.force != owner:
            if owner is not None and got.status_code == 200:
                problems.append(f"{persona.name} GET {owner}'s {model_name} -> 200")
        elif got.status_code == 200 and persona.force and (foreign := _foreign_rows(got, persona)):
            problems.append(f"{persona.name} GET lists {foreign}")
        posted = client.post(url, _body(view, obj))
        if persona.user is None and not _is_login_redirect(posted):
            problems.append(f"anonymous POST -> {posted.status_code}")
        if model is None:
            continue
        after = _snapshot(model, obj)
        new_events = [a for a in ledger_actions_since(head) if a not in HARMLESS_ACTIONS]
        outsider = persona.force is not None and owner is not None and persona.force != owner
        shared = owner is None and persona.force is not None
        allowed = (persona.name, name) in OVERSIGHT_WRITES
        if (outsider or shared or (persona.oversight and not allowed)) and (
            after != before or new_events
        ):
            what = "row changed" if after[1] != before[1] else "rows added/removed"
            if after == before:
                what = "ledger written"
            problems.append(
                f"{persona.name} POST changed {owner or 'shared'} {model_name}: {what} "
                f"{new_events[:3]} ({posted.status_code})"
            )
        if kind == "add" and persona.force and persona.force != owner and after[0] != before[0]:
            problems.append(f"{persona.name} POST add created a row from {owner}'s values")
    assert problems == [], "\n".join(problems)


def _autocomplete_fields():
    for model, model_admin in admin.site._registry.items():
        for field in model_admin.autocomplete_fields:
            yield model._meta.app_label, model._meta.model_name, field


@pytest.mark.parametrize(
    "source", sorted(set(_autocomplete_fields())), ids=lambda s: f"{s[1]}.{s[2]}"
)
def test_autocomplete_offers_only_the_personas_force(source, cast):
    app, model_name, field = source
    related = apps.get_model(app, model_name)._meta.get_field(field).related_model
    problems = []
    for persona in cast.values():
        if not persona.force:
            continue
        response = client_for(persona.user).get(
            reverse("admin:autocomplete"),
            {"app_label": app, "model_name": model_name, "field_name": field},
        )
        if response.status_code != 200:
            continue
        ids = [item["id"] for item in response.json()["results"]]
        rows = related._default_manager.filter(pk__in=ids)
        foreign = sorted(
            {
                code
                for row in rows
                if (code := owner_code(row)) is not None and code != persona.force
            }
        )
        if foreign:
            problems.append(f"{persona.name} is offered {related._meta.model_name} of {foreign}")
    assert problems == [], "\n".join(problems)
