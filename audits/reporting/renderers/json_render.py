"""The report as JSON: the dictionary as it stands, rates as proportions of 0..1."""

import json
from typing import Any


def render_json(report: dict[str, Any]) -> bytes:
    # allow_nan=False: a NaN that slipped through is a bug to see, not "NaN" for a reader to parse.
    text = json.dumps(report, allow_nan=False, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
