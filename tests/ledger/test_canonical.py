"""The bytes each hash covers are the canonical JSON of the whole event, and verify_rows walks a
chain of them, naming the first event that does not fit."""

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from audits.ledger import services as ledger

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(
    seq=st.integers(min_value=1, max_value=2**62),
    texts=st.lists(st.text(), min_size=8, max_size=8),
    changes=st.dictionaries(st.text(), json_values, max_size=4),
)
def test_event_bytes_are_the_canonical_json_of_the_whole_event(seq, texts, changes):
    names = ["occurred_at", "actor", "force", "action", "object_type", "object_id", "reason"]
    fields = {"seq": seq, **dict(zip(names, texts, strict=False)), "prev_hash": texts[7]}

    spliced = ledger.event_bytes(**fields, changes=ledger.canonical_json(changes))

    whole = {**fields, "changes": changes}
    expected = json.dumps(whole, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert spliced == expected.encode("utf-8")


def _chain(length: int) -> list[tuple]:
    rows, prev_hash = [], ledger.GENESIS_HASH
    for seq in range(1, length + 1):
        fields = (seq, "2025-01-01T00:00:00.000000+00:00", "a", "", "create", "t", "1", "{}", "")
        body = ledger.event_bytes(*fields, prev_hash)  # format 1
        rows.append((*fields, prev_hash, 1, "", hashlib.sha256(body).hexdigest()))
        prev_hash = rows[-1][-1]
    return rows


def test_a_valid_chain_verifies_to_its_last_hash():
    rows = _chain(5)

    assert ledger.verify_rows(rows) == ledger.Verification(True, 5, rows[-1][-1])


def test_an_empty_ledger_verifies_to_the_genesis_hash():
    assert ledger.verify_rows([]) == ledger.Verification(True, 0, ledger.GENESIS_HASH)


def test_a_value_of_the_wrong_type_is_named_not_raised():
    rows = _chain(5)
    rows[2] = (*rows[2][:2], None, *rows[2][3:])  # a NULL actor, say

    result = ledger.verify_rows(rows)

    assert (result.ok, result.first_bad_seq, result.events) == (False, 3, 2)
    assert result.problem.startswith("a field holds a value that cannot be encoded")


def test_a_seq_that_is_not_a_number_is_named():
    rows = _chain(5)
    rows[4] = ("5", *rows[4][1:])

    result = ledger.verify_rows(rows)

    assert (result.ok, result.first_bad_seq) == (False, 5)
    assert result.problem == "event 5 is missing: the next event stored is '5'"
