from django.contrib import admin

from audits.register.admin.base import AuditedAdmin
from audits.register.admin.imports import BatchImportMixin
from audits.register.filtersets import AlertFilterSet
from audits.register.models import Alert


@admin.register(Alert)
class AlertAdmin(BatchImportMixin, AuditedAdmin):
    list_display = [
        "__str__",
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
    # The FilterSet replaces the field filters it has (force, year, mode, threshold, kind,
    # engaged, outcome, perceived groups); the deployment's kind is not one of them.
    filterset_class = AlertFilterSet
    list_filter = ["deployment__kind"]
    list_select_related = ["deployment__force", "watchlist_category", "outcome"]
    search_fields = ["external_id", "deployment__reference", "deployment__location_name"]
    date_hierarchy = "occurred_at"
    autocomplete_fields = ["deployment", "device_session", "watchlist_category", "outcome"]
