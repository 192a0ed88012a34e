from django.contrib import admin

from audits.register.admin.base import RecordAdmin
from audits.register.admin.imports import BatchImportMixin
from audits.register.filtersets import SearchFilterSet
from audits.register.models import Search


@admin.register(Search)
class SearchAdmin(BatchImportMixin, RecordAdmin):
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
    # The FilterSet replaces the field filters it has (force, mode, year, offence type, purpose,
    # probe source, outcome, status); corroboration and the legal condition are not in it.
    filterset_class = SearchFilterSet
    list_filter = ["corroboration_recorded", "oifr_legal_condition"]
    list_select_related = ["force", "offence_type"]
    search_fields = ["external_id", "crime_reference", "requesting_unit"]
    date_hierarchy = "occurred_at"
    autocomplete_fields = ["force", "offence_type"]
