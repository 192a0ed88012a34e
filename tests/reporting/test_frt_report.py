"""frt_report on the Met's published rows gives the figures of the domain reference, exactly."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audits.ledger.models import LedgerEvent

pytestmark = pytest.mark.django_db

MET_GRID = Path(__file__).resolve().parents[3] / "shared/data/met_lfr_deployments_2020_2023.csv"

# Domain reference, section 5: calendar year of the published date.
YEARLY = {
    2020: dict(deployments=3, faces_seen=13200, alerts=8, true_alerts=1, false_alerts=7, arrests=1),
    2022: dict(
        deployments=6, faces_seen=144366, alerts=20, true_alerts=17, false_alerts=3, arrests=8
    ),
    2023: dict(
        deployments=23, faces_seen=326392, alerts=58, true_alerts=56, false_alerts=2, arrests=34
    ),
}
# FA per face and FA share of alerts as the table prints them (percent, its rounding).
PRINTED = {2020: ("0.053%", "87.5%"), 2022: ("0.0021%", "15.0%"), 2023: ("0.00061%", "3.4%")}


def report(capsys, *args: str) -> dict:
    capsys.readouterr()
    call_command("frt_report", "--force", "MPS", *args)
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def met(db):
    call_command("import_deployments", str(MET_GRID), verbosity=0)


def as_printed(value: float, template: str) -> str:
    digits = len(template.split(".")[1].rstrip("%")) if "." in template else 0
    return f"{value * 100:.{digits}f}%"


def test_the_yearly_rows_of_the_published_table(met, capsys):
    result = report(capsys, "--group-by", "year")
    assert result["group_by"] == ["year"] and result["interval_method"] == "wilson"
    groups = {group["key"]["year"]: group for group in result["groups"]}
    assert sorted(groups) == [2020, 2022, 2023]
    for year, expected in YEARLY.items():
        group = groups[year]
        assert {name: group[name] for name in expected} == expected
        per_face = group["false_alert_rate_per_face"]
        share = group["false_alert_share_of_alerts"]
        assert per_face["value"] == expected["false_alerts"] / expected["faces_seen"]
        assert share["value"] == expected["false_alerts"] / expected["alerts"]
        assert per_face["ci_low"] < per_face["value"] < per_face["ci_high"]
        assert (
            as_printed(per_face["value"], PRINTED[year][0]),
            as_printed(share["value"], PRINTED[year][1]),
        ) == PRINTED[year]


def test_the_oxford_circus_cross_check(met, capsys):
    result = report(capsys, "--from", "2020-02-27", "--to", "2022-07-16", "--group-by", "location")
    oxford = next(g for g in result["groups"] if g["key"] == {"location": "Oxford Circus"})
    assert (oxford["deployments"], oxford["faces_seen"], oxford["arrests"]) == (5, 125786, 9)


def test_mps_027_is_the_one_published_rate_mismatch(met, capsys):
    result = report(capsys)
    flagged = [
        f["record"] for f in result["data_quality"] if f["check"] == "published_rate_mismatch"
    ]
    assert flagged == ["MPS-027"]


def test_the_report_carries_the_ledger_head_and_is_itself_recorded(met, capsys):
    head = LedgerEvent.objects.order_by("-seq").first().hash
    result = report(capsys)
    assert result["ledger_head"] == head
    export = LedgerEvent.objects.order_by("-seq").first()
    assert export.action == "export" and head in export.changes


def test_exact_intervals_on_request(met, capsys):
    result = report(capsys, "--interval", "exact", "--group-by", "threshold")
    assert result["interval_method"] == "exact"
    keys = [group["key"]["threshold"] for group in result["groups"]]
    assert keys == [0.6, None]  # 2023 rows publish 0.6; 2020-22 rows publish none
    assert all(g["false_alert_rate_per_face"]["method"] == "exact" for g in result["groups"])


def test_rates_are_proportions_not_percentages(met, capsys):
    result = report(capsys, "--group-by", "year")
    for group in result["groups"]:
        for name in ("false_alert_rate_per_face", "false_alert_share_of_alerts", "precision"):
            rate = group[name]
            assert rate["value"] is None or 0 <= rate["ci_low"] <= rate["value"] <= 1


def export_count() -> int:
    return LedgerEvent.objects.filter(action="export").count()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--force", "NOPE"], ["--force", "NOPE"]),
        (["--force", "MPS", "NOPE"], ["--force", "NOPE"]),
        (["--mode", "drone"], ["--mode", "drone"]),
        (["--from", "2024-06-01", "--to", "2024-05-31"], ["--from", "2024-06-01", "2024-05-31"]),
        (["--from", "2024-13-01"], ["--from", "valid date"]),
        (["--group-by", "colour"], ["--group-by", "colour"]),
        (["--interval", "bayes"], ["--interval", "bayes"]),
    ],
    ids=repr,
)
def test_a_bad_option_is_an_error_naming_it_and_no_export_is_recorded(met, capsys, args, named):
    before = export_count()
    capsys.readouterr()
    with pytest.raises(CommandError) as refused:
        call_command("frt_report", *args)
    assert all(text in str(refused.value) for text in named), str(refused.value)
    assert capsys.readouterr().out == ""
    assert export_count() == before
