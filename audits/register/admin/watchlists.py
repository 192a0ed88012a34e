from django.contrib import admin

from audits.register.admin.base import AuditedInline, RecordAdmin
from audits.register.filtersets import WatchlistFilterSet
from audits.register.models import Watchlist, WatchlistCategoryCount


class CategoryCountInline(AuditedInline):
    model = WatchlistCategoryCount
    autocomplete_fields = ["category"]


@admin.register(Watchlist)
class WatchlistAdmin(RecordAdmin):
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
    filterset_class = WatchlistFilterSet  # force, year, from/to, status, reference
    list_select_related = ["force"]
    search_fields = ["reference", "approved_by", "image_sources"]
    date_hierarchy = "compiled_at"
    inlines = [CategoryCountInline]
    autocomplete_fields = ["force"]
