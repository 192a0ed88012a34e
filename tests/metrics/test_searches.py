"""RFR and OIFR search figures."""

import pandas as pd
import pytest

from audits.metrics.searches import search_rates, search_summary, searches_by

SEARCHES = pd.DataFrame(
    {
        "record": [f"S-{n}" for n in range(1, 7)],
        "force": ["MPS"] * 6,
        "date": pd.to_datetime(["2024-01-05", "2024-01-09", "2024-02-01"] * 2),
        "mode": ["RFR", "RFR", "RFR", "RFR", "OIFR", "OIFR"],
        "offence_type": ["burglary", "burglary", "robbery", None, "theft", None],
        "purpose": ["suspect", "suspect", "suspect", "missing", None, "suspect"],
        "candidates_returned": [6.0, 0.0, 6.0, 6.0, 6.0, 6.0],
        "outcome": ["lead", "no_match", "eliminated", "lead", "lead", None],
        "possible_match": [True, False, True, True, True, None],
        "corroboration_recorded": [True, False, False, True, False, None],
        "two_person_review": [True, False, True, None, True, True],
        "arrest": [True, False, False, False, True, None],
        "oifr_legal_condition": [None, None, None, None, "refused details", None],
    }
)


def test_searches_are_counted_by_offence_and_purpose_with_not_recorded_last():
    counts = searches_by(SEARCHES)
    assert [(c["key"]["offence_type"], c["key"]["purpose"], c["searches"]) for c in counts] == [
        ("burglary", "suspect", 2),
        ("robbery", "suspect", 1),
        ("theft", None, 1),
        (None, "missing", 1),
        (None, "suspect", 1),
    ]


def test_searches_can_be_counted_by_month():
    assert [c["key"]["month"] for c in searches_by(SEARCHES, ["month"])] == ["2024-01", "2024-02"]


def test_possible_match_rate_leaves_unrecorded_outcomes_out():
    result = search_rates(SEARCHES)["possible_match_rate"]
    assert (result.k, result.n) == (4, 5)


def test_corroboration_rate_is_among_possible_matches():
    result = search_rates(SEARCHES)["corroboration_rate"]
    assert (result.k, result.n) == (2, 4)
    assert result.value == 0.5


def test_two_person_review_rate_and_offence_recording():
    rates = search_rates(SEARCHES)
    assert (rates["two_person_review_rate"].k, rates["two_person_review_rate"].n) == (4, 5)
    assert (rates["offence_type_recorded"].k, rates["offence_type_recorded"].n) == (4, 6)


def test_oifr_legal_condition_recorded_is_among_oifr_searches():
    result = search_rates(SEARCHES)["oifr_legal_condition_recorded"]
    assert (result.k, result.n) == (1, 2)


def test_search_summary_splits_rfr_and_oifr():
    summary = search_summary(SEARCHES)
    assert [(s["key"]["mode"], s["searches"]) for s in summary] == [("OIFR", 2), ("RFR", 4)]
    assert summary[1]["possible_match_rate"].value == 3 / 4


def test_unsupported_search_keys_are_refused():
    with pytest.raises(ValueError):
        searches_by(SEARCHES, ["officer"])
