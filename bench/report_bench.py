"""Benchmark of the commissioner report on PostgreSQL (issue 4, the last "Must show" item).

On a synthetic register (default 100,000 deployments and 2,000,000 alerts, five forces, two
years) it measures, in one run:

1. the report grouped by force and month, against a hand-written SQL GROUP BY of the same
   totals, as a ratio (target: 2x or less). Timed: the report a CSV export needs
   (`build_report` with the CSV's sections: totals and groups, summed in SQL), the whole report
   (every section, as JSON, XLSX, PDF and HTML need it) and, for comparison, the summary from
   one row per deployment (`deployments_frame` + `metrics.summarise`, the path that published
   tables take). Their totals are checked against the SQL's, group by group, before any time
   is printed;
2. the peak memory of the CSV and XLSX exports at two sizes (the bodycam quarter of the
   register and all of it), each in a fresh process building the sections its format shows
   (`build.sections_for`) (target: it does not grow with the number of records beyond the
   result itself).

Run by hand (it creates, and afterwards drops, the database named in DATABASE_URL, whose name
must start with "bench_"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_report \\
        .venv/bin/python bench/report_bench.py [--deployments 100000] [--alerts 2000000] \\
        [--repeat 3] [--profile] [--keep]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import psycopg
from _scratch import ROOT, database_url, drop_database, recreate_database, setup_django
from psycopg import sql

if TYPE_CHECKING:
    from audits.reporting.report import Report

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_report"
GROUP_BY = ["force", "month"]
SEED = 20240401

# Forces, with their share of the deployments.
FORCES = (
    ("MPS", "Metropolitan Police Service", 0.40),
    ("SWP", "South Wales Police", 0.25),
    ("ESX", "Essex Police", 0.15),
    ("NFK", "Norfolk Constabulary", 0.10),
    ("BDS", "Bedfordshire Police", 0.10),
)
# Deployment kinds: bodycam and mobile (the "bodycam" mode) are a quarter of the register, which
# gives a subset with every force and month, so the same groups, at a quarter of the records.
KINDS = (("van", 0.55), ("fixed", 0.20), ("bodycam", 0.20), ("mobile", 0.05))
STATUSES = (("submitted", 0.90), ("reviewed", 0.08), ("draft", 0.01), ("withdrawn", 0.01))
THRESHOLDS = (0.60, 0.62, 0.64)
FIRST_DAY = date(2023, 1, 1)
DAYS = 731  # 2023 and 2024
PLACES = (
    "Oxford Circus",
    "Croydon town centre",
    "Stratford",
    "Cardiff Queen Street",
    "Chelmsford High Street",
    "Norwich Market",
    "Luton station",
    "Swansea Kingsway",
    "Romford Market Place",
    "Brixton Road",
)
UNKNOWN_FACES_SHARE = 0.02  # published as N/A: left out of sums, never read as zero
UNKNOWN_THRESHOLD_SHARE = 0.01
PUBLISHED_RATE_SHARE = 0.20
REVISED_FACES_SHARE = 0.01
FALSE_ALERT_SHARE = 0.03
CONFIRMED_TRUE_SHARE = 0.75
CONFIRMED_FALSE_SHARE = 0.40
ARREST_SHARE = 0.45
SEX = (("male", 0.62), ("female", 0.33), ("unknown", 0.05))
AGE = (
    ("under_18", 0.04),
    ("18_24", 0.22),
    ("25_34", 0.30),
    ("35_44", 0.20),
    ("45_54", 0.12),
    ("55_64", 0.05),
    ("65_plus", 0.02),
    ("unknown", 0.05),
)
ETHNIC = (
    ("white", 0.52),
    ("black", 0.20),
    ("asian", 0.14),
    ("mixed", 0.05),
    ("other", 0.04),
    ("unknown", 0.05),
)
ENGAGED_OUTCOMES = (("arrest", 0.45), ("conditions_checked", 0.30), ("no_action", 0.25))
TOTAL_FIELDS = ("deployments", "faces_seen", "alerts", "true_alerts", "false_alerts", "arrests")
TARGET_RATIO = 2.0
FLAT_TOLERANCE = 1.5  # "flat": at 4x the records, at most 1.5x the memory
# A streaming export holds the rows it writes, not the register: a few bytes of memory per byte
# of output (the XLSX renderer alone takes about 2.5).
BYTES_PER_OUTPUT_BYTE = 10.0

# The same totals as the report's groups, by the rules of audits/metrics/deployments.py: a
# withdrawn deployment is out; unknown values are left out of sums; true and false alerts are
# confirmed + unconfirmed where either half is known, else the published true total / unknown.
HAND_WRITTEN_SQL = """
SELECT f.code,
       to_char(d.date, 'YYYY-MM'),
       count(*),
       sum(d.faces_seen),
       sum(d.total_alerts),
       sum(CASE WHEN d.true_confirmed IS NULL AND d.true_unconfirmed IS NULL
                THEN d.true_alerts_total
                ELSE coalesce(d.true_confirmed, 0) + coalesce(d.true_unconfirmed, 0) END),
       sum(CASE WHEN d.false_confirmed IS NULL AND d.false_unconfirmed IS NULL
                THEN NULL
                ELSE coalesce(d.false_confirmed, 0) + coalesce(d.false_unconfirmed, 0) END),
       sum(d.arrests)
FROM audits_deployment d
JOIN audits_force f ON f.id = d.force_id
WHERE d.status <> 'withdrawn'
GROUP BY 1, 2
ORDER BY 1, 2
"""


# --- Command line -----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deployments", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each report path")
    parser.add_argument("--profile", action="store_true", help="cProfile one build_report")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    # Internal: the parent runs each export in a fresh process to read its peak RSS.
    parser.add_argument(
        "--export-worker", nargs=2, metavar=("SUBSET", "FORMAT"), help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# --- Synthetic register -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceIds:
    forces: np.ndarray  # force id by force index
    watchlists: np.ndarray  # watchlist id by [force index, month index]
    use_cases: np.ndarray
    categories: np.ndarray
    outcomes: dict[str, int]


def _choice(rng: np.random.Generator, table: Sequence[tuple[Any, ...]], size: int) -> np.ndarray:
    """Indexes into `table`, drawn with its weights."""
    weights = np.array([row[-1] for row in table])
    return rng.choice(len(table), size=size, p=weights / weights.sum())


def _labels(table: Sequence[tuple[str, float]], indexes: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(indexes, categories=[label for label, _ in table])


def create_reference_rows(rng: np.random.Generator) -> ReferenceIds:
    """Forces and one watchlist per force and month, through the ORM (a few hundred rows)."""
    from audits.register.models import Force, Outcome, UseCase, Watchlist, WatchlistCategory

    forces = Force.objects.bulk_create(
        Force(code=code, name=name, jurisdiction="England and Wales") for code, name, _ in FORCES
    )
    months = DAYS // 30 + 1
    watchlists = np.zeros((len(forces), months), dtype=np.int64)
    for index, force in enumerate(forces):
        base = rng.integers(6_000, 12_000)
        rows = Watchlist.objects.bulk_create(
            Watchlist(
                force=force,
                reference=f"{force.code}-WL-{month:02d}",
                size=int(base * 1.01**month),
                status="submitted",
            )
            for month in range(months)
        )
        watchlists[index] = [row.pk for row in rows]
    return ReferenceIds(
        forces=np.array([force.pk for force in forces]),
        watchlists=watchlists,
        use_cases=np.array(UseCase.objects.filter(force=None).values_list("pk", flat=True)),
        categories=np.array(
            WatchlistCategory.objects.filter(force=None).values_list("pk", flat=True)
        ),
        outcomes=dict(Outcome.objects.filter(force=None).values_list("code", "pk")),
    )


@dataclass(frozen=True)
class AlertCounts:
    """Per deployment: true confirmed, true unconfirmed, false confirmed, false unconfirmed."""

    by_kind: np.ndarray  # shape (deployments, 4)

    @property
    def total(self) -> np.ndarray:
        return self.by_kind.sum(axis=1)


def split_alerts(rng: np.random.Generator, faces: np.ndarray, alerts: int) -> AlertCounts:
    """Exactly `alerts` alerts over the deployments, in proportion to faces seen, each split
    into the four kinds so that total = TC + TU + FC + FU.
    """
    weights = np.where(np.isnan(faces), np.nanmean(faces), faces)
    total = rng.multinomial(alerts, weights / weights.sum())
    false = rng.binomial(total, FALSE_ALERT_SHARE)
    true = total - false
    true_confirmed = rng.binomial(true, CONFIRMED_TRUE_SHARE)
    false_confirmed = rng.binomial(false, CONFIRMED_FALSE_SHARE)
    by_kind = np.column_stack(
        [true_confirmed, true - true_confirmed, false_confirmed, false - false_confirmed]
    )
    return AlertCounts(by_kind=by_kind)


def _nullable(values: np.ndarray, unknown: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype="Int64").mask(unknown)


def deployments_table(
    rng: np.random.Generator, count: int, alerts: int, ids: ReferenceIds
) -> tuple[pd.DataFrame, AlertCounts]:
    force = _choice(rng, FORCES, count)
    day = rng.integers(0, DAYS, count)
    dates = pd.Timestamp(FIRST_DAY) + pd.to_timedelta(day, unit="D")
    start = (dates + pd.to_timedelta(rng.integers(8 * 60, 12 * 60, count), unit="min")).tz_localize(
        UTC
    )
    end = start + pd.to_timedelta(rng.integers(2 * 60, 10 * 60, count), unit="min")
    faces = rng.integers(1_000, 35_001, count).astype(float)
    faces[rng.random(count) < UNKNOWN_FACES_SHARE] = np.nan
    counts = split_alerts(rng, faces, alerts)
    tc, tu, fc, fu = counts.by_kind.T
    arrests = rng.binomial(tc, ARREST_SHARE)
    other = rng.binomial(tc - arrests, 0.5)
    threshold = np.array(THRESHOLDS)[rng.integers(0, len(THRESHOLDS), count)]
    threshold[rng.random(count) < UNKNOWN_THRESHOLD_SHARE] = np.nan
    status = _labels(STATUSES, _choice(rng, STATUSES, count))
    now = pd.Timestamp.now(tz=UTC)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, count + 1),
            "status": status,
            "created_at": now,
            "updated_at": now,
            "withdrawn_reason": np.where(status == "withdrawn", "Entered twice", ""),
            "origin": "entered",
            "reference": pd.Series([code for code, _, _ in FORCES]).to_numpy()[force]
            + pd.Series(np.arange(1, count + 1)).astype(str).str.zfill(7).radd("-").to_numpy(),
            "kind": _labels(KINDS, _choice(rng, KINDS, count)),
            "purpose_as_published": "",
            "location_name": np.array(PLACES)[rng.integers(0, len(PLACES), count)],
            "borough": "",
            "ward_code": "",
            "date": dates.strftime("%Y-%m-%d"),
            "start": start,
            "end": end,
            "cameras": rng.integers(1, 5, count),
            "threshold": threshold,
            "faces_seen": _nullable(faces, np.isnan(faces)),
            "total_alerts": counts.total,
            "true_confirmed": tc,
            "true_unconfirmed": tu,
            "false_confirmed": fc,
            "false_unconfirmed": fu,
            "true_alert_engagements": tc,
            "false_alert_engagements": fc,
            "arrests": arrests,
            "other_disposals": other,
            "no_action": tc + fc - arrests - other,
            "technical_fault": False,
            "published_false_alert_rate": _published_rates(rng, fc + fu, faces),
            "notes": "",
            "source_document": "synthetic",
            "force_id": ids.forces[force],
            "use_case_id": ids.use_cases[rng.integers(0, len(ids.use_cases), count)],
            "watchlist_id": ids.watchlists[force, day // 30],
        }
    )
    return frame, counts


def _published_rates(rng: np.random.Generator, false: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """A fifth of the rows carry the force's own false alert rate, as imported grids do."""
    published = (rng.random(len(faces)) < PUBLISHED_RATE_SHARE) & ~np.isnan(faces)
    rates = np.char.add(np.char.mod("%.3f", 100 * false / np.where(published, faces, 1)), "%")
    return np.where(published, rates, "")


def revisions_table(rng: np.random.Generator, deployments: pd.DataFrame) -> pd.DataFrame:
    """One faces-seen revision per known value (as the importer writes), and an earlier one for
    a few deployments whose estimate was revised.
    """
    known = deployments[deployments["faces_seen"].notna()]
    revised = known[rng.random(len(known)) < REVISED_FACES_SHARE]
    earlier = revised.assign(faces_seen=(revised["faces_seen"] * 9 // 10).astype("Int64"))
    rows = pd.concat([earlier, known])
    return pd.DataFrame(
        {
            "value": rows["faces_seen"],
            "as_of": rows["date"],
            "source": "synthetic",
            "recorded_at": pd.Timestamp.now(tz=UTC),
            "deployment_id": rows["id"],
        }
    )


def alerts_table(
    rng: np.random.Generator, deployments: pd.DataFrame, counts: AlertCounts, ids: ReferenceIds
) -> pd.DataFrame:
    """One row per alert, its kind matching its deployment's counts."""
    per_cell = counts.by_kind.ravel()
    row = np.repeat(np.repeat(np.arange(len(deployments)), 4), per_cell)
    kind = np.repeat(np.tile(np.arange(4), len(deployments)), per_cell)
    size = len(row)
    start = deployments["start"].iloc[row].reset_index(drop=True)
    span = (deployments["end"] - deployments["start"]).iloc[row].reset_index(drop=True)
    threshold = np.nan_to_num(deployments["threshold"].to_numpy()[row], nan=THRESHOLDS[0])
    engaged = (kind == 0) | (kind == 2)  # confirmed means officers engaged
    outcome_ids = np.array([ids.outcomes[code] for code, _ in ENGAGED_OUTCOMES])
    outcome = outcome_ids[_choice(rng, ENGAGED_OUTCOMES, size)]
    return pd.DataFrame(
        {
            "external_id": "",
            "occurred_at": start + span * rng.random(size),
            "score": np.minimum(threshold + rng.uniform(0, 0.3, size), 0.9999).round(4),
            "threshold": threshold,
            "adjudicated_by": "",
            "adjudication_reason": "",
            "kind": pd.Categorical.from_codes(
                kind, ["true_confirmed", "true_unconfirmed", "false_confirmed", "false_unconfirmed"]
            ),
            "engaged": engaged,
            "verification_method": "",
            "perceived_sex": _labels(SEX, _choice(rng, SEX, size)),
            "perceived_age_band": _labels(AGE, _choice(rng, AGE, size)),
            "perceived_ethnic_group": _labels(ETHNIC, _choice(rng, ETHNIC, size)),
            "complaint_raised": False,
            "deployment_id": deployments["id"].to_numpy()[row],
            "outcome_id": _nullable(outcome, ~engaged),
            "watchlist_category_id": ids.categories[rng.integers(0, len(ids.categories), size)],
        }
    )


def copy_frame(cursor: psycopg.Cursor, table: str, frame: pd.DataFrame) -> None:
    """COPY a frame into a table, in CSV chunks; NULL is \\N so that '' stays an empty string."""
    columns = sql.SQL(", ").join(sql.Identifier(name) for name in frame.columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(
        sql.Identifier(table), columns
    )
    with cursor.copy(statement) as copy:
        for chunk in _chunks(frame, 250_000):
            copy.write(chunk.to_csv(header=False, index=False, na_rep="\\N", float_format="%.4f"))


def _chunks(frame: pd.DataFrame, rows: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), rows):
        yield frame.iloc[start : start + rows]


def load_register(deployments: int, alerts: int) -> dict[str, int]:
    """Write the synthetic register with COPY, bypassing the services on purpose: loading speed
    is not what is measured, and going row by row through the services would take hours. The
    ledger trigger is not involved: the ledger table is not touched.
    """
    from django.db import connection, transaction

    rng = np.random.default_rng(SEED)
    with transaction.atomic():
        ids = create_reference_rows(rng)
        deployment_rows, counts = deployments_table(rng, deployments, alerts, ids)
        revision_rows = revisions_table(rng, deployment_rows)
        alert_rows = alerts_table(rng, deployment_rows, counts, ids)
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            copy_frame(cursor, "audits_deployment", deployment_rows)
            copy_frame(cursor, "audits_facesseenrevision", revision_rows)
            copy_frame(cursor, "audits_alert", alert_rows)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audits_deployment', 'id'), %s)",
                [deployments],
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "deployments": len(deployment_rows),
        "faces_seen_revisions": len(revision_rows),
        "alerts": len(alert_rows),
    }


# --- Timing -----------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    seconds: list[float] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def timed(name: str, function: Callable[[], Any], repeat: int) -> tuple[Timing, Any]:
    timing = Timing(name)
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        timing.seconds.append(time.perf_counter() - began)
    return timing, result


def everything(params: dict | None = None):
    """The report's selection on these parameters (default: none), as frt_report makes it."""
    from audits.register.filtersets import deployment_filterset, report_selection

    return report_selection(deployment_filterset(params or {}, None))


def product_report() -> Report:
    """The whole report: every section, as the JSON, XLSX, PDF and HTML exports show it."""
    from audits.reporting.build import build_report

    return build_report(selection=everything(), group_by=GROUP_BY)


def csv_report() -> Report:
    """The report a CSV export needs: its totals and groups, summed in SQL."""
    from audits.reporting.build import build_report, sections_for

    return build_report(selection=everything(), group_by=GROUP_BY, sections=sections_for("csv"))


def frame_summary_path() -> list[dict[str, Any]]:
    """The summary from one row per deployment (the path of published tables), for comparison."""
    from audits.metrics import summarise
    from audits.reporting.selectors import deployments_frame

    return summarise(deployments_frame(everything().deployments), GROUP_BY)


def hand_written_sql() -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN_SQL)
        return cursor.fetchall()


def totals_by_group(groups: list[dict[str, Any]]) -> dict[tuple, tuple]:
    return {
        (group["key"]["force"], group["key"]["month"]): tuple(group[name] for name in TOTAL_FIELDS)
        for group in groups
    }


def check_same_totals(name: str, groups: list[dict[str, Any]], rows: list[tuple]) -> None:
    """Stop the run when the product and the SQL disagree: a ratio of different figures is
    worthless."""
    ours = totals_by_group(groups)
    theirs = {(row[0], row[1]): tuple(row[2:]) for row in rows}
    if ours == theirs:
        return
    differing = sorted(
        key for key in ours.keys() | theirs.keys() if ours.get(key) != theirs.get(key)
    )
    first = differing[0]
    raise SystemExit(
        f"{name} and the SQL disagree on {len(differing)} groups; first {first}: "
        f"{dict(zip(TOTAL_FIELDS, ours.get(first, ()), strict=False))} against "
        f"{dict(zip(TOTAL_FIELDS, theirs.get(first, ()), strict=False))}"
    )


def stage_times() -> list[tuple[str, float]]:
    """Each step of the whole build_report timed once, as audits/reporting/build.py and
    assemble.py run them (update this list if they change), to show where the time goes.
    """
    from audits import metrics
    from audits.reporting.assemble import deployment_rows
    from audits.reporting.selectors import alert_tallies, condensed_deployments, deployments_frame

    times: list[tuple[str, float]] = []

    def step(name: str, function: Callable[[], Any]) -> Any:
        timing, result = timed(name, function, 1)
        times.append((name, timing.best))
        return result

    queryset = everything().deployments
    keys = [*GROUP_BY, "threshold"]
    condensed = step("condensed_deployments (SQL)", lambda: condensed_deployments(queryset, keys))
    deployments = step("deployments_frame (selector)", lambda: deployments_frame(queryset))
    tallies = step("alert_tallies (SQL)", lambda: alert_tallies(queryset))
    sums = step("deployment_sums (condensed)", lambda: metrics.deployment_sums(condensed))
    step("summarise totals", lambda: metrics.summarise_sums(sums, []))
    step("summarise force x month", lambda: metrics.summarise_sums(sums, GROUP_BY))
    step("summarise by threshold", lambda: metrics.summarise_sums(sums, ["threshold"]))
    step("deployment_rows (per deployment)", lambda: deployment_rows(deployments, "wilson"))
    step("lab_vs_field", lambda: metrics.lab_vs_field(deployments))
    step("data_quality_checks", lambda: metrics.data_quality_checks(deployments))
    step("demographics x3 (from tallies)", lambda: _demographics(tallies))
    return times


def _demographics(tallies: pd.DataFrame) -> dict[str, Any]:
    from audits import metrics

    return {
        attribute: metrics.differential_from_counts(
            metrics.demographic_counts(tallies, attribute), attribute
        )
        for attribute in metrics.DEMOGRAPHIC_ATTRIBUTES
    }


def profile_report(lines: int = 20) -> str:
    """One whole build_report under cProfile: the product's own functions by cumulative time,
    then the hottest functions of all by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(product_report)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write("Product functions by cumulative time: seconds, calls, function\n")
    ranked = sorted(stats.stats.items(), key=lambda item: -item[1][3])
    product = [(where, row) for where, row in ranked if f"{ROOT}/audits/" in where[0]]
    for (path, line, name), (_, calls, _, cumulative, _) in product[:lines]:
        where = f"{Path(path).relative_to(ROOT)}:{line} {name}"
        out.write(f"  {cumulative:9.2f}  {calls:>10,}  {where}\n")
    stats.strip_dirs().sort_stats("tottime").print_stats(lines)
    return out.getvalue()


# --- Export memory ----------------------------------------------------------------------------

SUBSETS = {"bodycam": {"mode": ["bodycam"]}, "all": {}}
SECTION_NAMES = (
    "totals",
    "groups",
    "by_threshold",
    "deployments",
    "lab_vs_field",
    "demographics",
    "data_quality",
    "definitions",
)
FORMATS = ("csv", "xlsx")


def _status_kib(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    raise SystemExit(f"/proc/self/status has no {field_name}: the memory figures need Linux")


def rss() -> int:
    return _status_kib("VmRSS") * 1024


def peak_rss_since(reset_to: int) -> int:
    """The peak resident memory since the last reset, above `reset_to` bytes."""
    return _status_kib("VmHWM") * 1024 - reset_to


def reset_peak_rss() -> int:
    """Start a new peak (Linux resets VmHWM to the current RSS on "5" > clear_refs); the
    current RSS, in bytes, is the new baseline."""
    Path("/proc/self/clear_refs").write_text("5")
    return rss()


def traced_peak(function: Callable[[], bytes]) -> tuple[bytes, int]:
    """The output of `function` and the peak Python memory it allocated (tracemalloc)."""
    tracemalloc.start()
    try:
        output = function()
        return output, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def render_memory(render: Callable[[Report], bytes], report: Report) -> dict:
    """The render's peak under tracemalloc: Python allocations only, but exact, where the RSS
    would hide it in memory build_report has just freed."""
    output, traced = traced_peak(lambda: render(report))
    return {"output_bytes": len(output), "render_traced": traced}


def export_worker(subset: str, fmt: str) -> dict[str, Any]:
    """One export in this fresh process: build the report with the sections its format shows,
    render it, report the memory."""
    from django.db import connection

    from audits.reporting.build import build_report, sections_for
    from audits.reporting.renderers import RENDERERS

    render = RENDERERS[fmt][0]
    connection.ensure_connection()
    start = reset_peak_rss()
    report = build_report(
        selection=everything(SUBSETS[subset]), group_by=GROUP_BY, sections=sections_for(fmt)
    )
    build_peak = peak_rss_since(start)
    before_render = reset_peak_rss()
    render(report)  # untraced, for the process peak: tracemalloc's own books would add to it
    export_peak = max(build_peak, before_render - start + peak_rss_since(before_render))
    result = {
        "subset": subset,
        "format": fmt,
        "deployments": report.totals.deployments if report.totals else 0,
        "alerts": (report.totals.alerts if report.totals else 0) or 0,
        "groups": len(report.groups),
        "per_deployment_rows": len(report.deployments),
        "sections": [name for name in SECTION_NAMES if getattr(report, name)],
        "build_rss": build_peak,
        "export_rss": export_peak,
        **render_memory(render, report),
    }
    if fmt == "xlsx":
        # The per_deployment sheet is part of the result and grows with the records; the
        # workbook without its rows shows what the rest of the renderer costs.
        without_rows = dataclasses.replace(report, deployments=[])
        result["without_per_deployment"] = render_memory(render, without_rows)
    return result


def measure_exports(url: str) -> list[dict[str, Any]]:
    results = []
    for subset in SUBSETS:
        for fmt in FORMATS:
            print(f"  export {fmt} of {subset} in a fresh process ...", flush=True)
            completed = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--export-worker", subset, fmt],
                env={**os.environ, "DATABASE_URL": url},
                capture_output=True,
                text=True,
                check=False,
            )
            if completed.returncode != 0:
                raise SystemExit(f"export worker {subset}/{fmt} failed:\n{completed.stderr}")
            results.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    return results


def wait_for_renderers(seconds: int = 600) -> None:
    """The renderers are written in parallel with this benchmark; wait for them, then go on."""
    target = ROOT / "audits" / "reports" / "renderers" / "__init__.py"
    deadline = time.monotonic() + seconds
    while not target.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{target} does not exist: the export measurements need RENDERERS")
        time.sleep(10)


# --- Summary ----------------------------------------------------------------------------------


def mib(size: float) -> str:
    return f"{size / 2**20:,.1f} MiB"


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def print_times(timings: list[Timing], sql_timing: Timing) -> None:
    print("\nTimes (seconds; best and median of the runs):")
    for timing in [*timings, sql_timing]:
        runs = ", ".join(f"{seconds:.3f}" for seconds in timing.seconds)
        print(f"  {timing.name:<46} best {timing.best:9.3f}  median {timing.median:9.3f}  [{runs}]")
    for timing in timings:
        print(
            f"  {ratio_line(timing, sql_timing)} (median {timing.median / sql_timing.median:,.1f}x)"
        )


def ratio_line(timing: Timing, sql_timing: Timing) -> str:
    ratio = timing.best / sql_timing.best
    return (
        f"{timing.name} / SQL: {ratio:,.1f}x (best of each); "
        f"target {TARGET_RATIO:g}x or less: {verdict(ratio <= TARGET_RATIO)}"
    )


def print_stages(stages: list[tuple[str, float]]) -> None:
    total = sum(seconds for _, seconds in stages)
    print(f"\nWhere the whole build_report's time goes (each step once; sum {total:.2f} s):")
    for name, seconds in sorted(stages, key=lambda stage: -stage[1]):
        print(f"  {name:<36} {seconds:8.2f} s  {100 * seconds / total:5.1f}%")


def _by(results: list[dict[str, Any]], subset: str, fmt: str) -> dict[str, Any]:
    return next(row for row in results if row["subset"] == subset and row["format"] == fmt)


def print_exports(results: list[dict[str, Any]]) -> list[MemoryCheck]:
    print("\nExport memory. render: tracemalloc's peak during render(report); export: peak RSS")
    print("of build_report + render, above the fresh process's RSS before them.")
    for row in results:
        print(
            f"  {row['format']:<4} {row['subset']:<7} {row['deployments']:>7,} deployments "
            f"{row['alerts']:>9,} alerts {row['groups']:>4} groups {row['per_deployment_rows']:>7,}"
            f" per-deployment rows; sections: {', '.join(row['sections'])}"
        )
        print(f"       output {mib(row['output_bytes'])}; {_render_figures(row)}")
        print(f"       export peak {mib(row['export_rss'])} (build_report {mib(row['build_rss'])})")
        if "without_per_deployment" in row:
            rest = row["without_per_deployment"]
            print(
                f"       without the per_deployment rows: output {mib(rest['output_bytes'])}; "
                f"{_render_figures(rest)}"
            )
    return print_checks(results)


def _render_figures(row: dict[str, Any]) -> str:
    return (
        f"render peak {mib(row['render_traced'])} "
        f"({row['render_traced'] / row['output_bytes']:.1f}x the output)"
    )


def _growth(large: dict[str, Any], small: dict[str, Any], name: str) -> float:
    """How many times the peak grew from the small to the large export."""
    return large[name] / max(small[name], 1)


def _per_output_byte(large: dict[str, Any], small: dict[str, Any], name: str) -> float:
    """Bytes of extra peak memory per byte of extra output, from the small to the large export."""
    return (large[name] - small[name]) / max(large["output_bytes"] - small["output_bytes"], 1)


@dataclass(frozen=True)
class MemoryCheck:
    name: str
    figure: float
    limit: float
    unit: str

    @property
    def met(self) -> bool:
        return self.figure <= self.limit

    def __str__(self) -> str:
        figure = f"{self.figure:8.2f} {self.unit} (<= {self.limit:g})"
        return f"{self.name:<54} {figure}: {verdict(self.met)}"


def export_checks(results: list[dict[str, Any]]) -> list[MemoryCheck]:
    """From the bodycam quarter to the whole register (4x the records, the same groups). The CSV
    result is the same size at both, so its peak must stay flat. The XLSX result grows (its
    per_deployment sheet has a row per deployment), so its peak may grow with the output, by a
    few bytes per byte of output: writing a row takes its cells in memory, not the register.
    """
    small_csv, small_xlsx = (_by(results, "bodycam", fmt) for fmt in FORMATS)
    large_csv, large_xlsx = (_by(results, "all", fmt) for fmt in FORMATS)
    rest = "without_per_deployment"
    return [
        MemoryCheck(
            "CSV render peak, growth",
            _growth(large_csv, small_csv, "render_traced"),
            FLAT_TOLERANCE,
            "x",
        ),
        MemoryCheck(
            "XLSX render peak, per byte of output growth",
            _per_output_byte(large_xlsx, small_xlsx, "render_traced"),
            BYTES_PER_OUTPUT_BYTE,
            "B/B",
        ),
        MemoryCheck(
            "XLSX render peak without per_deployment rows, growth",
            _growth(large_xlsx[rest], small_xlsx[rest], "render_traced"),
            FLAT_TOLERANCE,
            "x",
        ),
        MemoryCheck(
            "CSV whole export peak, growth",
            _growth(large_csv, small_csv, "export_rss"),
            FLAT_TOLERANCE,
            "x",
        ),
        MemoryCheck(
            "XLSX whole export peak, per byte of output growth",
            _per_output_byte(large_xlsx, small_xlsx, "export_rss"),
            BYTES_PER_OUTPUT_BYTE,
            "B/B",
        ),
    ]


def print_checks(results: list[dict[str, Any]]) -> list[MemoryCheck]:
    small, large = _by(results, "bodycam", "csv"), _by(results, "all", "csv")
    print(
        f"\n  The whole register against the bodycam quarter: "
        f"{large['deployments'] / small['deployments']:.1f}x the deployments, "
        f"{large['alerts'] / small['alerts']:.1f}x the alerts, groups {small['groups']} and "
        f"{large['groups']}:"
    )
    checks = export_checks(results)
    for check in checks:
        print(f"  {check}")
    return checks


# --- Main -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str) -> None:
    from audits.reporting.report import as_json

    print(f"Scratch database {urlsplit(url).path.lstrip('/')}: migrate and load ...", flush=True)
    began = time.perf_counter()
    migrate()
    loaded = load_register(args.deployments, args.alerts)
    print(f"  loaded {loaded} in {time.perf_counter() - began:.0f} s", flush=True)

    hand_written_sql()  # warm the buffer cache for both sides
    print("Timing the SQL, the CSV report, the whole report and the frame path ...", flush=True)
    sql_timing, rows = timed(
        "hand-written SQL GROUP BY + fetchall", hand_written_sql, max(5, args.repeat)
    )
    csv_timing, csv = timed("build_report (CSV: totals, groups)", csv_report, max(5, args.repeat))
    check_same_totals("the CSV report", as_json(csv.groups), rows)
    report_timing, report = timed("build_report (whole report)", product_report, args.repeat)
    check_same_totals("build_report", as_json(report.groups), rows)
    summary_timing, groups = timed(
        "frame summary (deployments_frame + summarise)", frame_summary_path, args.repeat
    )
    check_same_totals("the frame summary", groups, rows)
    print(f"  totals agree with the SQL in all {len(rows)} groups (force x month)")
    timings = [csv_timing, report_timing, summary_timing]
    print_times(timings, sql_timing)
    print_stages(stage_times())
    if args.profile:
        print("\ncProfile of one build_report:\n" + profile_report())

    wait_for_renderers()
    print("\nMeasuring export memory ...", flush=True)
    checks = print_exports(measure_exports(url))

    print("\nSummary:")
    for timing in timings:
        print(f"  {ratio_line(timing, sql_timing)}")
    for check in checks:
        print(f"  {check}")


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    url = database_url(DEFAULT_URL)
    if args.export_worker:
        setup_django(url)
        print(json.dumps(export_worker(*args.export_worker)))
        return
    recreate_database(url)
    setup_django(url)
    try:
        run(args, url)
    finally:
        if args.keep:
            print(f"Kept the database: {url}")
        else:
            drop_database(url)


if __name__ == "__main__":
    main()
