"""`manage.py check --deploy`: warn when the application's database role could write behind the
ledger's back without the journal seeing it (PostgreSQL).

A superuser or the owner of an audited table can switch its triggers off (ALTER TABLE ... DISABLE
TRIGGER, session_replication_role = replica); a table whose journal triggers are missing or
disabled journals nothing. Reconciliation still catches such writes afterwards, but not as they
happen, nor who made them. The README's deployment section describes the roles to use instead.
"""

from typing import Any

from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from audits.ledger import capture

# Journaled though not audited tables themselves (auth_user_groups is audited).
JOURNALED_ALSO = ["audits_ledgerevent", "audits_policyprofile_forces"]


@register(Tags.security, deploy=True)
def ledger_role_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return []
    tables = sorted([*capture.AUDITED, *JOURNALED_ALSO])
    try:
        return role_warnings(connection, tables)
    except DatabaseError as error:
        return [CheckWarning(f"Could not check the database role: {error}", id="ledger.W000")]


def role_warnings(connection: Any, tables: list[str]) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        role, superuser = cursor.fetchone()
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE tablename = ANY(%s) AND tableowner = %s",
            [tables, role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) AND c.relkind = 'r' "
            "AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid "
            "AND t.tgname LIKE %s AND t.tgenabled <> 'D') ORDER BY 1",
            [tables, "%journal_update"],
        )
        unwatched = [name for (name,) in cursor.fetchall()]
    hint = "Run the application as a role that neither owns these tables nor is a superuser."
    if superuser:
        message = f"The database role {role!r} is a superuser: it can switch the journal off."
        found.append(CheckWarning(message, hint=hint, id="ledger.W001"))
    if owned:
        message = (
            f"The database role {role!r} owns {len(owned)} audited table(s) ({', '.join(owned)})"
            ": it can disable their journal triggers."
        )
        found.append(CheckWarning(message, hint=hint, id="ledger.W002"))
    if unwatched:
        message = (
            f"The trigger journal does not watch {', '.join(unwatched)}: its triggers are "
            "missing or disabled."
        )
        hint = "Enable them again (ALTER TABLE ... ENABLE TRIGGER ALL), or migrate."
        found.append(CheckWarning(message, hint=hint, id="ledger.W003"))
    return found
