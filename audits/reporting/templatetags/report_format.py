"""Template filters for reports: counts with thousands separators, rates as percentages with
their interval and "1 in N", built on `audits.metrics.formatting` so that the admin, the HTML
report and
the PDF read the same. Inputs are the report's values (`audits.reporting.report`): rates are
`Rate`s, rate ratios `RateRatio`s; None (a figure not in the report) reads "-".
"""

from collections.abc import Mapping
from typing import Any

from django import template

from audits.metrics import formatting
from audits.metrics.intervals import Rate, RateRatio
from audits.reporting.flatten import heading

register = template.Library()

MISSING = "-"
UNKNOWN_KEY = "unknown"
LEDGER_CHUNK = 16


@register.filter
def count(value: Any) -> str:
    """12345 -> "12,345"; a non-whole number keeps one decimal; unknown -> "-"."""
    if value is None or isinstance(value, bool):
        return MISSING if value is None else str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


@register.filter
def percent(value: float | None) -> str:
    return formatting.percent(value)


@register.filter
def rate_interval(figure: Rate | None) -> str:
    """ "0.0025% (0.0014% to 0.0043%)"."""
    return formatting.rate_with_interval(figure)


@register.filter
def one_in(figure: Rate | None) -> str:
    return formatting.one_in(figure)


@register.filter
def k_of_n(figure: Rate | None) -> str:
    if figure is None:
        return MISSING
    return f"{count(figure.k)} / {count(figure.n)}"


@register.filter
def zero_events_note(figure: Rate | None) -> str:
    """With zero events, the honest statement: "at most X (one-sided 95%)"; else ""."""
    bound = figure.zero_events_upper_bound if figure is not None else None
    return "" if bound is None else f"at most {formatting.percent(bound)} (one-sided 95%)"


@register.filter
def ratio_interval(ratio: RateRatio | None) -> str:
    """A rate ratio "2.50 (0.90 to 6.94)"; its note when there is no ratio."""
    if ratio is None:
        return MISSING
    if ratio.value is None or ratio.ci_low is None or ratio.ci_high is None:
        return ratio.note or MISSING
    return f"{ratio.value:.2f} ({ratio.ci_low:.2f} to {ratio.ci_high:.2f})"


@register.filter
def key_value(value: Any) -> str:
    return UNKNOWN_KEY if value is None else str(value)


@register.filter
def key_label(key: Mapping[str, Any] | None) -> str:
    """A group key {"year": 2021, "force": "MPS"} as "2021 · MPS"."""
    if not key:
        return "All"
    return " · ".join(key_value(value) for value in key.values())


@register.filter
def label(name: str) -> str:
    """A field name as words: "false_alert_rate_per_face" -> "False alert rate per face"."""
    return heading(name)


@register.filter
def filter_value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "any"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


@register.filter
def ledger_chunks(head: str | None) -> list[str]:
    """The ledger head in groups of 16 characters, so that it wraps (and extracts) cleanly."""
    text = head or ""
    return [text[start : start + LEDGER_CHUNK] for start in range(0, len(text), LEDGER_CHUNK)]


@register.filter
def whole(value: float | None) -> str:
    """A derived number such as a mean watchlist size, rounded: 11425.2 -> "11,425"."""
    return MISSING if value is None else f"{round(value):,}"
