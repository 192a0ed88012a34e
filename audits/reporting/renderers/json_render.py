"""The report as JSON: its sections as they stand, rates as dicts of proportions of 0..1
(`Report.to_json()`: the one place a `Rate` becomes a dict)."""

import json

from audits.reporting.report import Report


def render_json(report: Report) -> bytes:
    # allow_nan=False: a NaN that slipped through is a bug to see, not "NaN" for a reader to parse.
    text = json.dumps(report.to_json(), allow_nan=False, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
