"""docs/OPERATIONS.md: the application role may append to the audit log and nothing more."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import audit
from audit.chain import seal_pending
from audit.verification import verify_chain

pytestmark = pytest.mark.django_db

ROLE = "baomi_test_app"


@pytest.fixture
def app_role():
    if connection.vendor != "postgresql":
        pytest.skip("database roles and privileges exist only on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
    # What compose's grants job runs after every migrate (scripts/pg_app_role.sql).
    call_command("grant_app_role", role=ROLE, stdout=io.StringIO())
    yield ROLE
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {ROLE}")
        cursor.execute(f"DROP ROLE {ROLE}")


def _as_role(role: str, sql: str, params: list | None = None) -> str:
    """Run one statement as ``role``; '' if it worked, else the database's refusal."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute(sql, params or [])  # on error the savepoint rollback undoes the role
            cursor.execute("RESET ROLE")  # on success a released savepoint would keep it
    except DatabaseError as error:
        return str(error)
    return ""


def test_the_application_role_appends_and_seals_but_cannot_change_the_log(app_role):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        try:
            event = audit.record(None, "access.denied", url_name="home")
            assert seal_pending() == 1
            assert verify_chain().ok
        finally:
            cursor.execute("RESET ROLE")
    for sql in (
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "UPDATE audit_sealblock SET count = 0",
        "DELETE FROM audit_sealblock",
    ):
        refusal = _as_role(app_role, sql)
        assert "permission denied" in refusal, sql
    assert event.pk


def test_the_application_role_cannot_delete_incidents_alerts_or_verification_runs(app_role):
    """Issue 17 §10: the evidence tables lose DELETE and TRUNCATE for the application role."""
    for table in ("audit_incident", "audit_alert", "audit_verificationrun"):
        for sql in (f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
            refusal = _as_role(app_role, sql)
            assert "permission denied" in refusal, sql


def test_the_grant_command_takes_plain_role_names_only():
    """The role name is written into SQL: anything but a plain identifier is refused first."""
    from django.core.management import CommandError

    from audit.management.commands.grant_app_role import grant

    with pytest.raises(CommandError, match="not a plain role name"):
        grant('baomi_app"; DROP TABLE audit_auditevent; --')
