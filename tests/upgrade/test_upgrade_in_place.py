"""A database made before the split into apps upgrades in place.

The database was made by the code of the last commit before the split (BEFORE_SPLIT), with the
full demo loaded, exactly as `make run` made it then, and is kept compressed beside this file
(`before-split.sqlite3.xz`, 1.3 MB): making it again costs the old code's migrate and seed_demo,
two minutes. `python -m tests.upgrade.test_upgrade_in_place` makes it again from this
repository's own history (`git archive BEFORE_SPLIT`). Today's code migrates a copy, and every
table's rows are compared with the original: only the content types' app labels (relabelled,
same ids) and the migration history may differ, and the ledger still verifies to the same head.
"""

import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
BEFORE_SPLIT = "6e289381ddc9492b7771ce3e160421aae6d2bd9d"
KEPT = Path(__file__).with_name("before-split.sqlite3.xz")
AUDITED_TABLES = [
    "audits_alert", "audits_amendment", "audits_authorisation", "audits_commissionerreview",
    "audits_deployment", "audits_devicesession", "audits_facesseenrevision", "audits_force",
    "audits_membership", "audits_offencetype", "audits_outcome", "audits_policyprofile",
    "audits_postdeploymentreview", "audits_reviewmessage", "audits_rule", "audits_search",
    "audits_system", "audits_usecase", "audits_watchlist", "audits_watchlistcategory",
    "audits_watchlistcategorycount", "auth_user_groups",
]  # fmt: skip
NEW_LABELS = {
    "ledgerevent": "ledger",
    "policyprofile": "compliance",
    "rule": "compliance",
    "finding": "compliance",
    "commissionerreview": "oversight",
    "reviewmessage": "oversight",
}
# Tables whose rows the upgrade is meant to change; every other table must be identical. The
# ledger keeps its events and gains the baseline (test_the_old_events_are_kept_and_the_rows_...).
CHANGED = {"django_content_type", "django_migrations", "audits_ledgerevent"}
CHANGED |= {"auth_permission", "auth_group_permissions"}  # the journal's, added
CHANGED |= {"audits_rule"}  # rules added since that release are seeded (NEW_RULES)
# The built-in rules added since the release upgraded from: seeded by post_migrate, after the
# migration's baseline, each one a create event of its own.
NEW_RULES = ["alert-rows-agree"]
EVENT_COLUMNS = "seq, occurred_at, actor, force, action, object_type, object_id, changes, reason"
EVENT_COLUMNS += ", prev_hash, hash"

# In one process of today's code (each start costs seconds): the migration, the verifier with
# the old head as its anchor (chain and tables), and a check that the state matches the models.
UPGRADE_STEPS = """
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("verify_ledger", anchor={head!r})
call_command("makemigrations", check=True, dry_run=True, verbosity=0)
"""


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


def database_make(tmp_path: Path) -> Path:
    """The database as the code of BEFORE_SPLIT made it: migrate, then seed_demo."""
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
    return made


def database_before_split(tmp_path: Path) -> Path:
    before = tmp_path / "before-split.sqlite3"
    with lzma.open(KEPT) as kept, before.open("wb") as out:
        shutil.copyfileobj(kept, out)
    return before


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
def upgraded(tmp_path_factory) -> "Upgraded":
    tmp_path = tmp_path_factory.mktemp("upgrade")
    before = database_before_split(tmp_path)
    copy = tmp_path / "upgraded.sqlite3"
    shutil.copy(before, copy)
    with sqlite3.connect(before) as connection:
        [(head,)] = connection.execute(
            "SELECT hash FROM audits_ledgerevent ORDER BY seq DESC LIMIT 1"
        )
    printed = manage(ROOT, copy, "shell", "--no-imports", "-c", UPGRADE_STEPS.format(head=head))
    return Upgraded(rows(before), rows(copy), head, printed, before, copy)


class Upgraded(NamedTuple):
    before: dict[str, list[tuple]]  # every table's rows
    after: dict[str, list[tuple]]
    head: str  # the old database's head hash
    printed: str  # what verify_ledger printed after the migration
    before_path: Path
    after_path: Path


def events(database: Path, columns: str = EVENT_COLUMNS) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            f"SELECT {columns} FROM audits_ledgerevent ORDER BY seq"
        ).fetchall()


def test_every_table_keeps_every_row(upgraded):
    before, after, *_ = upgraded
    # no table dropped; those made are the trigger journal's (empty on SQLite) and the
    # publications' (empty until a published table is imported)
    made = ["audits_ledger_journal", "audits_publication", "audits_publishedrow"]
    assert sorted(after) == sorted([*before, *made])
    assert [after[table] for table in made] == [[], [], []]
    assert sum(len(before[t]) for t in before) > 15_000  # the demo is there (18,220 rows)
    for table in sorted(set(before) - CHANGED):
        assert after[table] == before[table], f"{table} changed"
    old_rules = len(before["audits_rule"])
    assert after["audits_rule"][:old_rules] == before["audits_rule"]
    assert [row for row in after["audits_rule"][old_rules:] if row[1] in NEW_RULES] != []
    assert len(after["audits_rule"]) == old_rules + len(NEW_RULES)


def test_the_ledger_verifies_through_the_old_head_and_the_tables_reconcile(upgraded):
    before, after, _, printed, _, _ = upgraded
    chain, records = printed.strip().splitlines()
    old_events, new_events = len(before["audits_ledgerevent"]), len(after["audits_ledgerevent"])
    assert chain.startswith(f"Ledger verified: {new_events} events.")  # the anchor is in it
    audited = sum(len(after[table]) for table in AUDITED_TABLES)
    # The baseline is the last thing the migration appends; then each new rule is created.
    created = len(NEW_RULES)
    baseline_seq = new_events - created
    assert records == (
        f"Records reconciled: {audited} rows agree with the ledger ({created} proven since their "
        f"creation, {audited - created} since the baseline at event {baseline_seq} (their "
        "earlier history is format 1: the events are proven, not every value))."
    )
    assert new_events > old_events and audited > 6_000  # the demo: 6,652 audited rows


def test_the_old_events_are_kept_and_every_row_gets_one_baseline_entry(upgraded):
    before, after, head, _, before_path, after_path = upgraded
    old = len(before["audits_ledgerevent"])
    kept = events(before_path)
    now = events(after_path, f"{EVENT_COLUMNS}, format, rows")
    assert [row[:11] for row in now[:old]] == kept
    assert {row[11:] for row in now[:old]} == {(1, "")}
    created = len(NEW_RULES)
    baseline = [json.loads(row[12]) for row in now[old : len(now) - created]]
    assert {row[4] for row in now[old : len(now) - created]} == {"baseline"}
    assert now[old][9] == head
    rules_created = [(row[4], row[5]) for row in now[len(now) - created :]]
    assert rules_created == [("create", "audits_rule")] * created
    entries = Counter(entry["table"] for event in baseline for entry in event)
    expected = {table: len(after[table]) for table in AUDITED_TABLES if after[table]}
    expected["audits_rule"] -= created
    assert entries == expected


def test_content_types_keep_their_ids_under_their_new_apps(upgraded):
    before, after, *_ = upgraded
    old = {row[0]: row[1:] for row in before["django_content_type"]}
    new = {row[0]: row[1:] for row in after["django_content_type"]}
    added = sorted(set(new) - set(old))
    assert [new[pk] for pk in added] == [  # the new models
        ("ledger", "journalentry"),
        ("register", "publication"),
        ("register", "publishedrow"),
    ]
    for pk, (app_label, model) in old.items():
        expected = NEW_LABELS.get(model, "register") if app_label == "audits" else app_label
        assert new[pk] == (expected, model)
    assert not [row for row in new.values() if row[0] == "audits"]


def test_permissions_and_roles_are_unchanged(upgraded):
    before, after, *_ = upgraded
    # the same permissions (id, content type, codename) and the same grants to each role
    old = len(before["auth_permission"])
    assert after["auth_permission"][:old] == before["auth_permission"]
    new_models = ("journalentry", "publication", "publishedrow")
    types = {model: pk for pk, _, model in after["django_content_type"] if model in new_models}
    added = after["auth_permission"][old:]
    assert {row[1:3] for row in added} == {
        (types[model], f"{verb}_{model}")
        for model in new_models
        for verb in ("add", "change", "delete", "view")
    }
    # the roles keep their grants; the administrator gets the journal's, the auditor reads it
    granted = len(before["auth_group_permissions"])
    assert after["auth_group_permissions"][:granted] == before["auth_group_permissions"]
    codenames = {row[0]: row[2] for row in added}
    groups = dict(before["auth_group"])
    new_grants = sorted(
        (groups[group], codenames[permission])
        for _, group, permission in after["auth_group_permissions"][granted:]
    )
    readers = [*(set(groups.values()) - {"Administrator"}), "Auditor"]  # every role reads
    assert new_grants == sorted(
        [("Administrator", c) for c in codenames.values()]
        + [("Auditor", "view_journalentry")]
        + [(g, f"view_{m}") for g in set(readers) for m in ("publication", "publishedrow")]
    )
    assert len(before["auth_group_permissions"]) > 200


def test_the_migration_history_only_grows(upgraded):
    before, after, *_ = upgraded
    names = lambda table: [(app, name) for _, app, name, _ in table]  # noqa: E731
    assert names(after["django_migrations"])[: len(before["django_migrations"])] == names(
        before["django_migrations"]
    )
    added = names(after["django_migrations"])[len(before["django_migrations"]) :]
    assert ("audits", "0020_tables_to_apps") in added
    assert ("audits", "0021_content_types_to_apps") in added
    assert ("register", "0001_initial") in added


if __name__ == "__main__":  # python -m tests.upgrade.test_upgrade_in_place: make the kept file
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        made = database_make(Path(folder))
        with made.open("rb") as source, lzma.open(KEPT, "wb", preset=9) as out:
            shutil.copyfileobj(source, out)
    print(f"Made {KEPT.relative_to(ROOT)} from {BEFORE_SPLIT[:12]}.")
