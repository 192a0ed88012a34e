"""Valid request bodies for each kind of record; a test changes one thing."""

from typing import Any

START = "2025-06-03T10:00:00+01:00"
END = "2025-06-03T18:00:00+01:00"


def authorisation(**overrides: Any) -> dict[str, Any]:
    return {
        "reference": "API-AUTH-1",
        "ao_identifier": "S1234",
        "ao_rank": 5,
        "authorised_at": "2025-06-01T09:00:00+01:00",
        "valid_from": START,
        "valid_to": END,
        **overrides,
    }


def watchlist(**overrides: Any) -> dict[str, Any]:
    return {"reference": "API-WL-1", "size": 9000, **overrides}


def deployment(**overrides: Any) -> dict[str, Any]:
    return {
        "reference": "API-D-1",
        "kind": "van",
        "location_name": "Market Square",
        "date": "2025-06-03",
        "start": START,
        "end": END,
        "threshold": "0.64",
        "faces_seen": 12120,
        "total_alerts": 3,
        "true_confirmed": 2,
        "true_unconfirmed": 0,
        "false_confirmed": 1,
        "false_unconfirmed": 0,
        "arrests": 2,
        **overrides,
    }


def device_session(deployment_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "deployment": deployment_id,
        "external_id": "API-DS-1",
        "device_id": "BWV-1",
        "officer_reference": "PC1234",
        "start": START,
        "end": END,
        **overrides,
    }


def alert(deployment_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "deployment": deployment_id,
        "external_id": "API-AL-1",
        "occurred_at": "2025-06-03T11:00:00+01:00",
        "score": "0.71",
        "threshold": "0.64",
        **overrides,
    }


def search(**overrides: Any) -> dict[str, Any]:
    return {
        "external_id": "API-S-1",
        "mode": "rfr",
        "occurred_at": START,
        "purpose": "suspect",
        "probe_source": "cctv",
        **overrides,
    }


def review(deployment_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "deployment": deployment_id,
        "reviewer": "CI1000",
        "reviewed_at": "2025-06-10T10:00:00+01:00",
        "findings": "Ran as authorised.",
        **overrides,
    }
