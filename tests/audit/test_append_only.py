"""R70: the audit log is append-only in the ORM, in the database, and by its hash chain."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import audit
from audit import dbguard
from audit.chain import seal_pending
from audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


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
        return "append-only" in str(error) or "unsealed" in str(error)
    return False


def test_database_refuses_update_and_delete(event):
    assert dbguard.is_installed(connection)
    assert _refused(f"UPDATE {TABLE} SET action = 'x' WHERE id = %s", [event.pk])
    assert _refused(f"UPDATE {TABLE} SET seq = seq + 100 WHERE id = %s", [event.pk])
    assert _refused(f"UPDATE {TABLE} SET details = '{{}}' WHERE id = %s", [event.pk])
    assert _refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert _refused(f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.get(pk=event.pk).action == "access.denied"


def test_database_refuses_truncate_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE statement; DELETE without WHERE is refused instead")
    assert _refused(f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_database_refuses_events_that_arrive_already_sealed():
    sql = (
        f"INSERT INTO {TABLE} (occurred_at, actor_name, actor_number, actor_department, action, "
        "target_type, target_id, target_label, user_agent, request_id, details, "
        "seq, prev_hash, hash) "
        "VALUES (%s, '', '', '', 'access.denied', '', '', '', '', '', '{}', 999, %s, %s)"
    )
    from django.utils import timezone

    assert _refused(sql, [timezone.now(), "0" * 64, "f" * 64])


def test_the_sealer_may_set_the_chain_columns_once_and_only_once():
    made = audit.record(None, "access.denied")
    assert seal_pending() == 1  # on_commit sealing does not fire inside a test transaction
    made.refresh_from_db()
    assert made.seq is not None
    assert _refused(
        f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
        [made.seq, made.prev_hash, "e" * 64, made.pk],
    )


def test_postgresql_triggers_bind_an_application_role_that_has_every_table_privilege(event):
    """The refusal comes from the trigger, not from missing privileges: the role may do anything
    a careless GRANT could give it, short of owning the table."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist only on PostgreSQL")
    role = "baomi_test_app_role"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT ALL PRIVILEGES ON {TABLE} TO {role}")
    try:
        for sql in (
            f"UPDATE {TABLE} SET action = 'x'",
            f"DELETE FROM {TABLE}",
            f"TRUNCATE {TABLE}",
        ):
            assert _refused(f"SET LOCAL ROLE {role}; {sql}"), sql
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE ALL PRIVILEGES ON {TABLE} FROM {role}")
            cursor.execute(f"DROP ROLE IF EXISTS {role}")


def test_flush_refuses_to_erase_the_audit_log_in_production(settings, event):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="append-only audit log"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
