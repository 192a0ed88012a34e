"""A database made before the split into apps upgrades in place.

The database is made by the code of the last commit before the split (BEFORE_SPLIT, taken from
this repository's own history with `git archive`), with the full demo loaded, exactly as
`make run` made it then. It is cached in var/ under that commit's name, since the old code never
changes. Then today's code migrates a copy, and every table's rows are compared with the
original: only the content types' app labels (relabelled, same ids) and the migration history
may differ, and the ledger still verifies to the same head.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BEFORE_SPLIT = "6e289381ddc9492b7771ce3e160421aae6d2bd9d"
CACHE = ROOT / "var" / "upgrade" / f"{BEFORE_SPLIT[:12]}.sqlite3"
NEW_LABELS = {
    "ledgerevent": "ledger",
    "policyprofile": "compliance",
    "rule": "compliance",
    "finding": "compliance",
    "commissionerreview": "oversight",
    "reviewmessage": "oversight",
}
# Tables whose rows this change is meant to change; every other table must be identical.
CHANGED = {"django_content_type", "django_migrations"}


def manage(tree: Path, database: Path, *args: str) -> str:
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the tree's own settings, not the tests'
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr[-4000:]}"
    return done.stdout


def database_before_split(tmp_path: Path) -> Path:
    if CACHE.exists():
        return CACHE
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", BEFORE_SPLIT],
        capture_output=True,
        check=True,
    ).stdout
    old_tree = tmp_path / "before-split"
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(old_tree, filter="data")
    made = tmp_path / "made.sqlite3"
    manage(old_tree, made, "migrate", "--no-input")
    manage(old_tree, made, "seed_demo")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(made, CACHE)
    return CACHE


def rows(database: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            for table in tables
        }


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory) -> tuple[dict, dict, str, str]:
    tmp_path = tmp_path_factory.mktemp("upgrade")
    before = database_before_split(tmp_path)
    copy = tmp_path / "upgraded.sqlite3"
    shutil.copy(before, copy)
    head_before = manage(ROOT, copy, "verify_ledger")  # today's verifier on the old database
    manage(ROOT, copy, "migrate", "--no-input")
    head_after = manage(ROOT, copy, "verify_ledger")
    manage(ROOT, copy, "makemigrations", "--check", "--dry-run")  # state matches the models
    return rows(before), rows(copy), head_before, head_after


def test_every_table_keeps_every_row(upgraded):
    before, after, _, _ = upgraded
    assert sorted(before) == sorted(after)  # no table made, none dropped
    assert sum(len(before[t]) for t in before) > 15_000  # the demo is there (18,220 rows)
    for table in sorted(set(before) - CHANGED):
        assert after[table] == before[table], f"{table} changed"


def test_the_ledger_verifies_to_the_same_head(upgraded):
    _, _, head_before, head_after = upgraded
    assert head_before.startswith("Ledger verified: ")
    assert head_after == head_before


def test_content_types_keep_their_ids_under_their_new_apps(upgraded):
    before, after, _, _ = upgraded
    old = {row[0]: row[1:] for row in before["django_content_type"]}
    new = {row[0]: row[1:] for row in after["django_content_type"]}
    assert sorted(new) == sorted(old)
    for pk, (app_label, model) in old.items():
        expected = NEW_LABELS.get(model, "register") if app_label == "audits" else app_label
        assert new[pk] == (expected, model)
    assert not [row for row in new.values() if row[0] == "audits"]


def test_permissions_and_roles_are_unchanged(upgraded):
    before, after, _, _ = upgraded
    # the same permissions (id, content type, codename) and the same grants to each role
    assert after["auth_permission"] == before["auth_permission"]
    assert after["auth_group_permissions"] == before["auth_group_permissions"]
    assert len(before["auth_group_permissions"]) > 200


def test_the_migration_history_only_grows(upgraded):
    before, after, _, _ = upgraded
    names = lambda table: [(app, name) for _, app, name, _ in table]  # noqa: E731
    assert names(after["django_migrations"])[: len(before["django_migrations"])] == names(
        before["django_migrations"]
    )
    added = names(after["django_migrations"])[len(before["django_migrations"]) :]
    assert ("audits", "0020_tables_to_apps") in added
    assert ("audits", "0021_content_types_to_apps") in added
    assert ("register", "0001_initial") in added
