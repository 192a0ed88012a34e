"""One FilterSet per entity, shared by the API lists, the admin lists and the report exports, so
that what a user filtered is exactly what gets listed and exported.

Use: `DeploymentFilterSet(params, queryset=scope(Deployment.objects.all(), user), request=request)`
then `.qs`. The queryset passed in is already scoped; the filters only narrow it. `request` lets
the force filter offer only the forces the user may read (without it every force is offered).
`report_selection(filterset)` gives what a report on the same parameters covers (frt_report,
the API's /reports/, the admin's report page and the public page all take it).

Every number a filter takes is bounded, so that a huge or negative value is a form error (400),
never a database error.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, QueryDict
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from audits.ledger.models import LedgerAction, LedgerEvent
from audits.register.models import (
    Alert,
    AlertKind,
    Amendment,
    Authorisation,
    Deployment,
    DeviceSession,
    Force,
    OffenceType,
    Outcome,
    PerceivedAgeBand,
    PerceivedEthnicGroup,
    PerceivedSex,
    PostDeploymentReview,
    Search,
    Status,
    System,
    UseCase,
    Watchlist,
)
from audits.register.models.base import Mode
from audits.register.models.deployments import KINDS_OF_MODE
from audits.register.scoping import scope

FIRST_YEAR, LAST_YEAR = 1900, 2200
LARGEST_ID = 2**63 - 1
DEPLOYMENT_MODES = [(mode, Mode(mode).label) for mode in sorted(KINDS_OF_MODE)]


def readable_forces(request: HttpRequest | None) -> QuerySet[Force]:
    forces = Force.objects.all()
    return scope(forces, request.user) if request is not None else forces


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(filters.ModelMultipleChoiceFilter):
    """Rows by their code, repeatable; the lookup goes to the code too (`field_name` is compared
    with each chosen row's code)."""


def force_filter(path: str) -> CodeFilter:
    """Force codes, repeatable (?force=NMP&force=EVC). Another force's code is not a choice."""
    return CodeFilter(
        field_name=f"{path}__code",
        to_field_name="code",
        # django-filter takes a callable of the request as well as a queryset; the stubs say a
        # queryset only.
        queryset=readable_forces,  # type: ignore[arg-type]
        label="Force",
        help_text="Force code (repeatable)",
    )


def code_filter(path: str, queryset: QuerySet[Any]) -> CodeFilter:
    return CodeFilter(
        field_name=f"{path}__code",
        to_field_name="code",
        queryset=queryset,
        label=path.replace("_", " ").capitalize(),
        help_text="Code (repeatable)",
    )


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(filters.NumberFilter):
    # Any form field will do; the stubs fix NumberFilter's to DecimalField.
    field_class = forms.IntegerField  # type: ignore[assignment]

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Calendar year")
        super().__init__(
            field_name=field_name,
            lookup_expr="year",
            min_value=FIRST_YEAR,
            max_value=LAST_YEAR,
            **kwargs,
        )


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    # Any form field will do; the stubs fix NumberFilter's to DecimalField.
    field_class = forms.IntegerField  # type: ignore[assignment]

    def __init__(self, field_name: str, **kwargs: Any) -> None:
        super().__init__(field_name=field_name, min_value=1, max_value=LARGEST_ID, **kwargs)


class ThresholdFilter(filters.NumberFilter):
    def __init__(self, field_name: str = "threshold", **kwargs: Any) -> None:
        kwargs.setdefault("label", "Threshold (0 to 1)")
        super().__init__(
            field_name=field_name,
            min_value=0,
            max_value=1,
            max_digits=6,
            decimal_places=4,
            **kwargs,
        )


@extend_schema_field(OpenApiTypes.BOOL)
class TrueFalseFilter(filters.BooleanFilter):
    """`true` or `false`; anything else is an error rather than silently no filter at all."""

    # Any form field will do; the stubs fix BooleanFilter's to NullBooleanField.
    field_class = forms.TypedChoiceField  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *args,
            choices=[("true", "true"), ("false", "false")],
            coerce=lambda value: value == "true",
            empty_value=None,
            widget=forms.TextInput,  # django-filter's boolean widget reads any other word as unset
            **kwargs,
        )


def with_period(
    field: str,
) -> Callable[[type[filters.FilterSet]], type[filters.FilterSet]]:
    """Add `from` and `to` (first and last day, inclusive) on `field`.

    They are added after the class is built because `from` is a Python keyword, and the names
    must be those of `frt_report --from/--to`. Added to `declared_filters` too, so subclasses
    inherit them.
    """

    def decorate(filterset: type[filters.FilterSet]) -> type[filters.FilterSet]:
        for name, lookup in (("from", "gte"), ("to", "lte")):
            period = filters.DateFilter(
                field_name=field, lookup_expr=lookup, label=f"{name.title()} (YYYY-MM-DD)"
            )
            filterset.declared_filters[name] = period
            filterset.base_filters[name] = period
        return filterset

    return decorate


def choices_filter(
    choices: list[tuple[Any, Any]], path: str | None = None
) -> filters.MultipleChoiceFilter:
    """The label is the model field's name (for the admin's form); the API's description of
    the parameter is the help text."""
    kwargs: dict[str, Any] = {"field_name": path} if path else {}
    return filters.MultipleChoiceFilter(choices=choices, help_text="Repeatable", **kwargs)


def mode_filter() -> filters.MultipleChoiceFilter:
    return filters.MultipleChoiceFilter(
        choices=DEPLOYMENT_MODES,
        method="filter_mode",
        label="Mode",
        help_text="lfr (van or fixed) or bodycam (bodycam or mobile), repeatable",
    )


def filter_by_mode(path: str) -> Callable[..., QuerySet[Any]]:
    """`mode` as frt_report has it: lfr = van or fixed; bodycam = bodycam or mobile."""

    def method(
        filterset: filters.FilterSet, queryset: QuerySet[Any], name: str, modes: list[str]
    ) -> QuerySet[Any]:
        kinds = [kind for mode in modes for kind in KINDS_OF_MODE[mode]]
        return queryset.filter(**{f"{path}__in": kinds})

    return method


@with_period("date")
class DeploymentFilterSet(filters.FilterSet):
    force = force_filter("force")
    year = YearFilter("date")
    mode = mode_filter()
    kind = choices_filter(Deployment.Kind.choices)
    threshold = ThresholdFilter()
    use_case = code_filter("use_case", UseCase.objects.all())
    status = choices_filter(Status.choices)
    technical_fault = TrueFalseFilter()
    reference = filters.CharFilter()
    location = filters.CharFilter(field_name="location_name", lookup_expr="icontains")

    filter_mode = filter_by_mode("kind")

    class Meta:
        model = Deployment
        fields: list[str] = []


# The DeploymentFilterSet parameters a report (frt_report) can apply; any other is refused
# rather than silently ignored, so an export never covers more than the user filtered.
REPORT_PARAMETERS = ("from", "to", "year", "force", "mode")
# What the public page publishes: records a force has submitted, nothing in draft.
PUBLISHED_STATUSES = (Status.SUBMITTED, Status.REVIEWED)


def reader(user: User | AnonymousUser) -> HttpRequest:
    """What the filters read of a request: who asks (the force filter offers only the forces
    they may read). For callers without a request, such as the report service."""
    request = HttpRequest()
    request.user = user
    return request


def as_query(params: Mapping[str, Any]) -> QueryDict:
    """Query parameters as a QueryDict (what the FilterSet and forms read); a list value is a
    repeated parameter, None leaves it out."""
    if isinstance(params, QueryDict):
        return params
    query = QueryDict(mutable=True)
    for name, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        query.setlist(name, [str(item) for item in values if item is not None])
    return query


def deployment_filterset(
    params: Mapping[str, Any], user: User | AnonymousUser | None, *, published_only: bool = False
) -> DeploymentFilterSet:
    """The deployment filters over the deployments in the user's scope; without a user (the
    command line, the public page) over every deployment, every force a choice.
    `published_only` narrows them to the submitted and reviewed ones (the public page)."""
    query = as_query(params)
    deployments = Deployment.objects.all()
    if published_only:
        deployments = deployments.filter(status__in=PUBLISHED_STATUSES)
    if user is None:
        return DeploymentFilterSet(query, deployments)
    return DeploymentFilterSet(query, scope(deployments, user), request=reader(user))


@dataclass(frozen=True)
class ReportSelection:
    """What a report covers: the filterset's submitted and reviewed deployments (and its
    drafts, when asked for), never withdrawn ones; the filters as the report prints them (a
    year folded into the period); how many drafts are counted and how many withdrawn records
    matched the filters but are not counted (every report says both)."""

    deployments: QuerySet[Deployment]
    filters: dict[str, Any]
    drafts: int = 0
    withdrawn: int = 0


def report_selection(
    filterset: DeploymentFilterSet, *, include_drafts: bool = False
) -> ReportSelection:
    """The deployments of exactly what the user filtered, or ValidationError naming each
    parameter and why: invalid, one a report cannot apply, or a period ending before it starts.
    Submitted and reviewed records only, unless `include_drafts`: every figure of the
    register is of the same records, wherever it is shown (the public page never has drafts).
    """
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    data = filterset.form.cleaned_data
    refused = [
        name
        for name in filterset.filters
        if name not in REPORT_PARAMETERS and _is_set(data.get(name))
    ]
    if refused:
        raise ValidationError({name: "A report cannot be filtered by this." for name in refused})
    if data.get("from") and data.get("to") and data["from"] > data["to"]:
        raise ValidationError(
            {"from": f"{data['from']} is after the last day ({data['to']}): no period."}
        )
    statuses = [*PUBLISHED_STATUSES, Status.DRAFT] if include_drafts else PUBLISHED_STATUSES
    matched = filterset.qs
    counts = dict(
        matched.filter(status__in=(Status.DRAFT, Status.WITHDRAWN))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return ReportSelection(
        deployments=matched.filter(status__in=statuses),
        filters={**_printed(data), "status": sorted(str(status) for status in statuses)},
        drafts=counts.get(Status.DRAFT, 0) if include_drafts else 0,
        withdrawn=counts.get(Status.WITHDRAWN, 0),
    )


def _printed(data: dict[str, Any]) -> dict[str, Any]:
    date_from, date_to = data.get("from"), data.get("to")
    if data.get("year") is not None:
        year = data["year"]
        date_from = max(filter(None, [date_from, date(year, 1, 1)]))
        date_to = min(filter(None, [date_to, date(year, 12, 31)]))
    return {
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
        "force": sorted(force.code for force in data.get("force") or []),
        "mode": sorted(data.get("mode") or []),
    }


def _is_set(value: object) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, list | tuple | QuerySet):
        return len(value) > 0
    return True


@with_period("authorised_at__date")
class AuthorisationFilterSet(filters.FilterSet):
    force = force_filter("force")
    year = YearFilter("authorised_at")
    use_case = code_filter("use_case", UseCase.objects.all())
    status = choices_filter(Status.choices)
    urgent = TrueFalseFilter()
    reference = filters.CharFilter()

    class Meta:
        model = Authorisation
        fields: list[str] = []


@with_period("compiled_at__date")
class WatchlistFilterSet(filters.FilterSet):
    force = force_filter("force")
    year = YearFilter("compiled_at")
    status = choices_filter(Status.choices)
    reference = filters.CharFilter()

    class Meta:
        model = Watchlist
        fields: list[str] = []


@with_period("start__date")
class DeviceSessionFilterSet(filters.FilterSet):
    force = force_filter("deployment__force")
    deployment = IdFilter("deployment")
    year = YearFilter("start")
    external_id = filters.CharFilter()

    class Meta:
        model = DeviceSession
        fields: list[str] = []


@with_period("occurred_at__date")
class AlertFilterSet(filters.FilterSet):
    force = force_filter("deployment__force")
    deployment = IdFilter("deployment")
    year = YearFilter("occurred_at")
    mode = mode_filter()
    threshold = ThresholdFilter()
    kind = choices_filter(AlertKind.choices)
    engaged = TrueFalseFilter()
    outcome = code_filter("outcome", Outcome.objects.all())
    perceived_sex = choices_filter(PerceivedSex.choices)
    perceived_age_band = choices_filter(PerceivedAgeBand.choices)
    perceived_ethnic_group = choices_filter(PerceivedEthnicGroup.choices)
    external_id = filters.CharFilter()

    filter_mode = filter_by_mode("deployment__kind")

    class Meta:
        model = Alert
        fields: list[str] = []


@with_period("occurred_at__date")
class SearchFilterSet(filters.FilterSet):
    force = force_filter("force")
    mode = choices_filter(Search.Mode.choices)
    year = YearFilter("occurred_at")
    status = choices_filter(Status.choices)
    purpose = choices_filter(Search.Purpose.choices)
    probe_source = choices_filter(Search.ProbeSource.choices)
    outcome = choices_filter(Search.Outcome.choices)
    offence_type = code_filter("offence_type", OffenceType.objects.all())
    external_id = filters.CharFilter()

    class Meta:
        model = Search
        fields: list[str] = []


@with_period("reviewed_at__date")
class PostDeploymentReviewFilterSet(filters.FilterSet):
    force = force_filter("deployment__force")
    deployment = IdFilter("deployment")
    year = YearFilter("reviewed_at")
    status = choices_filter(Status.choices)

    class Meta:
        model = PostDeploymentReview
        fields: list[str] = []


@with_period("amended_at__date")
class AmendmentFilterSet(filters.FilterSet):
    object_type = filters.CharFilter(field_name="content_type__model", label="Record type")
    object_id = IdFilter("object_id", label="Record id")
    field = filters.CharFilter()

    class Meta:
        model = Amendment
        fields: list[str] = []


class LedgerEventFilterSet(filters.FilterSet):
    action = choices_filter(LedgerAction.choices)
    actor = filters.CharFilter()
    force = filters.CharFilter(label="Force code")
    object_type = filters.CharFilter()
    object_id = filters.CharFilter()
    seq_after = IdFilter("seq", lookup_expr="gt", label="Only events after this number")

    class Meta:
        model = LedgerEvent
        fields: list[str] = []


def _ledger_day(lookup: str, next_day: bool = False) -> Callable[..., QuerySet[Any]]:
    """`occurred_at` is ISO 8601 text in UTC, so days compare as text."""

    def method(queryset: QuerySet[Any], name: str, day: date) -> QuerySet[Any]:
        bound = day + timedelta(days=1) if next_day else day
        return queryset.filter(**{f"occurred_at__{lookup}": bound.isoformat()})

    return method


for _name, _method in (("from", _ledger_day("gte")), ("to", _ledger_day("lt", next_day=True))):
    _filter = filters.DateFilter(method=_method, label=f"{_name.title()} (YYYY-MM-DD, UTC)")
    LedgerEventFilterSet.declared_filters[_name] = _filter
    LedgerEventFilterSet.base_filters[_name] = _filter


class SystemFilterSet(filters.FilterSet):
    mode = choices_filter(Mode.choices)
    vendor = filters.CharFilter()

    class Meta:
        model = System
        fields: list[str] = []


class ReferenceFilterSet(filters.FilterSet):
    """Use cases, watchlist categories, offence types, outcomes: no model, it serves all four."""

    active = TrueFalseFilter()
    code = filters.CharFilter()
