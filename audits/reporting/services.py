"""The one way to a report: parameters in, validated by the deployment FilterSet and the report's
options, built, and for an export rendered and recorded in the ledger.

The admin's report page and its downloads, /api/v1/reports/, `manage.py frt_report` and the
public page all come here, so that the same parameters give the same report everywhere.
`params` is a mapping of query parameters (a QueryDict, or a dict whose values are strings or
lists of strings): the filters (`filtersets.REPORT_PARAMETERS`) and the options `group_by`
(repeatable, default year), `interval` (an `IntervalMethod`, default wilson), `include_drafts`
(true or false, default false: reports count submitted and reviewed records, as the public page
does) and `as_of` (a ledger seq).
"""

from collections.abc import Collection, Mapping
from typing import Any, NamedTuple

from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError

from audits.ledger import rebuild
from audits.ledger import services as ledger
from audits.ledger.models import LedgerEvent
from audits.metrics import GROUP_KEYS, IntervalMethod
from audits.register.filtersets import as_query, deployment_filterset, report_selection
from audits.reporting.assemble import SECTIONS
from audits.reporting.build import build_report, record_export, sections_for
from audits.reporting.renderers import RENDERERS
from audits.reporting.report import Report

DEFAULT_GROUP_BY = ("year",)
MAX_GROUP_KEYS = 8


class ReportOptionsForm(forms.Form):
    """The report's own options (the filters are the deployment list's)."""

    group_by = forms.MultipleChoiceField(
        required=False,
        choices=[(key, key.replace("_", " ")) for key in GROUP_KEYS],
        widget=forms.CheckboxSelectMultiple,
    )
    interval = forms.ChoiceField(
        choices=[(method.value, method.label) for method in IntervalMethod], required=False
    )
    include_drafts = forms.TypedChoiceField(
        required=False,
        choices=[("", "no"), ("true", "yes"), ("false", "no")],
        coerce=lambda value: value == "true",
        empty_value=None,
        label="Include drafts",
        help_text="Count drafts beside submitted and reviewed records; the report then says "
        "how many drafts it includes.",
    )
    as_of = forms.IntegerField(
        required=False,
        min_value=1,
        help_text="A ledger event's seq: the report on the register as it stood then, rebuilt "
        "from the ledger (a published report's ledger_seq reproduces it).",
    )

    def clean_as_of(self) -> int | None:
        seq = self.cleaned_data["as_of"]
        newest, _ = ledger.head()
        if seq is not None and seq > newest:
            raise ValidationError(f"The ledger has {newest:,} events: there is no event {seq:,}.")
        return seq

    def clean_group_by(self) -> list[str]:
        keys = self.cleaned_data["group_by"]
        if len(keys) > MAX_GROUP_KEYS:
            raise ValidationError(f"At most {MAX_GROUP_KEYS} keys, got {len(keys)}.")
        return keys or list(DEFAULT_GROUP_BY)

    def clean_interval(self) -> IntervalMethod:
        return IntervalMethod(self.cleaned_data["interval"] or IntervalMethod.WILSON)


class Export(NamedTuple):
    content: bytes
    content_type: str
    filename: str
    report: Report


def report_build(
    *,
    user: User | AnonymousUser | None,
    params: Mapping[str, Any],
    sections: Collection[str] = SECTIONS,
    published_only: bool = False,
) -> Report:
    """The report on these parameters in the user's scope (None: every deployment), or
    ValidationError naming each bad parameter and why. `published_only`: submitted and
    reviewed records alone (the public page). With `as_of`, on the register as it stood
    after that ledger event, rebuilt from the ledger. Nothing is recorded: see
    `report_export`."""
    query = as_query(params)
    options = ReportOptionsForm(query)
    valid = options.is_valid()
    as_of = options.cleaned_data.get("as_of") if valid else None
    if as_of is None:
        return _report_built(query, options, user, sections, published_only, None)
    head = (as_of, LedgerEvent.objects.get(seq=as_of).hash)
    with rebuild.register_as_of(as_of):
        return _report_built(query, options, user, sections, published_only, head)


def _report_built(
    query: Any,
    options: ReportOptionsForm,
    user: User | AnonymousUser | None,
    sections: Collection[str],
    published_only: bool,
    head: tuple[int, str] | None,
) -> Report:
    filterset = deployment_filterset(query, user, published_only=published_only)
    errors: dict[str, Any] = {}
    include_drafts = options.is_valid() and options.cleaned_data["include_drafts"] is True
    if published_only and include_drafts:
        errors["include_drafts"] = ["Published figures never include drafts."]
    try:
        selection = report_selection(filterset, include_drafts=include_drafts)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not options.is_valid():
        errors.update(options.errors)
    if errors:
        raise ValidationError(errors)
    return build_report(
        selection=selection,
        group_by=options.cleaned_data["group_by"],
        method=options.cleaned_data["interval"],
        sections=sections,
        head=head,
    )


def report_export(
    *, user: User | AnonymousUser | None, params: Mapping[str, Any], fmt: str
) -> Export:
    """The report on these parameters rendered in `fmt`, its export recorded in the ledger
    (by `user`; None: the command line). ValidationError, and nothing recorded, on a bad
    parameter or format."""
    if fmt not in RENDERERS:
        raise ValidationError({"format": f"{fmt!r} is not one of {sorted(RENDERERS)}."})
    report = report_build(user=user, params=params, sections=sections_for(fmt))
    render, content_type, extension = RENDERERS[fmt]
    content = render(report)
    record_export(report, fmt, user=user)
    return Export(content, content_type, f"frt-report.{extension}", report)
