from django.contrib import admin

from audits.admin.base import AuditedAdmin
from audits.admin.imports import BatchImportMixin
from audits.models import Alert


class AlertYearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        dates = Alert.objects.dates("occurred_at", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in dates]

    def queryset(self, request, queryset):
        return queryset.filter(occurred_at__year=self.value()) if self.value() else queryset


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
    list_filter = [
        "deployment__force",
        "deployment__kind",
        AlertYearFilter,
        ("threshold", admin.AllValuesFieldListFilter),
        "kind",
        "engaged",
        ("outcome", admin.RelatedOnlyFieldListFilter),
        "perceived_sex",
        "perceived_age_band",
        "perceived_ethnic_group",
    ]
    list_select_related = ["deployment__force", "watchlist_category", "outcome"]
    search_fields = ["external_id", "deployment__reference", "deployment__location_name"]
    date_hierarchy = "occurred_at"
    autocomplete_fields = ["deployment", "device_session", "watchlist_category", "outcome"]
