from django.contrib import admin

from audits.register.admin.base import RecordAdmin
from audits.register.filtersets import PostDeploymentReviewFilterSet
from audits.register.models import PostDeploymentReview


@admin.register(PostDeploymentReview)
class PostDeploymentReviewAdmin(RecordAdmin):
    list_display = ["__str__", "reviewer", "reviewed_at", "status"]
    filterset_class = PostDeploymentReviewFilterSet  # force, year, from/to, status
    list_select_related = ["deployment__force"]
    search_fields = ["deployment__reference", "deployment__location_name", "findings"]
    date_hierarchy = "reviewed_at"
    autocomplete_fields = ["deployment"]
