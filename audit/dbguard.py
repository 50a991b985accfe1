"""Database-level protection of the audit tables: triggers that refuse UPDATE, DELETE, TRUNCATE.

Events and seal blocks are written once and never changed: every UPDATE, DELETE and TRUNCATE
is refused, with no exception for anyone using the application's database role.

Triggers stop the application and anyone using its role. A table owner or superuser can
still disable them (``ALTER TABLE ... DISABLE TRIGGER``, ``session_replication_role``); the
hash chain and the anchors kept outside the database are what catch that (docs/AUDIT.md).
Installed by migration 0002 on both PostgreSQL and SQLite.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("audit_auditevent", "audit_sealblock")


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


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)


def is_installed(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'baomi_guard_%%' "
                "AND NOT tgisinternal"
            )
            return cursor.fetchone()[0] == 2 * len(TABLES)
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'baomi_guard_%'"
            )
            return cursor.fetchone()[0] == 2 * len(TABLES)
    return False
