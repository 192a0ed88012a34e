from __future__ import annotations  # the stubs' generic forms are not subscriptable at run time

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from audits.compliance.filtersets import FindingFilterSet, RuleFilterSet
from audits.compliance.models import SEVERITY_ORDER, Finding, PolicyProfile, Rule
from audits.compliance.services import assignable_users, finding_assign
from audits.register.admin.base import ConfigurationAdmin, ScopedMixin
from audits.register.admin.filtersets import FilterSetMixin
from audits.register.admin.lifecycle import who_can
from audits.register.admin.site import (
    DashboardPanel,
    QueueItem,
    RecordPanel,
    dashboard_panel_add,
    queue_add,
    record_panel_add,
)
from audits.register.scoping import acting_user, scope


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
        "record_link",
        "rule",
        "severity",
        "force",
        "state",
        "message",
        "first_seen",
        "assigned_to",
    ]
    # The record's own link, not the change page's: a link inside a link has no name.
    list_display_links = ["rule"]
    filterset_class = FindingFilterSet  # as /api/v1/findings/ filters
    list_select_related = ["rule__profile", "force", "assigned_to", "content_type"]
    search_fields = ["record_label", "message"]
    date_hierarchy = "first_seen"
    ordering = ["state", "-first_seen"]
    fields = [
        "rule",
        "force",
        "record_link",
        "message",
        "severity",
        "state",
        "first_seen",
        "last_evaluated",
        "resolved_at",
        "assigned_to",
    ]
    actions = ["assign_to_me"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> list[str]:
        return [name for name in self.fields if isinstance(name, str) and name != "assigned_to"]

    @admin.display(description="Record", ordering="record_label")
    def record_link(self, finding: Finding) -> str:
        url = record_url(finding)
        return (
            format_html('<a href="{}">{}</a>', url, finding.record_label)
            if url
            else finding.record_label
        )

    def get_form(
        self, request: HttpRequest, obj: Finding | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Finding]]:
        form = super().get_form(request, obj, change, **kwargs)
        assigned_to = form.base_fields.get("assigned_to")
        if obj is not None and isinstance(assigned_to, forms.ModelChoiceField):
            # Only users who can read the finding (its force's, or every force's).
            assigned_to.queryset = assignable_users(obj)
        return form

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Finding, form: forms.ModelForm[Finding], change: bool
    ) -> None:
        finding_assign(user=acting_user(request.user), finding=obj, assignee=obj.assigned_to)

    @admin.action(permissions=["change"], description="Assign selected findings to me")
    def assign_to_me(self, request: HttpRequest, queryset: models.QuerySet[Finding]) -> None:
        user = acting_user(request.user)
        for finding in queryset:
            finding_assign(user=user, finding=finding, assignee=user)
        self.message_user(request, f"{queryset.count()} finding(s) assigned to you.")


def record_url(finding: Finding) -> str:
    """The admin page of the finding's record ("" if its kind has none)."""
    kind = finding.content_type
    try:
        return reverse(f"admin:{kind.app_label}_{kind.model}_change", args=[finding.object_id])
    except NoReverseMatch:
        return ""


def _record_findings(request: HttpRequest, record: models.Model) -> dict[str, Any] | None:
    """The findings on a record's page: rule, severity, state, assignee, and the way to assign."""
    kind = ContentType.objects.get_for_model(record)
    found = scope(Finding.objects.filter(content_type=kind, object_id=record.pk), request.user)
    may_assign = request.user.has_perm("compliance.change_finding")
    rows = [
        (finding, reverse("admin:compliance_finding_change", args=[finding.pk]))
        for finding in found.select_related("rule__profile", "assigned_to").order_by("state", "pk")
    ]
    who = "" if may_assign else who_can("compliance.change_finding", None)
    return {"findings": rows, "may_assign": may_assign, "who_assigns": who}


def _assigned(request: HttpRequest) -> list[QueueItem]:
    user = request.user
    mine = Finding.objects.filter(assigned_to=user.pk, state=Finding.State.OPEN)
    url = reverse("admin:compliance_finding_changelist")
    query = f"assignee={user.get_username()}&state=open"
    return [QueueItem("Findings assigned to you", mine.count(), f"{url}?{query}")]


queue_add(_assigned)
record_panel_add(RecordPanel(10, "admin/audits/record_findings.html", _record_findings))


QUEUE_LENGTH = 15


def _queue(user: User | AnonymousUser) -> list[Finding]:
    open_findings = scope(Finding.objects.filter(state=Finding.State.OPEN), user)
    ranked = sorted(
        open_findings.select_related("rule__profile", "force", "assigned_to")[:500],
        key=lambda f: (-SEVERITY_ORDER[f.severity], f.first_seen),
    )
    return ranked[:QUEUE_LENGTH]


def _severity_counts(user: User | AnonymousUser) -> Mapping[str, int]:
    rows = (
        scope(Finding.objects.filter(state=Finding.State.OPEN), user)
        .values("severity")
        .annotate(n=Count("id"))
    )
    counts = {row["severity"]: row["n"] for row in rows}
    return {name: counts.get(name, 0) for name in ("critical", "major", "minor", "info")}


def _findings_panel(request: HttpRequest) -> dict:
    return {"queue": _queue(request.user), "severity_counts": _severity_counts(request.user)}


dashboard_panel_add(DashboardPanel(10, "admin/audits/dashboard_findings.html", _findings_panel))
