"""The dashboard shows whether background work is alive (issue 7 item 5): the worker's
heartbeat and the latest good backup and restore drill."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from access.roles import Role
from core import health
from core.models import Heartbeat, JobRun
from core.tasks import heartbeat
from tests.factories import make_person
from tests.helpers import client_verified


def test_the_heartbeat_task_records_the_worker_and_the_page_shows_it(db):
    officer = make_person("officer", roles=[Role.SECURITY_OFFICER])
    page = client_verified(officer).get("/audit/kpis/").content.decode()
    assert 'data-testid="status-worker"' in page
    assert "never" in page  # no heartbeat yet: shown as late
    heartbeat()
    assert Heartbeat.objects.get(name=health.WORKER).last_seen > timezone.now() - timedelta(
        seconds=5
    )
    worker, backup, drill = health.status()
    assert worker.ok
    assert not backup.ok  # no backup job yet
    assert not drill.ok
    JobRun.objects.create(
        name="records.backup", started_at=timezone.now(), finished_at=timezone.now(), ok=True
    )
    assert health.status()[1].ok
    Heartbeat.objects.update(last_seen=timezone.now() - timedelta(minutes=10))
    assert not health.status()[0].ok


def test_management_sees_kpis_but_not_the_operations_panel(db):
    manager = make_person("manager", roles=[Role.MANAGEMENT])
    page = client_verified(manager).get("/audit/kpis/").content.decode()
    assert "system-status" not in page
