"""Charts drawn from the report."""

import pytest

from audits.reporting.renderers.charts import (
    MAX_LOCATIONS,
    _draw,
    _location_counts,
    charts,
    deployments_by_location,
    false_alerts_over_time,
    outcomes,
)
from tests.reporting.renderers.conftest import build

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_every_chart_is_drawn_as_svg(report):
    drawn = charts(report)
    assert [chart.name for chart in drawn] == [
        "false_alerts_over_time",
        "false_alerts_by_threshold",
        "deployments_by_location",
        "outcomes",
    ]
    for chart in drawn:
        assert chart.data is not None and b"<svg" in chart.data
        assert chart.data_uri.startswith("data:image/svg+xml;base64,")


def test_charts_can_be_png(report):
    assert all(chart.data.startswith(PNG_MAGIC) for chart in charts(report, "png"))


def test_an_unknown_format_is_refused(report):
    with pytest.raises(ValueError):
        charts(report, "gif")


def test_the_same_report_gives_the_same_svg(report):
    # Drawn twice for real: each draw would otherwise come from the cache of drawn charts.
    _draw.cache_clear()
    first = false_alerts_over_time(report).data
    _draw.cache_clear()
    assert false_alerts_over_time(report).data == first


def test_a_chart_of_the_same_figures_is_drawn_once(report, met_frame):
    _draw.cache_clear()
    first = outcomes(report).data
    assert outcomes(report).data is first
    assert _draw.cache_info().hits == 1
    other = outcomes(build(met_frame.head(3))).data
    assert other != first and _draw.cache_info().misses == 2


def test_without_a_time_key_the_time_chart_plots_each_deployment(met_frame):
    chart = false_alerts_over_time(build(met_frame, group_by=["force"]))
    assert chart.data is not None
    assert "per deployment" in chart.caption


def test_grouped_by_time_and_force_it_draws_one_series_per_force(met_frame):
    chart = false_alerts_over_time(build(met_frame, group_by=["force", "quarter"]))
    assert chart.caption.startswith("One point per quarter")


def test_locations_beyond_the_top_ones_are_counted_together(met_frame):
    frame = met_frame.assign(location=[f"Site {number}" for number in range(len(met_frame))])
    report = build(frame)
    bars = _location_counts(report)
    assert len(bars) == MAX_LOCATIONS + 1
    assert bars[-1] == (f"{len(frame) - MAX_LOCATIONS} other locations", len(frame) - MAX_LOCATIONS)
    assert deployments_by_location(report).data is not None


def test_outcomes_say_how_many_deployments_they_rest_on(report):
    assert "Arrests known for 31 of 32 deployments" in outcomes(report).caption


def test_an_empty_report_has_no_chart_data_and_says_so(empty_report):
    for chart in charts(empty_report):
        assert chart.data is None
        assert chart.caption.startswith("No ")
