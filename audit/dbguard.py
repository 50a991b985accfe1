"""Database-level protection of the audit table: triggers that refuse UPDATE, DELETE, TRUNCATE.

The only UPDATE allowed is the sealer's: setting ``seq``, ``prev_hash`` and ``hash`` once, on an
event that has none, without touching any other column. An INSERT must arrive unsealed.

Triggers stop the application and anyone using its database role. A table owner or superuser
can still disable them (``ALTER TABLE ... DISABLE TRIGGER``, ``session_replication_role``); the
hash chain and the anchors kept outside the database are what catch that (docs/AUDIT.md).
Installed by migration 0002 on both PostgreSQL and SQLite.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
CONTENT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_name",
    "actor_number",
    "actor_department",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "ip_address",
    "user_agent",
    "request_id",
    "details",
)


def _row(prefix: str) -> str:
    return ", ".join(f"{prefix}.{column}" for column in ("id", *CONTENT_COLUMNS))


POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION baomi_audit_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL THEN
                RAISE EXCEPTION 'audit events must be inserted unsealed'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE'
           AND OLD.seq IS NULL AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
           AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
           AND ROW({_row("NEW")}) IS NOT DISTINCT FROM ROW({_row("OLD")}) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$
    """,
    f"DROP TRIGGER IF EXISTS baomi_audit_row_guard ON {TABLE}",
    f"""CREATE TRIGGER baomi_audit_row_guard BEFORE INSERT OR UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION baomi_audit_guard()""",
    f"DROP TRIGGER IF EXISTS baomi_audit_truncate_guard ON {TABLE}",
    f"""CREATE TRIGGER baomi_audit_truncate_guard BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION baomi_audit_guard()""",
]

POSTGRES_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS baomi_audit_row_guard ON {TABLE}",
    f"DROP TRIGGER IF EXISTS baomi_audit_truncate_guard ON {TABLE}",
    "DROP FUNCTION IF EXISTS baomi_audit_guard()",
]

_content_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ("id", *CONTENT_COLUMNS))

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS baomi_audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS baomi_audit_seal_once BEFORE UPDATE ON {TABLE}
        WHEN OLD.seq IS NOT NULL OR OLD.hash IS NOT NULL OR OLD.prev_hash IS NOT NULL
          OR NEW.seq IS NULL OR NEW.hash IS NULL OR NEW.prev_hash IS NULL
          OR {_content_changed}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS baomi_audit_insert_unsealed BEFORE INSERT ON {TABLE}
        WHEN NEW.seq IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.prev_hash IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'audit events must be inserted unsealed'); END""",
]

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS baomi_audit_no_delete",
    "DROP TRIGGER IF EXISTS baomi_audit_seal_once",
    "DROP TRIGGER IF EXISTS baomi_audit_insert_unsealed",
]


def _statements(connection: BaseDatabaseWrapper, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_UNINSTALL
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_UNINSTALL
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
                "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'baomi_audit_%%' "
                "AND NOT tgisinternal"
            )
            return cursor.fetchone()[0] == 2
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'baomi_audit_%'"
            )
            return cursor.fetchone()[0] == 3
    return False
