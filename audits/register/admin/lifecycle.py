"""A record's page tells its story and offers its steps: what this user may do to it now (submit
or approve, mark reviewed, amend, withdraw, and the steps other apps add), and for each step
they may not take, which role can. A step refused is a page that says so, never a bare 403.

The story's parts are panels (register.admin.site.RECORD_PANELS): the register's own are the
amendments, the post-deployment reviews and the ledger events; compliance adds the findings and
oversight the commissioner reviews.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from audits.ledger.models import LedgerEvent
from audits.register.admin.site import (
    RECORD_PANELS,
    RECORD_STEPS,
    QueueItem,
    RecordPanel,
    Step,
    queue_add,
)
from audits.register.admin.site import record_panel_add as _add
from audits.register.models import (
    Amendment,
    Authorisation,
    Deployment,
    Force,
    Search,
    Status,
    Watchlist,
)
from audits.register.models.base import Record
from audits.register.scoping import may_write, owning_force, scope
from audits.register.services.changes import object_label
from audits.register.services.records import submit_permission

ALL_FORCES = "view_all_forces"
# How many of a record's ledger events its page lists (the ledger's own list has every one).
EVENTS_SHOWN = 20


def who_can(permission: str, force: Force | None) -> str:
    """The roles that hold `permission`, as a sentence's subject: "A Force reviewer of NMP".
    Read from the groups as they stand (an administrator may have changed a role)."""
    app_label, codename = permission.split(".")
    groups = (
        Group.objects.filter(
            permissions__codename=codename, permissions__content_type__app_label=app_label
        )
        .exclude(name="Administrator")
        .order_by("name")
        .distinct()
    )
    across = set(
        Group.objects.filter(permissions__codename=ALL_FORCES).values_list("name", flat=True)
    )
    named = [
        name if name in across or force is None else f"{name} of {force.code}"
        for name in groups.values_list("name", flat=True)
    ]
    if not named:
        return "Only an administrator"
    sentence = " or ".join(_article(name) for name in named)
    return sentence[0].upper() + sentence[1:]


def _article(name: str) -> str:
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def step_refusal(request: HttpRequest, obj: Record, permission: str, verb: str) -> str:
    """Why this user may not `verb` the record ("" when they may)."""
    if request.user.has_perm(permission) and may_write(request.user, obj):
        return ""
    return f"{who_can(permission, owning_force(obj))} can {verb} it."


# What each step needs of the record's status, and the rule the page gives when it is not so.
NEEDS = {
    "submit": ({Status.DRAFT}, "only a draft is submitted"),
    "mark_reviewed": ({Status.SUBMITTED}, "only a submitted record is marked reviewed"),
    "amend": (
        {Status.SUBMITTED, Status.REVIEWED},
        "only a submitted record is amended (a draft is edited on its page)",
    ),
    "withdraw": ({Status.DRAFT, Status.SUBMITTED, Status.REVIEWED}, "it is withdrawn already"),
}


def state_refusal(obj: Record, step: str) -> str:
    """Why no one may take `step` on the record in its present state ("" when one may)."""
    statuses, rule = NEEDS[step]
    if obj.status in statuses:
        return ""
    return f"{obj} is {obj.get_status_display().lower()}: {rule}."


def step_permission(obj: Record, step: str) -> str:
    return {
        "submit": submit_permission(obj),
        "mark_reviewed": "register.mark_reviewed",
        "amend": "register.amend_record",
        "withdraw": "register.withdraw_record",
    }[step]


def step_verb(obj: Record, step: str) -> str:
    if step == "submit":
        return "approve" if submit_permission(obj).endswith("approve_authorisation") else "submit"
    return {"mark_reviewed": "mark reviewed", "amend": "amend", "withdraw": "withdraw"}[step]


# The register's own steps: (step, label, a POST button rather than a page of its own)
STEPS = (
    ("submit", "{Verb} (locks it)", True),
    ("mark_reviewed", "Mark reviewed", True),
    ("amend", "Amend (with a reason)", False),
    ("withdraw", "Withdraw (with a reason)", False),
)


def record_steps(request: HttpRequest, obj: Record, url: Any) -> list[Step]:
    """The steps the record's present state allows, each with this user's refusal if any;
    `url(obj, step)` is the step's own page."""
    steps = []
    for step, label, post in STEPS:
        if state_refusal(obj, step):
            continue
        verb = step_verb(obj, step)
        refusal = step_refusal(request, obj, step_permission(obj, step), verb)
        steps.append(Step(label.format(Verb=verb.capitalize()), url(obj, step), post, refusal))
    for more in RECORD_STEPS:
        steps.extend(more(request, obj))
    return steps


def refused(
    request: HttpRequest, title: str, reason: str, obj: Model | None = None, back: str = ""
) -> TemplateResponse:
    """The page of a step this user may not take: what, why, who can, the user's own roles,
    and the way back (to the record, or to the start page)."""
    user = request.user
    roles = list(user.groups.values_list("name", flat=True)) if user.is_authenticated else []
    context = {
        **admin.site.each_context(request),
        "title": title,
        "reason": reason,
        "roles": roles,
        "original": obj,
        "change_url": back,
    }
    return TemplateResponse(request, "admin/audits/refused.html", context, status=403)


def story(request: HttpRequest, obj: Model) -> list[tuple[str, dict[str, Any]]]:
    """The panels of the record's story that apply to it, in order."""
    shown = []
    for panel in RECORD_PANELS:
        context = panel.context(request, obj)
        if context is not None:
            shown.append((panel.template, context))
    return shown


# -- the register's own panels


def _amendments(request: HttpRequest, obj: Model) -> dict[str, Any] | None:
    if not isinstance(obj, Record):
        return None
    kind = ContentType.objects.get_for_model(obj)
    rows = Amendment.objects.filter(content_type=kind, object_id=obj.pk).select_related(
        "amended_by"
    )
    return {"amendments": rows.order_by("amended_at", "pk")}


def _reviews(request: HttpRequest, obj: Model) -> dict[str, Any] | None:
    if not isinstance(obj, Deployment):
        return None
    rows = obj.reviews.order_by("reviewed_at", "pk")
    add = reverse("admin:register_postdeploymentreview_add") + f"?deployment={obj.pk}"
    may_add = request.user.has_perm("register.add_postdeploymentreview") and may_write(
        request.user, obj
    )
    return {
        "reviews": [
            (review, reverse("admin:register_postdeploymentreview_change", args=[review.pk]))
            for review in rows
        ],
        "add_url": add if may_add else "",
        "who_adds": ""
        if may_add
        else who_can("register.add_postdeploymentreview", owning_force(obj)),
    }


def _ledger(request: HttpRequest, obj: Model) -> dict[str, Any] | None:
    """The record's own events, for anyone who reads the record; the ledger itself (every
    event, and verification) for those who may read it."""
    events = LedgerEvent.objects.filter(object_type=object_label(obj), object_id=str(obj.pk))
    query = f"object_type={object_label(obj)}&object_id={obj.pk}"
    whole = request.user.has_perm("ledger.view_ledgerevent")
    return {
        "events": list(events.order_by("-seq")[:EVENTS_SHOWN]),
        "count": events.count(),
        "all_url": f"{reverse('admin:ledger_ledgerevent_changelist')}?{query}" if whole else "",
    }


_add(RecordPanel(20, "admin/audits/record_amendments.html", _amendments))
_add(RecordPanel(30, "admin/audits/record_reviews.html", _reviews))
_add(RecordPanel(90, "admin/audits/record_ledger.html", _ledger))


# -- what waits for each user (the admin index)

QUEUED = (
    # (model, status, permission, label)
    (Authorisation, Status.DRAFT, "register.approve_authorisation", "Authorisations to approve"),
    (Deployment, Status.DRAFT, "register.submit_record", "Draft deployments to submit"),
    (Watchlist, Status.DRAFT, "register.submit_record", "Draft watchlists to submit"),
    (Search, Status.DRAFT, "register.submit_record", "Draft searches to submit"),
    (Deployment, Status.SUBMITTED, "register.mark_reviewed", "Deployments to mark reviewed"),
)


def _register_queue(request: HttpRequest) -> list[QueueItem]:
    """Records waiting for a step this user may take, in their scope."""
    user = request.user
    items = []
    for model, status, permission, label in QUEUED:
        if not user.has_perm(permission) or user.has_perm("register.view_all_forces"):
            continue  # those who read every force take no force's steps
        count = scope(model._default_manager.filter(status=status), user).count()
        url = reverse(f"admin:register_{model._meta.model_name}_changelist")
        items.append(QueueItem(label, count, f"{url}?status={status}"))
    return items


queue_add(_register_queue)
