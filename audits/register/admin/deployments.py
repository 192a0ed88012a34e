from functools import partial
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse

from audits.metrics import record as figures
from audits.metrics.formatting import one_in, rate_with_interval
from audits.register.admin.base import AuditedAdmin, AuditedInline, RecordAdmin
from audits.register.admin.filtersets import filterset_query
from audits.register.admin.imports import BatchImportMixin, import_view
from audits.register.filtersets import (
    REPORT_PARAMETERS,
    DeploymentFilterSet,
    DeviceSessionFilterSet,
)
from audits.register.models import (
    Alert,
    Deployment,
    DeviceSession,
    FacesSeenRevision,
    PublishedRow,
)
from audits.register.models.deployments import KINDS_OF_MODE


class FacesSeenRevisionInline(AuditedInline):
    model = FacesSeenRevision
    fields = ["value", "as_of", "source", "recorded_at"]
    readonly_fields = ["recorded_at"]
    verbose_name_plural = "faces-seen revisions (every published estimate is kept)"

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False  # a revision is history: a new estimate is a new row

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class PublishedRowInline(AuditedInline):
    """Where an imported record was printed, in each edition: written by the import only."""

    model = PublishedRow
    fields = ["publication", "page", "row", "printed_cells", "printed_flags"]
    readonly_fields = ["publication", "page", "row", "printed_cells", "printed_flags"]
    verbose_name_plural = "as published (each edition's row, its cells and its table's defects)"

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    @admin.display(description="cells as printed")
    def printed_cells(self, row: PublishedRow) -> str:
        return "; ".join(f"{name}: {text}" for name, text in row.cells.items() if text.strip())

    @admin.display(description="defects")
    def printed_flags(self, row: PublishedRow) -> str:
        return "; ".join(f"{flag['check']}: {flag['message']}" for flag in row.flags) or "none"


class DeviceSessionInline(AuditedInline):
    model = DeviceSession
    fields = ["device_id", "officer_reference", "start", "end", "faces_seen", "alerts"]


class AlertInline(AuditedInline):
    model = Alert
    fields = [
        "occurred_at",
        "score",
        "threshold",
        "watchlist_category",
        "kind",
        "engaged",
        "outcome",
        "perceived_sex",
        "perceived_age_band",
        "perceived_ethnic_group",
    ]
    autocomplete_fields = ["watchlist_category", "outcome"]
    show_change_link = True


def false_alerts_of(deployment: Deployment) -> int | None:
    return figures.false_alerts(deployment.false_confirmed, deployment.false_unconfirmed)


@admin.register(Deployment)
class DeploymentAdmin(RecordAdmin):
    change_list_template = "admin/audits/deployment/change_list.html"
    list_display = [
        "__str__",
        "reference",
        "kind",
        "threshold",
        "faces_seen",
        "total_alerts",
        "false_alert_count",
        "false_alert_rate_per_face",
        "false_alert_share_of_alerts",
        "arrests",
        "status",
    ]
    # The FilterSet's force, kind, year, from/to, threshold, use case, fault and status replace
    # the sidebar's field filters and the date links: one definition of each filter, and every
    # one of them a parameter that the report link can carry.
    filterset_class = DeploymentFilterSet
    list_select_related = ["force"]
    search_fields = ["reference", "location_name", "borough", "ward_code", "purpose_as_published"]
    inlines = [PublishedRowInline, FacesSeenRevisionInline, DeviceSessionInline, AlertInline]

    def get_inlines(self, request: HttpRequest, obj: Deployment | None) -> list[Any]:
        """Device sessions only on a bodycam or mobile deployment (a van has none)."""
        sessions = obj is not None and obj.kind in KINDS_OF_MODE["bodycam"]
        return [inline for inline in self.inlines if sessions or inline is not DeviceSessionInline]

    autocomplete_fields = ["force", "authorisation", "watchlist", "use_case"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "force",
                    "reference",
                    "status",
                    "kind",
                    "authorisation",
                    "watchlist",
                    "system",
                    "use_case",
                    "purpose_as_published",
                ]
            },
        ),
        (
            "Place and time",
            {
                "fields": [
                    "location_name",
                    "borough",
                    "ward_code",
                    "latitude",
                    "longitude",
                    "date",
                    "start",
                    "end",
                    "duration",
                    "cameras",
                    "threshold",
                    "technical_fault",
                ]
            },
        ),
        (
            "Results",
            {"fields": list(Deployment.RESULT_FIELDS)},
        ),
        (
            "Deletion",
            {
                "fields": [
                    "nonmatch_biometrics_deleted_at",
                    "alert_data_deleted_at",
                    "footage_deleted_at",
                ]
            },
        ),
        (
            "Provenance",
            {
                "fields": [
                    "published_false_alert_rate",
                    "source_document",
                    "source_page",
                    "notes",
                ]
            },
        ),
    ]

    def get_urls(self) -> list[URLPattern]:
        site = self.admin_site
        return [
            path(
                "import/",
                site.admin_view(partial(import_view, self)),
                name="register_deployment_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {
            **(extra_context or {}),
            "can_import": request.user.has_perm("register.import_records"),
            "report_url": self.report_url(request),
        }
        return super().changelist_view(request, extra)

    def report_url(self, request: HttpRequest) -> str | None:
        """The report page on the deployments listed: the same FilterSet parameters. None when
        the list is also narrowed by something a report cannot repeat: a search, or a filter a
        report does not take (by status, say: a report never counts withdrawn deployments)."""
        query = filterset_query(request, self.filterset_class)
        if query is None or any(
            name not in REPORT_PARAMETERS and any(query.getlist(name)) for name in query
        ):
            return None
        query["group_by"] = "year"  # the report's default, so that the link opens on the figures
        # The list shows drafts: the report on it counts them too, and says how many.
        query["include_drafts"] = "true"
        return f"{reverse('admin:reporting_report')}?{query.urlencode()}"

    @admin.display(description="false alerts")
    def false_alert_count(self, obj: Deployment) -> int | None:
        return false_alerts_of(obj)

    @admin.display(description="false alerts per face (95% CI)")
    def false_alert_rate_per_face(self, obj: Deployment) -> str:
        figure = figures.false_alert_rate_per_face(false_alerts_of(obj), obj.faces_seen)
        text = rate_with_interval(figure)
        return f"{text}, {one_in(figure)}" if figure and figure.k else text

    @admin.display(description="false share of alerts (95% CI)")
    def false_alert_share_of_alerts(self, obj: Deployment) -> str:
        return rate_with_interval(
            figures.false_alert_share_of_alerts(false_alerts_of(obj), obj.total_alerts)
        )


@admin.register(DeviceSession)
class DeviceSessionAdmin(BatchImportMixin, AuditedAdmin):
    list_display = [
        "__str__",
        "deployment",
        "officer_reference",
        "start",
        "end",
        "faces_seen",
        "alerts",
    ]
    filterset_class = DeviceSessionFilterSet  # force, deployment, year, from/to, external id
    list_select_related = ["deployment__force"]
    search_fields = ["device_id", "officer_reference", "external_id", "deployment__reference"]
    date_hierarchy = "start"
    autocomplete_fields = ["deployment"]


@admin.register(FacesSeenRevision)
class FacesSeenRevisionAdmin(AuditedAdmin):
    list_display = ["deployment", "value", "as_of", "source", "recorded_at"]
    list_filter = ["deployment__force"]
    list_select_related = ["deployment__force"]
    search_fields = ["deployment__reference", "source"]
    date_hierarchy = "as_of"
    autocomplete_fields = ["deployment"]

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False
