"""Filters of the compliance app's lists (admin and API), built from the register's filters."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django_filters import rest_framework as filters

from audits.compliance.models import Finding, PolicyProfile, Rule, Severity
from audits.register.filtersets import (
    FIRST_YEAR,
    LAST_YEAR,
    DeploymentFilterSet,
    IdFilter,
    TrueFalseFilter,
    YearFilter,
    choices_filter,
    code_filter,
    force_filter,
    with_period,
)
from audits.register.models import Alert, Authorisation, Deployment, Search, Watchlist


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
    record_year = filters.NumberFilter(
        method="filter_record_year",
        label="Calendar year of the record",
        help_text="The year of the record's own date (a deployment's day, an authorisation's, "
        "a search's), not the day the finding was first seen",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_record_year(
        self, queryset: QuerySet[Finding], name: str, year: Decimal
    ) -> QuerySet[Finding]:
        return queryset.filter(of_records_dated(int(year)))


# The date of each kind of record that findings are raised on.
RECORD_DATES: dict[type[Model], str] = {
    Deployment: "date",
    Authorisation: "authorised_at",
    Watchlist: "compiled_at",
    Alert: "occurred_at",
    Search: "occurred_at",
}


def of_records_dated(year: int) -> Q:
    """Findings whose record is dated in `year` (by the record's own date)."""
    found = Q(pk__in=[])
    for model, field in RECORD_DATES.items():
        dated = model._default_manager.filter(**{f"{field}__year": year}).values("pk")
        kind = ContentType.objects.get_for_model(model)
        found |= Q(content_type=kind, object_id__in=dated)
    return found


def with_open_findings(
    queryset: QuerySet[Deployment], name: str, wanted: bool
) -> QuerySet[Deployment]:
    """Deployments with (true) or without (false) an open finding of their own."""
    kind = ContentType.objects.get_for_model(Deployment)
    open_ones = Finding.objects.filter(content_type=kind, state=Finding.State.OPEN)
    ids = open_ones.values("object_id")
    return queryset.filter(pk__in=ids) if wanted else queryset.exclude(pk__in=ids)


def deployment_filters_add() -> None:
    """`open_findings` on the deployment filters (admin list and API): added from here, as the
    register knows nothing of findings."""
    added = TrueFalseFilter(
        method=with_open_findings,
        label="Has open findings",
    )
    DeploymentFilterSet.declared_filters["open_findings"] = added
    DeploymentFilterSet.base_filters["open_findings"] = added
