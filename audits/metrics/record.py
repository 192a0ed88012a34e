"""The per-record form of the alert-count rules, for one deployment at a time (admin columns).

Same rules as `deployments.derive_counts`, which applies them to a whole frame: true = confirmed
+ unconfirmed where a split is published (an unknown half counts as 0 only if the other half is
known), otherwise the published true total; false = confirmed + unconfirmed, same rule.
"""

from audits.metrics.intervals import IntervalMethod, Rate, rate


def _split_sum(first: int | None, second: int | None) -> int | None:
    if first is None and second is None:
        return None
    return (first or 0) + (second or 0)


def true_alerts(confirmed: int | None, unconfirmed: int | None, total: int | None) -> int | None:
    split = _split_sum(confirmed, unconfirmed)
    return split if split is not None else total


def false_alerts(confirmed: int | None, unconfirmed: int | None) -> int | None:
    return _split_sum(confirmed, unconfirmed)


def false_alert_rate_per_face(
    false: int | None, faces: int | None, method: str = IntervalMethod.WILSON
) -> Rate | None:
    if false is None or faces is None or faces == 0:
        return None
    return rate(false, faces, method)


def false_alert_share_of_alerts(
    false: int | None, alerts: int | None, method: str = IntervalMethod.WILSON
) -> Rate | None:
    if false is None or alerts is None or alerts == 0:
        return None
    return rate(false, alerts, method)


def alert_rows_differences(recorded: dict[str, int | None], rows: dict[str, int]) -> list[str]:
    """How a deployment's recorded alert totals differ from its alert rows, one phrase per
    figure (empty when they agree, or when it has no alert rows: then the totals are the only
    source). `recorded` and `rows` hold `alerts`, `true_alerts` and `false_alerts`; a recorded
    figure that is unknown while rows exist is a difference too, as the reports would then show
    one figure from the totals and another from the rows."""
    if rows["alerts"] == 0:
        return []
    differences = []
    for name, label in ALERT_ROW_FIGURES.items():
        if recorded[name] != rows[name]:
            shown = "not recorded" if recorded[name] is None else f"{recorded[name]:,}"
            differences.append(f"{label} {shown}, alert rows {rows[name]:,}")
    return differences


ALERT_ROW_FIGURES = {
    "alerts": "alerts",
    "true_alerts": "true alerts",
    "false_alerts": "false alerts",
}
