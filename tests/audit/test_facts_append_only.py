"""Issue 17 §10 (R70, R73): incidents, alerts and verification runs are the security officer's
evidence. Their facts cannot be rewritten or removed, even by the application's own database
role: rows are never deleted, the facts of a row never change, and only the fields of its status
move, forward, until it is closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit import anomalies, dbguard, incidents
from audit.models import Alert, Incident, VerificationRun
from tests.audit.test_append_only import _refused

pytestmark = pytest.mark.django_db


def _allowed(sql: str, params: list | None = None) -> bool:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
    return True


@pytest.fixture
def incident(sales_person) -> Incident:
    return incidents.report(sales_person, kind="leak", description="客户名单外传")


@pytest.fixture
def alert() -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        rule="bulk_reveals",
        actor_name="张伟",
        window_start=now - timedelta(hours=1),
        window_end=now,
        count=30,
        first_event_id=1,
        last_event_id=30,
        summary="30 reveals",
    )


INCIDENTS = Incident._meta.db_table
ALERTS = Alert._meta.db_table
RUNS = VerificationRun._meta.db_table


def test_r73_an_incident_cannot_be_deleted_or_its_report_rewritten(incident):
    assert dbguard.is_installed(connection)
    assert _refused(f"DELETE FROM {INCIDENTS} WHERE id = %s", [incident.pk])
    assert _refused(f"DELETE FROM {INCIDENTS}")
    assert _refused(f"UPDATE {INCIDENTS} SET description = 'nothing' WHERE id = %s", [incident.pk])
    assert _refused(f"UPDATE {INCIDENTS} SET reference = 'INC-X' WHERE id = %s", [incident.pk])
    assert _refused(f"UPDATE {INCIDENTS} SET reported_at = %s", [timezone.now()])
    assert Incident.objects.get(pk=incident.pk).description == "客户名单外传"


def test_r73_triage_moves_an_open_incident_and_a_closed_one_stays_closed(incident, officer):
    incidents.triage(
        officer, incident, severity="high", status="investigating", actions_taken="查看日志"
    )
    incidents.triage(
        officer,
        incident,
        severity="high",
        status="closed",
        actions_taken="查看日志",
        closing_summary="误报",
    )
    assert _refused(f"UPDATE {INCIDENTS} SET status = 'reported' WHERE id = %s", [incident.pk])
    assert _refused(f"UPDATE {INCIDENTS} SET closing_summary = '' WHERE id = %s", [incident.pk])
    assert Incident.objects.get(pk=incident.pk).closing_summary == "误报"


def test_r71_an_alert_cannot_be_deleted_or_rewritten_and_a_closed_one_stays_closed(alert, officer):
    assert _refused(f"DELETE FROM {ALERTS} WHERE id = %s", [alert.pk])
    assert _refused(f"UPDATE {ALERTS} SET rule = 'x' WHERE id = %s", [alert.pk])
    assert _refused(f"UPDATE {ALERTS} SET actor_name = 'x' WHERE id = %s", [alert.pk])
    # While open, the scan may still grow it (more events in the same hour).
    assert _allowed(f"UPDATE {ALERTS} SET count = 31 WHERE id = %s", [alert.pk])
    anomalies.close(officer, alert, "已核实")
    assert _refused(f"UPDATE {ALERTS} SET status = 'open' WHERE id = %s", [alert.pk])
    assert _refused(f"UPDATE {ALERTS} SET closing_note = '' WHERE id = %s", [alert.pk])
    assert Alert.objects.get(pk=alert.pk).status == "closed"


def test_r70_a_finished_verification_run_cannot_be_changed_or_deleted():
    run = VerificationRun.objects.create()
    assert _allowed(f"UPDATE {RUNS} SET checked = 10 WHERE id = %s", [run.pk])
    assert _refused(f"UPDATE {RUNS} SET started_at = %s WHERE id = %s", [timezone.now(), run.pk])
    assert _allowed(
        f"UPDATE {RUNS} SET outcome = 'broken', problem = 'seq 5' WHERE id = %s", [run.pk]
    )
    assert _refused(f"UPDATE {RUNS} SET outcome = 'ok', problem = '' WHERE id = %s", [run.pk])
    assert _refused(f"DELETE FROM {RUNS} WHERE id = %s", [run.pk])
    assert VerificationRun.objects.get(pk=run.pk).outcome == "broken"


def test_r70_truncate_of_the_evidence_tables_is_refused_on_postgresql(incident, alert):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE statement; DELETE without WHERE is refused instead")
    for table in (INCIDENTS, ALERTS, RUNS):
        assert _refused(f"TRUNCATE {table} CASCADE"), table
