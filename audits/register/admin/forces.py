from django.contrib import admin

from audits.register.admin.base import ConfigurationAdmin
from audits.register.models import (
    Force,
    Membership,
    OffenceType,
    Outcome,
    System,
    UseCase,
    WatchlistCategory,
)


@admin.register(Force)
class ForceAdmin(ConfigurationAdmin):
    judges_records = True
    list_display = [
        "code",
        "name",
        "jurisdiction",
        "minimum_threshold",
        "ao_minimum_rank",
        "review_deadline_days",
    ]
    search_fields = ["code", "name", "jurisdiction"]
    fieldsets = [
        (None, {"fields": ["name", "code", "jurisdiction", "oversight_bodies"]}),
        (
            "Policy settings",
            {
                "fields": [
                    "minimum_threshold",
                    "ao_minimum_rank",
                    "alert_data_retention_days",
                    "footage_retention_days",
                    "review_deadline_days",
                    "watchlist_maximum_size",
                ]
            },
        ),
    ]


@admin.register(Membership)
class MembershipAdmin(ConfigurationAdmin):
    list_display = ["user", "force"]
    list_filter = ["force"]
    list_select_related = ["user", "force"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]


@admin.register(System)
class SystemAdmin(ConfigurationAdmin):
    list_display = ["vendor", "algorithm", "version", "mode"]
    list_filter = ["mode", "vendor"]
    search_fields = ["vendor", "algorithm", "version"]


class ReferenceAdmin(ConfigurationAdmin):
    list_display = ["code", "name", "force", "active"]
    list_filter = ["active", ("force", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["force"]
    search_fields = ["code", "name"]


admin.site.register(UseCase, ReferenceAdmin)
admin.site.register(WatchlistCategory, ReferenceAdmin)
admin.site.register(OffenceType, ReferenceAdmin)


@admin.register(Outcome)
class OutcomeAdmin(ReferenceAdmin):
    list_display = ["code", "name", "kind", "force", "active"]
    list_filter = ["kind", *ReferenceAdmin.list_filter]
