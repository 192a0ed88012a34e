"""Timeliness: lead times, reviews, deletions and urgent authority, judged only when due."""

from datetime import datetime

import pandas as pd
import pytest

from audits.metrics.timeliness import (
    authorisation_lead_times,
    deletions_on_time,
    reviews_within_policy,
    timeliness_summary,
    urgent_authority_confirmed,
)

T = pd.Timestamp
NAT = pd.NaT
FRAME = pd.DataFrame(
    {
        "record": ["D-1", "D-2", "D-3", "D-4"],
        "authorised_at": [T("2024-03-01 09:00"), T("2024-03-04 12:00"), NAT, T("2024-03-20 10:00")],
        "start": [
            T("2024-03-02 09:00"),
            T("2024-03-05 00:00"),
            T("2024-03-10"),
            T("2024-03-20 08:00"),
        ],
        "end": [
            T("2024-03-02 17:00"),
            T("2024-03-05 08:00"),
            T("2024-03-10 06:00"),
            T("2024-03-20 16:00"),
        ],
        "review_due_days": [28.0, 28.0, 28.0, None],
        "reviewed_at": [T("2024-03-20"), T("2024-04-10"), NAT, NAT],
        "deletion_due_at": [T("2024-03-03"), T("2024-03-06"), T("2024-03-11"), T("2024-04-30")],
        "deleted_at": [T("2024-03-02 18:00"), T("2024-03-07"), NAT, NAT],
        "urgent": [False, True, None, True],
        "urgent_confirmed_at": [NAT, T("2024-03-05 10:00"), NAT, T("2024-03-23 10:00")],
    }
)
AS_OF = datetime(2024, 4, 1)


def test_authorisation_lead_time_in_hours_lists_authority_after_start():
    result = authorisation_lead_times(FRAME)
    assert (result["known"], result["unknown"]) == (3, 1)
    assert (result["min_hours"], result["median_hours"], result["max_hours"]) == (-2.0, 12.0, 24.0)
    assert result["authorised_after_start"] == ["D-4"]


def test_review_within_policy_leaves_not_yet_due_reviews_pending():
    result = reviews_within_policy(FRAME, as_of=AS_OF)
    # D-1 reviewed in time; D-2 after its 2 April deadline; D-3 due 7 April: pending.
    assert (result["on_time"].k, result["on_time"].n) == (1, 2)
    assert result["pending"] == 1
    assert result["no_deadline"] == 1
    assert result["late"] == ["D-2"]


def test_review_without_as_of_counts_every_missing_review_as_late():
    result = reviews_within_policy(FRAME)
    assert (result["on_time"].k, result["on_time"].n) == (1, 3)
    assert result["late"] == ["D-2", "D-3"]


def test_deletions_on_time():
    result = deletions_on_time(FRAME, as_of=AS_OF)
    assert (result["on_time"].k, result["on_time"].n) == (1, 3)
    assert result["late"] == ["D-2", "D-3"]
    assert result["pending"] == 1


def test_urgent_authority_confirmed_within_the_policy_limit():
    result = urgent_authority_confirmed(FRAME, limit_hours=24, as_of=AS_OF)
    # D-2 confirmed after 22 hours; D-4 after 72 hours. D-3's urgency is unknown: not counted.
    assert (result["on_time"].k, result["on_time"].n) == (1, 2)
    assert result["late"] == ["D-4"]
    assert urgent_authority_confirmed(FRAME, limit_hours=72)["on_time"].value == 1.0


def test_timeliness_summary_gathers_all_four_figures():
    result = timeliness_summary(FRAME, urgent_limit_hours=24, as_of=AS_OF)
    assert set(result) == {
        "authorisation_lead_time",
        "review_within_policy",
        "deletion_on_time",
        "urgent_authority_confirmed",
    }
    assert result["deletion_on_time"]["on_time"].value == pytest.approx(1 / 3)


def test_timeliness_names_missing_columns():
    with pytest.raises(ValueError, match="reviewed_at"):
        reviews_within_policy(FRAME.drop(columns=["reviewed_at"]))
