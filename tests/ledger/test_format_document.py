"""docs/ledger-format.md's worked examples are true: their bytes are what this code writes, and
their hashes are the SHA-256 of those bytes. A verifier written from the page alone agrees."""

import hashlib
import json
import re
from pathlib import Path

import rfc8785

from audits.ledger.encoding import canonical
from audits.ledger.services import GENESIS_HASH, event_bytes

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "ledger-format.md"


def example(title: str) -> tuple[list[str], str]:
    """The code blocks of the section headed `title`, and the hash it states."""
    text = DOCUMENT.read_text(encoding="utf-8")
    section = text.split(f"### {title}\n", 1)[1].split("\n#", 1)[0]
    blocks = re.findall(r"```[a-z]*\n(.*?)\n```", section, flags=re.DOTALL)
    (stated,) = re.findall(r"`([0-9a-f]{64})`", section.replace(GENESIS_HASH, ""))
    return blocks, stated


def test_the_format_1_example_is_the_bytes_of_its_event_and_hashes_as_stated():
    (written,), stated = example("A worked example of format 1")
    event = event_bytes(
        1,
        "2025-01-02T03:04:05.000006+00:00",
        "ann",
        "NMP",
        "create",
        "deployment",
        "7",
        '{"faces_seen":[null,1200]}',
        "",
        GENESIS_HASH,
    )
    assert event == written.encode("utf-8")
    assert hashlib.sha256(event).hexdigest() == stated


def test_the_format_2_example_encodes_as_shown_and_hashes_as_stated():
    (value, written), stated = example("A worked example of format 2's encoding")
    encoded = canonical(json.loads(value))
    assert encoded == written.encode("utf-8") == rfc8785.dumps(json.loads(value))
    assert hashlib.sha256(encoded).hexdigest() == stated


def test_the_format_2_event_example_is_rfc_8785_and_hashes_as_stated():
    (written,), stated = example("A worked example of format 2")
    event = json.loads(written)
    rows = [
        {
            "table": "audits_deployment",
            "id": 7,
            "op": "update",
            "values": {
                "status": "submitted",
                "submitted_at": "2025-01-03T09:30:00.000000Z",
                "updated_at": "2025-01-03T09:30:00.000000Z",
            },
        }
    ]
    changes = {
        "status": ["draft", "submitted"],
        "submitted_at": [None, "2025-01-03T09:30:00.000000Z"],
    }
    _, format_1_hash = example("A worked example of format 1")
    spliced = event_bytes(
        2,
        "2025-01-03T09:30:00.000125Z",
        "ann",
        "NMP",
        "submit",
        "deployment",
        "7",
        canonical(changes).decode(),
        "",
        format_1_hash,  # the chain carries on from format 1
        2,
        canonical(rows).decode(),
    )
    assert spliced == written.encode("utf-8") == rfc8785.dumps(event)
    assert (event["rows"], event["changes"], event["format"]) == (rows, changes, 2)
    assert hashlib.sha256(spliced).hexdigest() == stated
