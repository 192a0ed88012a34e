"""The shared FilterSets (audits/register/filtersets.py) in the admin's change lists.

An admin that declares `filterset_class` gets `FilterSetFilter` at the top of its sidebar: a
list filter that takes the FilterSet's parameters out of the query string before Django reads
the rest as field lookups (it would send an unknown lookup such as `from` to ?e=1), and narrows
the list with the FilterSet. So `?force=NMP&year=2025` lists what
`/api/v1/deployments/?force=NMP&year=2025` lists for the same user, and the same parameters give
the report (`audits.register.filtersets.report_filters`).
"""

from __future__ import annotations  # the stubs' generic admin is not subscriptable at run time

from collections.abc import Iterator, Mapping
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ALL_VAR, ERROR_FLAG, ORDER_VAR, PAGE_VAR, ChangeList
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import HttpRequest, QueryDict
from django_filters import FilterSet

# Parameters that change how a list is shown, not which rows it holds.
PRESENTATION = {ORDER_VAR, PAGE_VAR, ALL_VAR, IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR, ERROR_FLAG}


def parameters(filterset_class: type[FilterSet]) -> list[str]:
    """The query parameters the FilterSet reads (each filter reads the one of its name)."""
    return list(filterset_class.base_filters)


def for_the_admin(form: forms.Form) -> forms.Form:
    """Checkboxes for repeatable choices and a menu for true/false. The API's widgets read the
    same values from the query string, but a multiple select or a text box for `true` is awkward
    to use on a page."""
    # The stubs type a choice field's `choices` as what may be assigned (callables, mappings); read
    # back it is the normalised list or a ModelChoiceIterator.
    for field in form.fields.values():
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)  # type: ignore[arg-type]
        elif isinstance(field, forms.TypedChoiceField):
            field.widget = forms.Select(choices=[("", "any"), *field.choices])  # type: ignore[misc]
    return form


def filterset_query(request: HttpRequest, filterset_class: type[FilterSet]) -> QueryDict | None:
    """The FilterSet's parameters in this request, or None when the list is also narrowed by
    something the FilterSet cannot repeat (a search, a date link, a field lookup)."""
    own = set(parameters(filterset_class))
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in own:
            query.setlist(name, values)
        elif name not in PRESENTATION and any(values):
            return None
    return query


class FilterSetFilter(admin.ListFilter):
    """The admin's `filterset_class` as one sidebar entry: its form, applied to the list."""

    title = "filters (as in the API and the reports)"
    template = "admin/audits/filterset_filter.html"

    def __init__(
        self,
        request: HttpRequest,
        params: dict[str, Any],  # each a list of values (the stubs still say a string)
        model: type[Model],
        model_admin: admin.ModelAdmin[Any],
    ) -> None:
        super().__init__(request, params, model, model_admin)
        filterset_class = getattr(model_admin, "filterset_class", None)
        if filterset_class is None:
            raise ImproperlyConfigured(f"{type(model_admin).__name__} has no filterset_class.")
        self.names = parameters(filterset_class)
        # Popped: whatever is left in `params`, Django applies as field lookups.
        data = QueryDict(mutable=True)
        for name in self.names:
            if name in params:
                data.setlist(name, params.pop(name))
        # Always bound (an unbound FilterSet is never valid); `request` limits the force choices
        # to the forces the user may read, as in the API.
        self.filterset = filterset_class(data, request=request)
        for_the_admin(self.filterset.form)

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str | None]:
        return [*self.names]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.filterset.is_valid():
            # The API answers 400; the list shows the form's errors and no rows, never more
            # rows than the user asked for (another force's code is not a choice).
            return queryset.none()
        return self.filterset.filter_queryset(queryset)

    # Our template reads these as hidden fields; the stubs know only the shape Django's own
    # filters' template reads (selected, query_string, display).
    def choices(self, changelist: ChangeList) -> Iterator[Mapping[str, str]]:  # type: ignore[override]
        """The list's other parameters (search, order, other filters), which the form carries
        as hidden fields so that filtering keeps them."""
        for name, values in changelist.filter_params.items():
            if name not in self.names:
                for value in values:
                    yield {"name": name, "value": value}


class FilterSetMixin(admin.ModelAdmin):
    """For ModelAdmins: declare `filterset_class` to filter the change list with it."""

    filterset_class: type[FilterSet] | None = None

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        list_filter = super().get_list_filter(request)
        return [FilterSetFilter, *list_filter] if self.filterset_class else [*list_filter]
