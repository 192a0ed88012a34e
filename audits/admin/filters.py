"""List filters shared by several admin pages."""

from django.contrib import admin
from django.db.models.functions import ExtractYear


class YearFilter(admin.SimpleListFilter):
    """Filter by calendar year of the model's date field (`year_field` on the admin)."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        field = model_admin.year_field
        years = (
            model_admin.get_queryset(request)
            .annotate(y=ExtractYear(field))
            .order_by("-y")
            .values_list("y", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years if year is not None]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.model_admin_year_field}__year": self.value()})
        return queryset

    def __init__(self, request, params, model, model_admin):
        self.model_admin_year_field = model_admin.year_field
        super().__init__(request, params, model, model_admin)
