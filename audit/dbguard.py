"""Database-level protection of the audit tables: triggers that refuse UPDATE, DELETE, TRUNCATE.

Events and seal blocks are written once and never changed: every UPDATE, DELETE and TRUNCATE
is refused, with no exception for anyone using the application's database role.

Triggers stop the application and anyone using its role. A table owner or superuser can
still disable them (``ALTER TABLE ... DISABLE TRIGGER``, ``session_replication_role``); the
hash chain and the anchors kept outside the database are what catch that (docs/AUDIT.md).
Installed by migration 0002 on both PostgreSQL and SQLite.

The security officer's evidence (incidents, alerts, verification runs; issue 17 §10) is guarded
the same way with one difference: a row's *status* moves while it is open. Its other columns
(what was reported, by whom, when; which rule fired on whom) never change, no row is deleted or
truncated, and once a row reached its final status nothing in it changes again. The columns a
status change may touch are listed in ``FACTS``; every other column, including one a later
migration adds, is frozen when the guard is (re)installed. A migration that alters one of
these tables must install the guard again (SQLite rebuilds a table to alter it, and its triggers
go with the old table); the tests check ``is_installed`` after every migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("audit_auditevent", "audit_sealblock")


@dataclass(frozen=True)
class Facts:
    """A table whose rows are evidence with a status: what may move, and when it stops."""

    table: str
    status_column: str
    final: tuple[str, ...]  # once the status is one of these, the row is frozen
    moving: tuple[str, ...]  # the columns a status change may set while the row is open
    # A column that may change once from a provisional value (SQL LIKE pattern): the incident's
    # reference is written after its row exists, from the row's id.
    provisional: tuple[str, str] | None = None


FACTS = (
    Facts(
        "audit_incident",
        "status",
        ("closed",),
        (
            "severity",
            "status",
            "actions_taken",
            "closing_summary",
            "handler_id",
            "closed_at",
            "due_at",
            "escalated_at",
        ),
        provisional=("reference", "tmp-%"),
    ),
    Facts(
        "audit_alert",
        "status",
        ("closed",),
        (
            "status",
            "closed_at",
            "closed_by_id",
            "closing_note",
            "count",
            "last_event_id",
            "summary",
        ),
    ),
    Facts(
        "audit_verificationrun",
        "outcome",
        ("ok", "broken", "failed"),
        (
            "finished_at",
            "outcome",
            "checked",
            "head_seq",
            "anchors_checked",
            "unsealed",
            "problem",
            "broken_event_id",
            "broken_seq",
        ),
    ),
)


def _frozen_columns(connection: BaseDatabaseWrapper, facts: Facts) -> list[str]:
    with connection.cursor() as cursor:
        columns = [
            c.name for c in connection.introspection.get_table_description(cursor, facts.table)
        ]
    provisional = facts.provisional[0] if facts.provisional else None
    return [c for c in columns if c not in facts.moving and c != provisional]


def _changed(connection: BaseDatabaseWrapper, facts: Facts) -> str:
    """The WHEN condition of the update guard: a frozen column changed, or the row was final."""
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    quote = connection.ops.quote_name
    finals = ", ".join(f"'{value}'" for value in facts.final)
    parts = [f"OLD.{quote(facts.status_column)} IN ({finals})"]
    parts += [
        f"OLD.{quote(c)} {differs} NEW.{quote(c)}" for c in _frozen_columns(connection, facts)
    ]
    if facts.provisional:
        column, pattern = facts.provisional
        parts.append(
            f"(OLD.{quote(column)} NOT LIKE '{pattern}' AND OLD.{quote(column)} {differs} "
            f"NEW.{quote(column)})"
        )
    return " OR ".join(parts)


def _postgres_install() -> list[str]:
    statements = [
        """
        CREATE OR REPLACE FUNCTION baomi_audit_guard() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$
        """
    ]
    for table in TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS baomi_guard_rows ON {table}",
            f"""CREATE TRIGGER baomi_guard_rows BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION baomi_audit_guard()""",
            f"DROP TRIGGER IF EXISTS baomi_guard_truncate ON {table}",
            f"""CREATE TRIGGER baomi_guard_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION baomi_audit_guard()""",
        ]
    return statements


def _postgres_facts_install(connection: BaseDatabaseWrapper) -> list[str]:
    statements = [
        """
        CREATE OR REPLACE FUNCTION baomi_facts_guard() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'evidence rows are append-only (status moves forward only): '
                '% on % refused', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$
        """
    ]
    for facts in FACTS:
        table = facts.table
        statements += [
            f"DROP TRIGGER IF EXISTS baomi_facts_update ON {table}",
            f"""CREATE TRIGGER baomi_facts_update BEFORE UPDATE ON {table}
                FOR EACH ROW WHEN ({_changed(connection, facts)})
                EXECUTE FUNCTION baomi_facts_guard()""",
            f"DROP TRIGGER IF EXISTS baomi_facts_delete ON {table}",
            f"""CREATE TRIGGER baomi_facts_delete BEFORE DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION baomi_facts_guard()""",
            f"DROP TRIGGER IF EXISTS baomi_facts_truncate ON {table}",
            f"""CREATE TRIGGER baomi_facts_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION baomi_facts_guard()""",
        ]
    return statements


def _postgres_facts_uninstall() -> list[str]:
    statements = []
    for facts in FACTS:
        statements += [
            f"DROP TRIGGER IF EXISTS baomi_facts_{op} ON {facts.table}"
            for op in ("update", "delete", "truncate")
        ]
    return [*statements, "DROP FUNCTION IF EXISTS baomi_facts_guard()"]


def _sqlite_facts_install(connection: BaseDatabaseWrapper) -> list[str]:
    statements = _sqlite_facts_uninstall()
    refusal = "evidence rows are append-only (status moves forward only): {op} on {table} refused"
    for facts in FACTS:
        table = facts.table
        statements += [
            f"""CREATE TRIGGER baomi_facts_update_{table} BEFORE UPDATE ON {table}
                WHEN {_changed(connection, facts)}
                BEGIN SELECT RAISE(ABORT, '{refusal.format(op="UPDATE", table=table)}'); END""",
            f"""CREATE TRIGGER baomi_facts_delete_{table} BEFORE DELETE ON {table}
                BEGIN SELECT RAISE(ABORT, '{refusal.format(op="DELETE", table=table)}'); END""",
        ]
    return statements


def _sqlite_facts_uninstall() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS baomi_facts_{op}_{facts.table}"
        for facts in FACTS
        for op in ("update", "delete")
    ]


def _postgres_uninstall() -> list[str]:
    statements = []
    for table in TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS baomi_guard_rows ON {table}",
            f"DROP TRIGGER IF EXISTS baomi_guard_truncate ON {table}",
        ]
    return [*statements, "DROP FUNCTION IF EXISTS baomi_audit_guard()"]


def _sqlite_install() -> list[str]:
    statements = []
    for table in TABLES:
        for operation in ("UPDATE", "DELETE"):
            statements.append(
                f"""CREATE TRIGGER IF NOT EXISTS baomi_guard_{operation.lower()}_{table}
                    BEFORE {operation} ON {table}
                    BEGIN SELECT RAISE(ABORT,
                        'audit records are append-only: {operation} on {table} refused'); END"""
            )
    return statements


def _sqlite_uninstall() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS baomi_guard_{operation}_{table}"
        for table in TABLES
        for operation in ("update", "delete")
    ]


def _statements(connection: BaseDatabaseWrapper, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return _postgres_install() if install else _postgres_uninstall()
    if connection.vendor == "sqlite":
        return _sqlite_install() if install else _sqlite_uninstall()
    return []


def _facts_statements(connection: BaseDatabaseWrapper, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return _postgres_facts_install(connection) if install else _postgres_facts_uninstall()
    if connection.vendor == "sqlite":
        return _sqlite_facts_install(connection) if install else _sqlite_facts_uninstall()
    return []


def _facts_exist(connection: BaseDatabaseWrapper) -> bool:
    tables = set(connection.introspection.table_names())
    return all(facts.table in tables for facts in FACTS)


def install(connection: BaseDatabaseWrapper, *, facts: bool = True) -> None:
    """Guard the events and seal blocks and, once their tables exist, the evidence tables
    (migration 0002 runs before those tables had a guard; 0005 adds it)."""
    statements = _statements(connection, install=True)
    if facts and _facts_exist(connection):
        statements += _facts_statements(connection, install=True)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper, *, facts: bool = True) -> None:
    statements = _statements(connection, install=False)
    if facts:
        statements += _facts_statements(connection, install=False)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def is_installed(connection: BaseDatabaseWrapper) -> bool:
    """Whether every guard is in place: both event tables and every evidence table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'baomi_guard_%%' "
                "AND NOT tgisinternal"
            )
            events = cursor.fetchone()[0] == 2 * len(TABLES)
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'baomi_facts_%%' "
                "AND NOT tgisinternal"
            )
            return events and cursor.fetchone()[0] == 3 * len(FACTS)
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'baomi_guard_%'"
            )
            events = cursor.fetchone()[0] == 2 * len(TABLES)
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'baomi_facts_%'"
            )
            return events and cursor.fetchone()[0] == 2 * len(FACTS)
    return False
