"""R70: the audit log is append-only in the ORM, in the database, and by its hash chain."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import audit
from audit import dbguard
from audit.chain import seal_pending
from audit.models import AppendOnlyError, AuditEvent, SealBlock

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
BLOCKS = SealBlock._meta.db_table


@pytest.fixture
def event():
    made = audit.record(None, "access.denied", url_name="home")
    seal_pending()
    made.refresh_from_db()
    return made


def test_orm_refuses_every_way_of_changing_or_removing_events(event):
    event.action = "auth.sign_in"
    refusals = [
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="x"),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_update([event], ["action"]),
        lambda: AuditEvent.objects.bulk_create([AuditEvent(action="access.denied")]),
        lambda: AuditEvent.objects.update_or_create(pk=event.pk, defaults={"action": "x"}),
    ]
    for attempt in refusals:
        with pytest.raises(AppendOnlyError):
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).action == "access.denied"


def _refused(sql: str, params: list | None = None) -> bool:
    """True only if *our* guard refused (not, say, PostgreSQL's pending-trigger rule)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Fire the deferred FK checks of this test's own inserts now; otherwise PostgreSQL
                # refuses TRUNCATE for that reason before our trigger is even asked.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql, params or [])
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


def test_database_refuses_update_and_delete(event):
    assert dbguard.is_installed(connection)
    assert _refused(f"UPDATE {TABLE} SET action = 'x' WHERE id = %s", [event.pk])
    assert _refused(f"UPDATE {TABLE} SET details = '{{}}' WHERE id = %s", [event.pk])
    assert _refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert _refused(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.get(pk=event.pk).action == "access.denied"


def test_database_refuses_changes_to_seal_blocks(event):
    block = SealBlock.objects.get()
    assert _refused(f"UPDATE {BLOCKS} SET head_hash = %s WHERE id = %s", ["f" * 64, block.pk])
    assert _refused(f"DELETE FROM {BLOCKS}")
    with pytest.raises(AppendOnlyError):
        block.save()
    with pytest.raises(AppendOnlyError):
        SealBlock.objects.all().delete()


def test_database_refuses_truncate_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE statement; DELETE without WHERE is refused instead")
    assert _refused(f"TRUNCATE {TABLE}")
    assert _refused(f"TRUNCATE {BLOCKS}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_postgresql_triggers_bind_an_application_role_that_has_every_table_privilege(event):
    """The refusal comes from the trigger, not from missing privileges: the role may do anything
    a careless GRANT could give it, short of owning the table."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist only on PostgreSQL")
    role = "baomi_test_app_role"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT ALL PRIVILEGES ON {TABLE}, {BLOCKS} TO {role}")
    try:
        for sql in (
            f"UPDATE {TABLE} SET action = 'x'",
            f"DELETE FROM {TABLE}",
            f"TRUNCATE {TABLE}",
            f"UPDATE {BLOCKS} SET count = 0",
            f"DELETE FROM {BLOCKS}",
        ):
            assert _refused(f"SET LOCAL ROLE {role}; {sql}"), sql
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE ALL PRIVILEGES ON {TABLE}, {BLOCKS} FROM {role}")
            cursor.execute(f"DROP ROLE IF EXISTS {role}")


def test_flush_refuses_to_erase_the_audit_log_in_production(settings, event):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="append-only audit log"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
