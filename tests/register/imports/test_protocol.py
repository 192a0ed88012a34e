"""The import protocol's own parts: one digest, one error's line, one signed confirmation that
holds only for its user, its age and the very preview it was signed for."""

import hashlib
import time

import pytest

from audits.register.imports.protocol import (
    CREATE,
    PRESENT,
    Confirmation,
    ImportPreview,
    RowError,
    RowPreview,
    confirmation_read,
    confirmation_sign,
    file_digest,
)

SALT = "tests.register.imports.protocol"


def preview(*actions: str, digest: str = "d" * 64) -> ImportPreview:
    rows = [RowPreview(number, {}, action) for number, action in enumerate(actions, start=2)]
    return ImportPreview("alerts.csv", digest, rows)


def test_the_digest_is_the_sha256_of_the_files_bytes(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_bytes(b"row_id,force\r\nMPS-001,MPS\r\n")
    assert file_digest(path) == hashlib.sha256(b"row_id,force\r\nMPS-001,MPS\r\n").hexdigest()


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (RowError(None, None, "grid.pdf: expected a .csv or .xlsx file"), "file: grid.pdf: ex"),
        (RowError(1, "page", "missing required column"), "header, column page: missing required"),
        (RowError(7, "score", "Must be within 0..1 (1.7 given).", value=1.7), "row 7, column sco"),
        (RowError(11, "arrests", "'-1' is negative", "-1", "MPS-010"), "row 11 (MPS-010), column"),
    ],
)
def test_an_error_names_its_row_and_column(error, line):
    assert str(error).startswith(line)
    assert str(error).endswith(f": {error.reason}")


def test_a_confirmation_reads_back_what_was_signed_for_its_user():
    shown = preview(CREATE, PRESENT)
    signed = confirmation_sign(shown, salt=SALT, user_pk=7, token="t.csv", force=3, time_zone="")
    assert confirmation_read(signed, salt=SALT, user_pk=7, max_age=60) == Confirmation(
        "t.csv", "alerts.csv", shown.digest, shown.outcome, {"force": 3, "time_zone": ""}
    )


def test_a_confirmation_is_refused_for_another_user_salt_age_or_tampering(monkeypatch):
    signed = confirmation_sign(preview(CREATE), salt=SALT, user_pk=7, token="t.csv")
    assert confirmation_read(signed, salt=SALT, user_pk=8, max_age=60) is None
    assert confirmation_read(signed, salt="another.salt", user_pk=7, max_age=60) is None
    tampered = signed[:-1] + ("A" if signed[-1] != "A" else "B")
    assert confirmation_read(tampered, salt=SALT, user_pk=7, max_age=60) is None
    assert confirmation_read("", salt=SALT, user_pk=7, max_age=60) is None
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert confirmation_read(signed, salt=SALT, user_pk=7, max_age=60) is None


def test_a_confirmation_matches_only_the_same_file_doing_the_same_to_every_row():
    shown = preview(CREATE, PRESENT)
    signed = confirmation_sign(shown, salt=SALT, user_pk=7, token="t.csv")
    confirmation = confirmation_read(signed, salt=SALT, user_pk=7, max_age=60)
    assert confirmation.matches(preview(CREATE, PRESENT))
    assert not confirmation.matches(preview(PRESENT, PRESENT))  # the register changed
    assert not confirmation.matches(preview(CREATE, PRESENT, digest="e" * 64))  # another file
    failing = preview(CREATE, PRESENT)
    failing.errors.append(RowError(2, "deployment", "Deployment 'D1' is submitted"))
    assert not confirmation.matches(failing)
