from functools import partial

from django.contrib import admin
from django.urls import path

from audits.admin.base import ConfigurationAdmin, ScopedMixin
from audits.admin.dashboard import dashboard_view
from audits.admin.filtersets import FilterSetMixin
from audits.filtersets import FindingFilterSet, RuleFilterSet
from audits.models import Finding, PolicyProfile, Rule
from audits.services.findings import assignable_users, finding_assign


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0
    fields = ["code", "applies_to", "severity", "check_name", "parameters", "active"]


@admin.register(PolicyProfile)
class PolicyProfileAdmin(ConfigurationAdmin):
    judges_records = True
    list_display = ["name", "code", "all_forces", "source"]
    filter_horizontal = ["forces"]
    inlines = [RuleInline]


@admin.register(Rule)
class RuleAdmin(FilterSetMixin, ConfigurationAdmin):
    judges_records = True
    filterset_class = RuleFilterSet
    list_display = ["__str__", "applies_to", "severity", "check_name", "parameters", "active"]
    list_select_related = ["profile"]
    search_fields = ["code", "description", "source"]


@admin.register(Finding)
class FindingAdmin(FilterSetMixin, ScopedMixin, admin.ModelAdmin):
    """The findings queue: filter, sort, and assign; the rest is set by the rules."""

    list_display = [
        "record_label",
        "rule",
        "severity",
        "force",
        "state",
        "message",
        "first_seen",
        "assigned_to",
    ]
    filterset_class = FindingFilterSet  # as /api/v1/findings/ filters
    list_select_related = ["rule__profile", "force", "assigned_to"]
    search_fields = ["record_label", "message"]
    date_hierarchy = "first_seen"
    ordering = ["state", "-first_seen"]
    fields = [
        "rule",
        "force",
        "record_label",
        "message",
        "severity",
        "state",
        "first_seen",
        "last_evaluated",
        "resolved_at",
        "assigned_to",
    ]
    actions = ["assign_to_me"]

    def get_readonly_fields(self, request, obj=None):
        return [name for name in self.fields if name != "assigned_to"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "assigned_to" in form.base_fields:
            # Only users who can read the finding (its force's, or every force's).
            form.base_fields["assigned_to"].queryset = assignable_users(obj)
        return form

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        finding_assign(user=request.user, finding=obj, assignee=obj.assigned_to)

    def get_urls(self):
        view = self.admin_site.admin_view(partial(dashboard_view, self))
        return [path("dashboard/", view, name="audits_dashboard"), *super().get_urls()]

    @admin.action(permissions=["change"], description="Assign selected findings to me")
    def assign_to_me(self, request, queryset):
        for finding in queryset:
            finding_assign(user=request.user, finding=finding, assignee=request.user)
        self.message_user(request, f"{queryset.count()} finding(s) assigned to you.")
