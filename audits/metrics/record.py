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
