"""The report as typed sections: what `assemble.assemble_report` builds and every renderer (JSON,
CSV, XLSX, HTML, PDF), the admin's report page, the dashboard, the API and the public pages read.

A rate is a `metrics.Rate` and a rate ratio a `metrics.RateRatio` all the way through: templates
and renderers read their attributes, and only the JSON renderer turns them into dicts
(`Report.to_json()`). A section the report was not asked for (see `assemble.SECTIONS`) is empty:
`totals` None, `demographics` {}, every other section [], and `to_json()` gives them as {} or [].

Each dataclass's fields are in the order of its JSON; the CSV and XLSX columns follow from the
fields' types (`audits.reporting.flatten`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from audits.metrics import MetricDefinition, Rate, RateRatio

# A group's key: {"year": 2021, "force": "MPS"} in the report's group_by order; None is unknown.
Key = dict[str, Any]
FieldKind = Literal["scalar", "nested", "rate", "ratio"]


@dataclass(frozen=True)
class Known:
    """How many deployments each sum rests on ("faces seen in 2 of 3 deployments")."""

    faces_seen: int
    alerts: int
    true_alerts: int
    false_alerts: int
    engagements: int
    arrests: int
    other_disposals: int
    no_action: int
    hours: int


@dataclass(frozen=True)
class Figures:
    """The summary figures of a set of deployments (`metrics.deployments.figures`): sums of the
    known values (None when no value is known), the section 4 rates, and plain ratios."""

    deployments: int
    faces_seen: int | None
    alerts: int | None
    true_alerts: int | None
    false_alerts: int | None
    engagements: int | None
    arrests: int | None
    other_disposals: int | None
    no_action: int | None
    hours: float | None
    known: Known
    false_alert_rate_per_face: Rate
    false_alert_share_of_alerts: Rate
    precision: Rate
    precision_strict: Rate
    unconfirmed_share: Rate
    engagement_rate: Rate
    arrest_yield_per_alert: Rate
    arrests_per_deployment: float | None
    arrests_per_hour: float | None
    faces_per_arrest: float | None
    one_in: float | None

    @classmethod
    def from_figures(cls, figures: dict[str, Any]) -> Figures:
        """From a `metrics.summarise_sums` group without its key."""
        return cls(**{**figures, "known": Known(**figures["known"])})


@dataclass(frozen=True)
class Totals(Figures):
    """The figures of every deployment in the report."""


@dataclass(frozen=True)
class Keyed:
    key: Key


@dataclass(frozen=True)
class GroupRow(Figures, Keyed):
    """The figures of the deployments that share a key (a group, or a threshold)."""

    @classmethod
    def from_group(cls, group: dict[str, Any]) -> GroupRow:
        """From a `metrics.summarise_sums` group."""
        return cls(**{**group, "known": Known(**group["known"])})


@dataclass(frozen=True, slots=True)
class DeploymentRow:
    """One deployment with its own figures (the per-deployment sheet, the public page)."""

    record: str
    force: str
    date: str  # YYYY-MM-DD
    location: str | None
    mode: str | None
    use_case: str | None
    threshold: float | None
    watchlist_size: int | None
    faces_seen: int | None
    alerts: int | None
    true_alerts: int | None
    false_alerts: int | None
    arrests: int | None
    hours: float | None
    false_alert_rate_per_face: float | None
    false_alert_rate_per_face_ci_low: float | None
    false_alert_rate_per_face_ci_high: float | None
    published_false_alert_rate: str | None


@dataclass(frozen=True)
class LabVsField:
    """Per known threshold, the observed false alerts per face beside the laboratory FPIR."""

    threshold: float
    deployments: int
    mean_watchlist_size: float | None
    observed_false_alert_rate_per_face: Rate
    expected_fpir: float | None
    expected_one_in: float | None
    expected_within_interval: bool | None


@dataclass(frozen=True)
class DemographicRow:
    """One perceived group of an attribute: its false alert share and its ratio to the
    reference group (None for the reference itself)."""

    group: str
    alerts: int
    false_alerts: int
    unknown_kind: int
    is_reference: bool
    false_alert_share_of_alerts: Rate
    rate_ratio: RateRatio | None


@dataclass(frozen=True)
class Differential:
    """The demographic differential over one attribute (`metrics.differential_from_counts`)."""

    attribute: str
    reference: str | None
    groups: list[DemographicRow]
    unknown_kind: int

    @classmethod
    def from_differential(cls, differential: dict[str, Any]) -> Differential:
        groups = [DemographicRow(**group) for group in differential["groups"]]
        return cls(**{**differential, "groups": groups})


@dataclass(frozen=True)
class Attributed:
    attribute: str
    reference: str | None


@dataclass(frozen=True)
class AttributeGroup(DemographicRow, Attributed):
    """A demographic row with its attribute and reference group, for a flat table."""


@dataclass(frozen=True)
class Finding:
    """A data-quality flag (`metrics.data_quality_checks`): the message names record and field."""

    record: str
    check: str
    message: str


@dataclass(frozen=True)
class Report:
    title: str
    generated_at: str
    filters: dict[str, Any]
    group_by: list[str]
    interval_method: str
    ledger_head: str
    # The seq of the event whose hash is ledger_head: `frt_report --as-of` it reproduces this.
    ledger_seq: int | None = None
    # Which records are counted: submitted and reviewed ones (filters["status"]), and drafts
    # when asked for; `drafts` is how many are included. Withdrawn records matching the
    # filters are never counted: `withdrawn` says how many were left out.
    drafts: int = 0
    withdrawn: int = 0
    totals: Totals | None = None
    groups: list[GroupRow] = field(default_factory=list)
    by_threshold: list[GroupRow] = field(default_factory=list)
    deployments: list[DeploymentRow] = field(default_factory=list)
    lab_vs_field: list[LabVsField] = field(default_factory=list)
    demographics: dict[str, Differential] = field(default_factory=dict)
    data_quality: list[Finding] = field(default_factory=list)
    # Published rows for several days or sites (each flagged aggregate_row): each is counted in
    # the figures as one deployment, as the force published it.
    aggregate_rows: int = 0
    # Deployments whose recorded alert totals differ from their alert rows (each flagged
    # alert_rows_differ): the summary counts the totals, the demographic tables the rows.
    alert_rows_differ: int = 0
    definitions: list[MetricDefinition] = field(default_factory=list)

    @property
    def includes_drafts(self) -> bool:
        return "draft" in self.filters.get("status", [])

    @property
    def counted(self) -> str:
        """Which records the figures count, in a sentence every format prints."""
        counted = "Counts submitted and reviewed records"
        if self.includes_drafts:
            counted += f", and includes {self.drafts:,} draft{'s' if self.drafts != 1 else ''}"
        left_out = (
            f"{self.withdrawn:,} withdrawn record{'s' if self.withdrawn != 1 else ''} "
            f"{'are' if self.withdrawn != 1 else 'is'} not counted"
        )
        return f"{counted}; {left_out}."

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data, rates and ratios as dicts (`Rate.to_dict()`)."""
        data = as_json(self)
        data["totals"] = data["totals"] or {}
        data["counted"] = self.counted
        return data


def as_json(value: Any) -> Any:
    """A section, a row or a value as JSON-ready data: dataclasses as dicts in field order."""
    if isinstance(value, Rate | RateRatio):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return {item.name: as_json(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {name: as_json(item) for name, item in value.items()}
    return value


def _kind(hint: Any) -> FieldKind:
    optional = get_origin(hint) in (Union, UnionType)
    types = set(get_args(hint)) - {type(None)} if optional else {hint}
    if types == {Rate}:
        return "rate"
    if types == {RateRatio}:
        return "ratio"
    if len(types) == 1 and is_dataclass(next(iter(types))):
        return "nested"
    return "scalar"


@cache
def field_kinds(row_type: type) -> dict[str, FieldKind]:
    """Each field of a row type by what it holds: a scalar, a nested dataclass (`Known`), a
    `Rate` or a `RateRatio`, from its type (never from a value)."""
    hints = get_type_hints(row_type)
    return {item.name: _kind(hints[item.name]) for item in fields(row_type)}


def rate_fields(row_type: type) -> list[str]:
    """The names of the `Rate` fields of a row type, in field order."""
    return [name for name, kind in field_kinds(row_type).items() if kind == "rate"]
