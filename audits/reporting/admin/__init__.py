"""The report page and the dashboard, on the admin site."""

from functools import partial

from django.contrib import admin
from django.urls import URLPattern, path

from audits.register.admin.site import site_urls_add
from audits.register.models import Deployment
from audits.reporting.admin.dashboard import dashboard_view
from audits.reporting.admin.reports import report_view


def _reporting_urls(site: admin.AdminSite) -> list[URLPattern]:
    # The deployments' admin gives the report its scoped queryset and the pages their context.
    deployments = site._registry[Deployment]
    return [
        path(
            "reporting/report/",
            site.admin_view(partial(report_view, deployments)),
            name="reporting_report",
        ),
        path(
            "reporting/dashboard/",
            site.admin_view(partial(dashboard_view, deployments)),
            name="reporting_dashboard",
        ),
    ]


site_urls_add(_reporting_urls)
