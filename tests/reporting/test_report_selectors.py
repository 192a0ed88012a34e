"""The report's SQL paths give the figures of the frame paths they replace, on the seeded demo
register: the grouped summary from `condensed_deployments` (a GROUP BY) against
`summarise(deployments_frame(...))`, and the demographics from `alert_tallies` (alerts counted
in SQL) against counting every row of `alerts_frame`. Also: report sections and query budgets.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F

from audits.metrics import DEMOGRAPHIC_ATTRIBUTES, demographic_differential, summarise
from audits.register.filtersets import deployment_filterset, report_selection
from audits.register.models import Alert, Deployment
from audits.reporting import build
from audits.reporting.assemble import SECTIONS
from audits.reporting.build import sections_for
from audits.reporting.report import Differential, GroupRow
from audits.reporting.selectors import (
    alert_tallies,
    alerts_frame,
    condensed_deployments,
    deployments_frame,
)
from tests import personas
from tests.metrics.test_condensed import assert_same

pytestmark = pytest.mark.django_db

MET_GRID = Path(__file__).resolve().parents[3] / "shared/data/met_lfr_deployments_2020_2023.csv"
GROUPINGS = [
    ["year"],
    ["force", "month"],
    ["threshold"],
    ["location"],
    ["mode", "quarter"],
    ["use_case"],
    ["quarter", "threshold", "mode"],
    [],
]
# (the report's parameters, published records only), as the service takes them.
FILTERS = [
    ({}, False),
    ({"mode": "bodycam"}, False),
    ({"force": ["NMP", "EVC"]}, True),
    ({"force": "MPS"}, False),
    ({"from": "2024-03-01", "to": "2024-09-30"}, False),
]
EVERYTHING = ({}, False)


def report_deployments(filters: tuple[dict, bool], user=None):
    params, published_only = filters
    filterset = deployment_filterset(params, user, published_only=published_only)
    return report_selection(filterset).deployments


def build_report(*, filters: tuple[dict, bool], user=None, **options):
    params, published_only = filters
    filterset = deployment_filterset(params, user, published_only=published_only)
    return build.build_report(selection=report_selection(filterset), **options)


def every_nth(n: int, offset: int = 0) -> list[int]:
    ids = list(Deployment.objects.order_by("pk").values_list("pk", flat=True))
    return ids[offset::n]


@pytest.fixture
def unknowns(db) -> None:
    """The demo register knows every field; blank some, in every combination the rules for
    unknowns tell apart (the summary must group them apart too)."""
    deployments = Deployment.objects.all()
    published_total = F("true_confirmed") + F("true_unconfirmed")
    deployments.filter(pk__in=every_nth(3, 2)).update(true_alerts_total=published_total)
    deployments.filter(pk__in=every_nth(7)).update(faces_seen=None)
    deployments.filter(pk__in=every_nth(5, 1)).update(
        true_alerts_total=published_total,
        true_confirmed=None,
        true_unconfirmed=None,
    )
    deployments.filter(pk__in=every_nth(6, 2)).update(true_unconfirmed=None)
    deployments.filter(pk__in=every_nth(9, 3)).update(false_confirmed=None, false_unconfirmed=None)
    deployments.filter(pk__in=every_nth(4, 1)).update(
        duration=F("end") - F("start"), start=None, end=None
    )
    deployments.filter(pk__in=every_nth(11, 4)).update(start=None, end=None, duration=None)
    deployments.filter(pk__in=every_nth(8, 5)).update(true_alert_engagements=None, arrests=None)
    deployments.filter(pk__in=every_nth(10, 6)).update(threshold=None, use_case=None)
    deployments.filter(pk__in=every_nth(13, 7)).update(total_alerts=None, no_action=None)
    alerts = list(Alert.objects.order_by("pk").values_list("pk", flat=True))
    Alert.objects.filter(pk__in=alerts[::6]).update(kind="")
    Alert.objects.filter(pk__in=alerts[1::7]).update(perceived_ethnic_group="")


@pytest.fixture
def met(db) -> None:
    call_command("import_deployments", str(MET_GRID), verbosity=0)


def assert_sql_summary_is_the_frame_summary(filters: tuple[dict, bool]) -> None:
    deployments = report_deployments(filters)
    frame = deployments_frame(deployments)
    for group_by in GROUPINGS:
        condensed = condensed_deployments(deployments, group_by)
        assert len(condensed) <= len(frame)
        assert_same(summarise(condensed, group_by), summarise(frame, group_by))
        assert_same(summarise(condensed, []), summarise(frame, []))


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_the_sql_summary_equals_the_frame_summary_on_the_demo_register(filters):
    assert_sql_summary_is_the_frame_summary(filters)


@pytest.mark.parametrize("filters", FILTERS[:2], ids=repr)
def test_the_sql_summary_equals_the_frame_summary_with_unknown_fields(unknowns, filters):
    assert_sql_summary_is_the_frame_summary(filters)


def test_the_sql_summary_equals_the_frame_summary_on_the_imported_met_grid(met):
    assert_sql_summary_is_the_frame_summary(({"force": "MPS"}, False))


def test_the_sql_summary_keeps_year_quarter_month_and_threshold_keys_as_the_frame_does():
    deployments = report_deployments(EVERYTHING)
    condensed = condensed_deployments(deployments, ["quarter", "month", "threshold"])
    keys = [group["key"] for group in summarise(condensed, ["year", "quarter", "month"])]
    assert isinstance(keys[0]["year"], int)
    assert keys[0]["quarter"][4:6] == "-Q" and keys[0]["month"][4] == "-"
    thresholds = {group["key"]["threshold"] for group in summarise(condensed, ["threshold"])}
    assert all(isinstance(value, float) for value in thresholds)


def test_the_sql_summary_of_nothing_is_the_frame_summary_of_nothing():
    filters = ({"from": (date.today() + timedelta(days=3650)).isoformat()}, False)
    assert_sql_summary_is_the_frame_summary(filters)
    assert summarise(condensed_deployments(report_deployments(filters), ["year"]), []) == (
        summarise(deployments_frame(report_deployments(filters)), [])
    )


def old_demographics(filters: tuple[dict, bool]) -> dict[str, Differential]:
    """How the report counted before: every alert row in a frame (none: no demographics)."""
    alerts = alerts_frame(report_deployments(filters))
    if alerts.empty:
        return {}
    return {
        attribute: Differential.from_differential(demographic_differential(alerts, attribute))
        for attribute in DEMOGRAPHIC_ATTRIBUTES
    }


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_the_report_demographics_from_sql_counts_equal_counting_every_alert(filters):
    report = build_report(filters=filters, group_by=["year"], sections=["demographics"])
    assert report.demographics == old_demographics(filters)


def test_the_demographics_equal_with_unadjudicated_alerts_and_blank_groups(unknowns):
    report = build_report(filters=EVERYTHING, group_by=[], sections=["demographics"])
    assert report.demographics == old_demographics(EVERYTHING)
    assert report.demographics["perceived_sex"].unknown_kind > 0


def test_alert_tallies_count_every_alert_of_the_report_once():
    deployments = report_deployments(({"mode": "bodycam"}, False))
    tallies = alert_tallies(deployments)
    assert tallies["count"].sum() == Alert.objects.filter(deployment__in=deployments).count()
    assert not tallies.duplicated(["kind", *DEMOGRAPHIC_ATTRIBUTES]).any()


def test_a_report_in_a_forces_scope_equals_the_frame_figures_in_that_scope(unknowns):
    user = personas.recorder("EVC")
    report = build_report(filters=EVERYTHING, group_by=["month"], user=user)
    frame = deployments_frame(report_deployments(EVERYTHING, user))
    assert {row.force for row in report.deployments} == {"EVC"}
    assert_same(report.groups, [GroupRow.from_group(g) for g in summarise(frame, ["month"])])
    by_threshold = [GroupRow.from_group(g) for g in summarise(frame, ["threshold"])]
    assert_same(report.by_threshold, by_threshold)


def test_a_csv_report_builds_only_its_sections_with_the_same_figures():
    whole = build_report(filters=EVERYTHING, group_by=["force", "month"])
    csv = build_report(
        filters=EVERYTHING, group_by=["force", "month"], sections=sections_for("csv")
    )
    assert (csv.totals, csv.groups) == (whole.totals, whole.groups)
    assert list(csv.to_json()) == list(whole.to_json())
    assert csv.deployments == csv.data_quality == csv.by_threshold == []
    assert csv.demographics == {} and csv.definitions == []


def test_every_section_asked_for_alone_is_the_one_of_the_whole_report():
    whole = build_report(filters=EVERYTHING, group_by=["quarter"])
    for section in SECTIONS:
        if section == "definitions":
            continue
        alone = build_report(filters=EVERYTHING, group_by=["quarter"], sections=[section])
        assert getattr(alone, section) == getattr(whole, section), section


def test_the_appendix_defines_the_figures_of_the_sections_beside_it():
    alone = build_report(filters=EVERYTHING, group_by=[], sections=["definitions"])
    assert alone.definitions == []
    with_demographics = build_report(
        filters=EVERYTHING, group_by=[], sections=["demographics", "definitions"]
    )
    names = [entry.name for entry in with_demographics.definitions]
    assert names == ["demographic_differential", "rate_ratio"]


def test_a_csv_report_reads_a_few_rows_in_a_few_queries(django_assert_max_num_queries):
    # 7: one of them counts the drafts and withdrawn records the report leaves out.
    with django_assert_max_num_queries(7):
        build_report(filters=EVERYTHING, group_by=["force", "month"], sections=["groups"])


def test_an_unknown_section_is_refused():
    with pytest.raises(ValueError, match="sections"):
        build_report(filters=EVERYTHING, group_by=[], sections=["appendix"])
