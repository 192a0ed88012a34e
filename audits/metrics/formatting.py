"""How figures read to a person: percentages with their interval, "1 in N"."""

from audits.metrics.intervals import Rate


def percent(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value * 100:.{digits}g}%" if value and value < 0.001 else f"{value * 100:.{digits}f}%"


def rate_with_interval(figure: Rate | None) -> str:
    if figure is None or figure.value is None:
        return "-"
    return f"{percent(figure.value)} ({percent(figure.ci_low)} to {percent(figure.ci_high)})"


def one_in(figure: Rate | None) -> str:
    if figure is None or not figure.k:
        return "-"
    return f"1 in {round(figure.n / figure.k):,}"
