"""Proportions with their 95% intervals, and the ratio of two proportions.

Every rate this product reports goes through `rate()`, so that a figure never travels without
its counts and its interval (domain reference, section 4, "Intervals"). Rates are proportions in
0..1; renderers turn them into percentages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from numbers import Integral, Real
from typing import Any

# scipy.special, not scipy.stats: the same functions that beta.ppf and norm.ppf call (identical
# results), without the 2 s that importing scipy.stats adds to every start of the application.
from scipy.special import betaincinv, ndtri


class IntervalMethod(StrEnum):
    """How a rate's 95% interval is computed: the one list of choices (the API, the command,
    the admin and the reports all take it)."""

    WILSON = "wilson"  # Wilson score, the default
    EXACT = "exact"  # Clopper-Pearson

    @property
    def label(self) -> str:
        return INTERVAL_LABELS[self]


# By the method's value: a report holds it as text.
INTERVAL_LABELS: dict[str, str] = {
    IntervalMethod.WILSON: "Wilson score",
    IntervalMethod.EXACT: "Clopper-Pearson (exact)",
}
METHODS = tuple(IntervalMethod)


@dataclass(frozen=True)
class Rate:
    """k events out of n, the estimate k/n and its two-sided interval.

    `zero_events_upper_bound` is the one-sided upper bound 1 - (1 - confidence)^(1/n), set only
    when k == 0 and n > 0: with zero events the honest statement is "at most this", never "none".
    `invalid` says why a rate has no value when its counts are bad data (k > n, see
    `metrics._frame.checked_rate`); it is in `to_dict()` only when set.

    A rate stays this object through the report and its renderers; only JSON takes `to_dict()`.
    """

    k: int
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    method: str
    zero_events_upper_bound: float | None = None
    invalid: str | None = None

    def to_dict(self) -> dict[str, Any]:
        as_dict: dict[str, Any] = {
            "k": self.k,
            "n": self.n,
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "method": str(self.method),
            "zero_events_upper_bound": self.zero_events_upper_bound,
        }
        if self.invalid is not None:
            as_dict["invalid"] = self.invalid
        return as_dict


@dataclass(frozen=True)
class RateRatio:
    """The ratio of the rate k1/n1 to the reference rate k0/n0 with its interval (`rate_ratio`).

    `value` and the interval are None when there is nothing to compare; `note` says why, or
    that a continuity correction was applied (`zero_events`).
    """

    k1: int
    n1: int
    k0: int
    n0: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    method: str
    zero_events: bool
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "k1": self.k1,
            "n1": self.n1,
            "k0": self.k0,
            "n0": self.n0,
            "value": self.value,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "method": self.method,
            "zero_events": self.zero_events,
            "note": self.note,
        }


def as_count(value: Any, name: str) -> int:
    """An event or trial count as an int; raises on negatives, fractions, NaN and booleans.

    Sums of pandas float columns arrive as 7.0, which is a valid count; 7.5 is not.
    """
    # Plain ints and whole floats (never a bool: its type is bool) skip the abstract-class
    # checks, which cost more than the rest of an interval.
    if type(value) is int:
        count = value
    elif type(value) is float and value.is_integer():
        count = int(value)
    else:
        count = _whole_number(value, name)
    if count < 0:
        raise ValueError(f"{name} must not be negative, got {count}")
    return count


def _whole_number(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, Integral):
        return int(value)
    if not math.isfinite(value) or value != int(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(value)


def _check_counts(k: Any, n: Any) -> tuple[int, int]:
    k, n = as_count(k, "k"), as_count(n, "n")
    if k > n:
        raise ValueError(f"k ({k}) must not exceed n ({n})")
    return k, n


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")


@lru_cache(maxsize=16)
def _z(confidence: float) -> float:
    """The two-sided normal quantile for `confidence` (1.959963984540054 at 95%).

    The quantile (scipy's `ndtri`, which `norm.ppf` calls) is far dearer than the interval around
    it, and a report asks for the same confidence tens of thousands of times: compute it once.
    """
    return float(ndtri(0.5 + confidence / 2))


def _clamp(low: float, high: float, estimate: float) -> tuple[float, float]:
    # Floating point can push a bound a hair outside [0, 1] or past the estimate at the
    # extremes; the interval must always contain the estimate and stay a proportion.
    low = min(max(low, 0.0), estimate)
    high = max(min(high, 1.0), estimate)
    return low, high


def wilson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval without continuity correction (the default method)."""
    k, n = _check_trials(k, n, confidence, "an interval")
    return _wilson(k, n, _z(confidence))


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    p = k / n
    denominator = 2 * (n + z * z)
    centre = (2 * n * p + z * z) / denominator
    half_width = z * math.sqrt(4 * n * p * (1 - p) + z * z) / denominator
    # At k == 0 and k == n the bound is exactly 0 or 1; computing it would leave rounding dust.
    low = 0.0 if k == 0 else centre - half_width
    high = 1.0 if k == n else centre + half_width
    return _clamp(low, high, p)


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson ("exact") interval from the beta distribution's quantiles: betaincinv(a,
    b, q) is beta.ppf(q, a, b)."""
    k, n = _check_trials(k, n, confidence, "an interval")
    return _clopper_pearson(k, n, confidence)


def _clopper_pearson(k: int, n: int, confidence: float) -> tuple[float, float]:
    alpha = 1 - confidence
    low = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, alpha / 2))
    high = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1 - alpha / 2))
    return _clamp(low, high, k / n)


def rule_of_three_upper(n: int, confidence: float = 0.95) -> float:
    """One-sided upper bound for a rate with zero events in n: 1 - (1 - confidence)^(1/n).

    About 3/n at 95%, hence the name. Uses expm1/log so that it stays accurate for large n.
    """
    n = as_count(n, "n")
    _check_confidence(confidence)
    if n == 0:
        raise ValueError("an upper bound needs n > 0")
    return _rule_of_three_upper(n, confidence)


def _rule_of_three_upper(n: int, confidence: float) -> float:
    return -math.expm1(math.log(1 - confidence) / n)


def _check_trials(k: Any, n: Any, confidence: float, what: str) -> tuple[int, int]:
    """Counts and confidence checked for an interval or bound, which needs n > 0."""
    k, n = _check_counts(k, n)
    _check_confidence(confidence)
    if n == 0:
        raise ValueError(f"{what} needs n > 0")
    return k, n


def rate(k: int, n: int, method: str = IntervalMethod.WILSON, confidence: float = 0.95) -> Rate:
    """k out of n as a `Rate`; with n == 0 the value and interval are None (unknown, not zero)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {tuple(map(str, METHODS))}, got {method!r}")
    method = IntervalMethod(method)
    k, n = _check_counts(k, n)
    _check_confidence(confidence)
    if n == 0:
        return Rate(k=k, n=n, value=None, ci_low=None, ci_high=None, method=method)
    # Checked once above: the unchecked forms keep a per-deployment table cheap.
    if method is IntervalMethod.WILSON:
        low, high = _wilson(k, n, _z(confidence))
    else:
        low, high = _clopper_pearson(k, n, confidence)
    upper = _rule_of_three_upper(n, confidence) if k == 0 else None
    return Rate(
        k=k,
        n=n,
        value=k / n,
        ci_low=low,
        ci_high=high,
        method=method,
        zero_events_upper_bound=upper,
    )


def rate_ratio(k1: int, n1: int, k0: int, n0: int, confidence: float = 0.95) -> RateRatio:
    """Ratio of the rate k1/n1 to the reference rate k0/n0, with a Katz log interval.

    When either group has zero events, 0.5 is added to each cell of the 2x2 table (k + 0.5 events,
    n + 1 trials; Haldane-Anscombe) and the method says "katz_log_cc". With zero events in both
    groups there is nothing to compare: value and interval are None, never a ratio of 1 that a
    reader could take for "no difference". The counts always travel with the result.
    """
    k1, n1 = _check_counts(k1, n1)
    k0, n0 = _check_counts(k0, n0)
    _check_confidence(confidence)
    corrected = k1 == 0 or k0 == 0
    counts = {"k1": k1, "n1": n1, "k0": k0, "n0": n0}
    method = "katz_log_cc" if corrected else "katz_log"

    def no_ratio(note: str) -> RateRatio:
        return RateRatio(
            **counts,
            value=None,
            ci_low=None,
            ci_high=None,
            method=method,
            zero_events=corrected,
            note=note,
        )

    if n1 == 0 or n0 == 0:
        return no_ratio("a group has no trials: no ratio")
    if k1 == 0 and k0 == 0:
        return no_ratio("no events in either group: no ratio can be estimated")
    a, m1, c, m0 = (k1 + 0.5, n1 + 1, k0 + 0.5, n0 + 1) if corrected else (k1, n1, k0, n0)
    log_ratio = math.log((a / m1) / (c / m0))
    standard_error = math.sqrt(1 / a - 1 / m1 + 1 / c - 1 / m0)
    z = _z(confidence)
    return RateRatio(
        **counts,
        value=math.exp(log_ratio),
        ci_low=math.exp(log_ratio - z * standard_error),
        ci_high=math.exp(log_ratio + z * standard_error),
        method=method,
        zero_events=corrected,
        note="zero events in a group: 0.5 continuity correction applied" if corrected else None,
    )
