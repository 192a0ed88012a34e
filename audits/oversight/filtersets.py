"""Filters of the commissioner reviews' lists (admin and API)."""

from django_filters import rest_framework as filters

from audits.oversight.models import CommissionerReview
from audits.register.filtersets import (
    IdFilter,
    YearFilter,
    choices_filter,
    force_filter,
    with_period,
)


@with_period("opened_at__date")
class CommissionerReviewFilterSet(filters.FilterSet):
    force = force_filter("force")
    state = choices_filter(CommissionerReview.State.choices)
    deployment = IdFilter("deployment")
    year = YearFilter("opened_at", label="Calendar year opened")

    class Meta:
        model = CommissionerReview
        fields: list[str] = []
