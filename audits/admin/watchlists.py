from django.contrib import admin

from audits.admin.base import AuditedInline, RecordAdmin
from audits.admin.filters import YearFilter
from audits.models import Watchlist, WatchlistCategoryCount


class CategoryCountInline(AuditedInline):
    model = WatchlistCategoryCount
    autocomplete_fields = ["category"]


@admin.register(Watchlist)
class WatchlistAdmin(RecordAdmin):
    year_field = "compiled_at"
    list_display = [
        "__str__",
        "compiled_at",
        "size",
        "under_18s",
        "not_wanted_for_arrest",
        "reviewed_at",
        "destroyed_at",
        "status",
    ]
    list_filter = ["force", YearFilter, "status"]
    list_select_related = ["force"]
    search_fields = ["reference", "approved_by", "image_sources"]
    date_hierarchy = "compiled_at"
    inlines = [CategoryCountInline]
    autocomplete_fields = ["force"]
