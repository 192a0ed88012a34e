from django.contrib import admin

from audits.admin.base import RecordAdmin
from audits.admin.filters import YearFilter
from audits.models import PostDeploymentReview


@admin.register(PostDeploymentReview)
class PostDeploymentReviewAdmin(RecordAdmin):
    year_field = "reviewed_at"
    list_display = ["__str__", "reviewer", "reviewed_at", "status"]
    list_filter = ["deployment__force", YearFilter, "status"]
    list_select_related = ["deployment__force"]
    search_fields = ["deployment__reference", "deployment__location_name", "findings"]
    date_hierarchy = "reviewed_at"
    autocomplete_fields = ["deployment"]
