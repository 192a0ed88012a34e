from django.contrib import admin

from audits.admin.base import RecordAdmin
from audits.admin.filters import YearFilter
from audits.admin.imports import BatchImportMixin
from audits.models import Search


@admin.register(Search)
class SearchAdmin(BatchImportMixin, RecordAdmin):
    year_field = "occurred_at"
    list_display = [
        "__str__",
        "occurred_at",
        "offence_type",
        "purpose",
        "probe_source",
        "candidates_returned",
        "outcome",
        "corroboration_recorded",
        "arrest",
        "status",
    ]
    list_filter = [
        "force",
        "mode",
        YearFilter,
        ("offence_type", admin.RelatedOnlyFieldListFilter),
        "purpose",
        "probe_source",
        "outcome",
        "corroboration_recorded",
        "oifr_legal_condition",
        "status",
    ]
    list_select_related = ["force", "offence_type"]
    search_fields = ["external_id", "crime_reference", "requesting_unit"]
    date_hierarchy = "occurred_at"
    autocomplete_fields = ["force", "offence_type"]
