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
