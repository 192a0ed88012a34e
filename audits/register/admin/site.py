"""What the apps above the register add to the admin site without the register importing them:
pages of their own on the site's URLs, and panels on the dashboard."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
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
