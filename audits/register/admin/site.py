"""What the apps above the register add to the admin site without the register importing them:
pages of their own on the site's URLs, panels on the dashboard, and on a record's page the
parts of its story they hold (findings, commissioner reviews) and the steps they offer."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import URLPattern

# Each returns URL patterns to add to the admin site (so they share its namespace, its login
# requirement and its look); called when the URLs are first loaded, after every admin module.
SITE_URLS: list[Callable[[admin.AdminSite], list[URLPattern]]] = []


@dataclass(frozen=True)
class DashboardPanel:
    """A section of the dashboard: a template and the context it is rendered with."""

    order: int
    template: str
    context: Callable[[HttpRequest], dict[str, Any]]


DASHBOARD_PANELS: list[DashboardPanel] = []


@dataclass(frozen=True)
class Step:
    """A step a record's page offers: a link (a page of its own) or a button (a POST), with
    `refusal` saying why this user may not take it (and who may) when they may not."""

    label: str
    url: str
    post: bool = False
    refusal: str = ""


@dataclass(frozen=True)
class RecordPanel:
    """A part of a record's story: a template and its context, or None when it does not apply
    to this record (a commissioner review to a watchlist)."""

    order: int
    template: str
    context: Callable[[HttpRequest, Model], dict[str, Any] | None]


RECORD_PANELS: list[RecordPanel] = []
# Each gives the steps an app offers on a record's page (open a commissioner review).
RECORD_STEPS: list[Callable[[HttpRequest, Model], list[Step]]] = []


def record_panel_add(panel: RecordPanel) -> None:
    RECORD_PANELS.append(panel)
    RECORD_PANELS.sort(key=lambda each: each.order)


def record_steps_add(steps: Callable[[HttpRequest, Model], list[Step]]) -> None:
    RECORD_STEPS.append(steps)


@dataclass(frozen=True)
class QueueItem:
    """A kind of work waiting for the user on the admin index: how many, and the list of them."""

    label: str
    count: int
    url: str


# Each gives what waits for the user in one app (drafts to submit, questions to answer).
QUEUES: list[Callable[[HttpRequest], list[QueueItem]]] = []


def queue_add(queue: Callable[[HttpRequest], list[QueueItem]]) -> None:
    QUEUES.append(queue)


def queue_of(request: HttpRequest) -> list[QueueItem]:
    """What waits for this user, the kinds with nothing waiting left out."""
    return [item for queue in QUEUES for item in queue(request) if item.count]


def _with_queue(original: Callable[..., Any]) -> Callable[..., Any]:
    def index(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return original(request, {**(extra_context or {}), "queue": queue_of(request)})

    return index


def site_urls_add(build: Callable[[admin.AdminSite], list[URLPattern]]) -> None:
    SITE_URLS.append(build)


def dashboard_panel_add(panel: DashboardPanel) -> None:
    DASHBOARD_PANELS.append(panel)
    DASHBOARD_PANELS.sort(key=lambda each: each.order)


def _with_added_urls(original: Callable[[], list]) -> Callable[[], list]:
    def get_urls() -> list:
        return [*(p for build in SITE_URLS for p in build(admin.site)), *original()]

    return get_urls


admin.site.get_urls = _with_added_urls(admin.site.get_urls)  # type: ignore[method-assign]
admin.site.index = _with_queue(admin.site.index)  # type: ignore[method-assign]
