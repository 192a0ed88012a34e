"""The report's charts, drawn with matplotlib (Agg, no pyplot state) from the report.

Every plotted figure is a value of the report; only the per-deployment fallback of the time
chart asks `audits.metrics.record` (the one definition) for each deployment's own interval.
Charts come back as `Chart` with SVG or PNG bytes, to be embedded as a data: URI.
"""

from __future__ import annotations

import base64
import functools
import io
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from audits.metrics import IntervalMethod, Rate
from audits.metrics import record as per_record
from audits.metrics.formatting import percent
from audits.reporting.report import GroupRow, Report

TIME_KEYS = ("year", "quarter", "month")
RATE = "false_alert_rate_per_face"
MAX_SERIES = 8
MAX_DEPLOYMENT_POINTS = 400
MAX_LOCATIONS = 15
MAX_LABELLED_POINTS = 12
OUTCOMES = (
    ("arrests", "Arrests"),
    ("other_disposals", "Other disposals"),
    ("no_action", "No action"),
)
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "frt-report",  # stable element ids: the same report gives the same SVG
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    caption: str
    data: bytes | None  # None: nothing to chart
    content_type: str

    @property
    def data_uri(self) -> str:
        encoded = base64.b64encode(self.data or b"").decode("ascii")
        return f"data:{self.content_type};base64,{encoded}"


@dataclass(frozen=True)
class Point:
    x: Any
    value: float
    low: float
    high: float
    label: str


def _save(figure: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()


@functools.lru_cache(maxsize=64)
def _draw(
    fmt: str, size: tuple[float, float], paint: Callable[..., None], *plotted: Hashable
) -> bytes:
    """`paint(axes, *plotted)` drawn as `fmt`. A chart is a function of what it plots alone
    (its element ids are stable, `svg.hashsalt`), so each is drawn once per process: the
    dashboard draws the same four on every visit, at a quarter of a second each."""
    with rc_context(STYLE):
        figure = Figure(figsize=size)
        FigureCanvasAgg(figure)  # Agg, without pyplot's global state: safe in a web process
        paint(figure.subplots(), *plotted)
        return _save(figure, fmt)


def _point(x: Any, figure: Rate | None) -> Point | None:
    if figure is None or figure.value is None or figure.ci_low is None or figure.ci_high is None:
        return None
    value, low, high = (part * 100 for part in (figure.value, figure.ci_low, figure.ci_high))
    return Point(x, value, low, high, percent(figure.value))


def _errorbars(axes: Axes, points: Sequence[Point], xs: Sequence[float], label: str | None) -> None:
    axes.errorbar(
        xs,
        [point.value for point in points],
        yerr=[
            [point.value - point.low for point in points],
            [point.high - point.value for point in points],
        ],
        fmt="o",
        capsize=3,
        markersize=4,
        label=label,
    )
    if len(points) <= MAX_LABELLED_POINTS:
        for point, x in zip(points, xs, strict=True):
            axes.annotate(
                point.label,
                (x, point.high),
                textcoords="offset points",
                xytext=(0, 3),
                ha="center",
                fontsize=7,
            )


def _key_text(value: Any) -> str:
    return "unknown" if value is None else str(value)


def _rate_axes(axes: Axes, xlabel: str) -> None:
    axes.set_ylabel("False alerts per face (%)")
    axes.set_xlabel(xlabel)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)


Series = tuple[tuple[str, tuple[Point, ...]], ...]  # (name, points), hashable: `_draw` keeps it


def _series(groups: Sequence[GroupRow], time_key: str) -> Series:
    """Points per combination of the other keys (largest n first), x the time key's value."""
    series: dict[str, list[Point]] = {}
    weight: Counter[str] = Counter()
    for group in groups:
        key = dict(group.key)
        when = key.pop(time_key, None)
        point = _point(_key_text(when), group.false_alert_rate_per_face)
        if point is None:
            continue
        name = " · ".join(_key_text(value) for value in key.values())
        series.setdefault(name, []).append(point)
        weight[name] += group.false_alert_rate_per_face.n
    return tuple((name, tuple(series[name])) for name, _ in weight.most_common(MAX_SERIES))


def _time_key(report: Report) -> str | None:
    return next((key for key in report.group_by if key in TIME_KEYS), None)


def _paint_time_series(axes: Axes, series: Series, xlabel: str) -> None:
    categories = sorted(
        {point.x for _, points in series for point in points},
        key=lambda value: (value == "unknown", value),
    )
    position = {value: index for index, value in enumerate(categories)}
    width = 0.6 / max(len(series), 1)
    for index, (name, points) in enumerate(series):
        offset = (index - (len(series) - 1) / 2) * width
        xs = [position[point.x] + offset for point in points]
        _errorbars(axes, points, xs, name or None)
    axes.set_xticks(range(len(categories)), categories, rotation=45 if len(categories) > 8 else 0)
    axes.set_xlim(-0.5, len(categories) - 0.5)
    _rate_axes(axes, xlabel)
    if len(series) > 1:
        axes.legend(fontsize=7, frameon=False)


def _paint_deployment_points(axes: Axes, points: tuple[Point, ...]) -> None:
    _errorbars(axes, points, [point.x for point in points], None)
    _rate_axes(axes, "deployment date")
    axes.tick_params(axis="x", rotation=30)


def _deployment_points(report: Report) -> tuple[Point, ...]:
    method = report.interval_method or IntervalMethod.WILSON
    points = []
    for row in report.deployments:
        figure = per_record.false_alert_rate_per_face(row.false_alerts, row.faces_seen, method)
        if figure is not None and row.date:
            points.append(_point(date.fromisoformat(row.date), figure))
    return tuple(point for point in points if point is not None)


def false_alerts_over_time(report: Report, fmt: str = "svg") -> Chart:
    title = "False alert rate per face over time, with 95% intervals"
    time_key = _time_key(report)
    data, caption = None, "No false alert rate per face to chart."
    if time_key is not None:
        series = _series(report.groups, time_key)
        if series:
            data = _draw(fmt, (7, 3.2), _paint_time_series, series, time_key)
            caption = f"One point per {time_key}; bars are 95% intervals."
    else:
        points = _deployment_points(report)
        if 0 < len(points) <= MAX_DEPLOYMENT_POINTS:
            data = _draw(fmt, (7, 3.2), _paint_deployment_points, points)
            caption = "One point per deployment with faces seen known; bars are 95% intervals."
        elif points:
            caption = "Too many deployments to plot one by one: group the report by a time key."
    return Chart("false_alerts_over_time", title, caption, data, CONTENT_TYPES[fmt])


def false_alerts_by_threshold(report: Report, fmt: str = "svg") -> Chart:
    title = "False alert rate per face by threshold, with 95% intervals"
    series = _series(report.by_threshold, "threshold")
    data = _draw(fmt, (7, 3), _paint_time_series, series, "threshold") if series else None
    caption = "Bars are 95% intervals." if data else "No threshold figures to chart."
    return Chart("false_alerts_by_threshold", title, caption, data, CONTENT_TYPES[fmt])


Bars = tuple[tuple[str, int], ...]  # (label, number)


def _location_counts(report: Report) -> Bars:
    tally = Counter(_key_text(row.location) for row in report.deployments)
    top = tally.most_common(MAX_LOCATIONS)
    rest = sum(tally.values()) - sum(number for _, number in top)
    if rest:
        top.append((f"{len(tally) - len(top)} other locations", rest))
    return tuple(top)


def _paint_bars(axes: Axes, bars: Bars, xlabel: str) -> None:
    labels = [name for name, _ in bars][::-1]
    values = [number for _, number in bars][::-1]
    drawn = axes.barh(labels, values, color="#4a6fa5")
    axes.bar_label(drawn, labels=[f"{number:,}" for number in values], padding=3)
    axes.set_xlabel(xlabel)
    axes.margins(x=0.12)


def deployments_by_location(report: Report, fmt: str = "svg") -> Chart:
    bars = _location_counts(report)
    height = 1.0 + 0.25 * len(bars)
    data = _draw(fmt, (7, height), _paint_bars, bars, "deployments") if bars else None
    caption = "Deployments per location." if data else "No deployments to chart."
    return Chart(
        "deployments_by_location", "Deployments by location", caption, data, CONTENT_TYPES[fmt]
    )


def outcomes(report: Report, fmt: str = "svg") -> Chart:
    totals = report.totals
    bars = tuple(
        (label, getattr(totals, name))
        for name, label in OUTCOMES
        if totals is not None and getattr(totals, name) is not None
    )
    data = _draw(fmt, (7, 1.8), _paint_bars, bars, "people") if bars else None
    caption = "; ".join(
        f"{label} known for {getattr(totals.known, name) if totals else 0:,} of "
        f"{totals.deployments if totals else 0:,} deployments"
        for name, label in OUTCOMES
    )
    return Chart(
        "outcomes",
        "Outcomes",
        caption if data else "No outcomes to chart.",
        data,
        CONTENT_TYPES[fmt],
    )


CHARTS = (false_alerts_over_time, false_alerts_by_threshold, deployments_by_location, outcomes)


def charts(report: Report, fmt: str = "svg") -> list[Chart]:
    """All charts of the report, in reading order; `fmt` is "svg" or "png"."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"chart format must be one of {tuple(CONTENT_TYPES)}, got {fmt!r}")
    return [chart(report, fmt) for chart in CHARTS]
