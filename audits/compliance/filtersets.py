"""Filters of the compliance app's lists (admin and API), built from the register's filters."""

from django_filters import rest_framework as filters

from audits.compliance.models import Finding, PolicyProfile, Rule, Severity
from audits.register.filtersets import (
    IdFilter,
    TrueFalseFilter,
    YearFilter,
    choices_filter,
    code_filter,
    force_filter,
    with_period,
)


class PolicyProfileFilterSet(filters.FilterSet):
    code = filters.CharFilter()
    all_forces = TrueFalseFilter()

    class Meta:
        model = PolicyProfile
        fields: list[str] = []


class RuleFilterSet(filters.FilterSet):
    """The admin's rule filters (profile, applies to, severity, active) and the check."""

    profile = code_filter("profile", PolicyProfile.objects.all())
    applies_to = choices_filter(Rule.AppliesTo.choices)
    severity = choices_filter(Severity.choices)
    active = TrueFalseFilter()
    check = filters.CharFilter(field_name="check_name", label="Check name")

    class Meta:
        model = Rule
        fields: list[str] = []


@with_period("first_seen__date")
class FindingFilterSet(filters.FilterSet):
    """The findings queue's filters: force, state, severity, profile, rule, check, assignee."""

    force = force_filter("force")
    state = choices_filter(Finding.State.choices)
    severity = choices_filter(Severity.choices)
    profile = code_filter("rule__profile", PolicyProfile.objects.all())
    rule = IdFilter("rule", label="Rule id")
    check = filters.CharFilter(field_name="rule__check_name", label="Check name")
    assignee = filters.CharFilter(field_name="assigned_to__username", label="Assignee username")
    # assigned=false is the unassigned queue (the admin's "-" choice under "assigned to").
    assigned = TrueFalseFilter(field_name="assigned_to", lookup_expr="isnull", exclude=True)
    year = YearFilter("first_seen", label="Calendar year first seen")

    class Meta:
        model = Finding
        fields: list[str] = []
