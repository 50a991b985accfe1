"""What the dashboard says about the background machinery: the worker's heartbeat, and the
latest successful backup and restore drill (from their job rows; core imports no app)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from core.models import Heartbeat, JobRun, OpsAlert

WORKER = "celery-worker"
WORKER_SILENT_AFTER = timedelta(minutes=3)  # three missed beats of the default minute


def worker_silent_after() -> timedelta:
    """Three missed heartbeats: beat sends one every ``BAOMI_HEARTBEAT_SECONDS`` (a minute by
    default). A worker busy with long jobs can miss more; the operations watch then pings it
    before calling it stopped (records/ops/watch.py)."""
    from django.conf import settings

    entry = getattr(settings, "CELERY_BEAT_SCHEDULE", {}).get("baomi-heartbeat", {})
    seconds = entry.get("schedule", WORKER_SILENT_AFTER.total_seconds() / 3)
    return timedelta(seconds=3 * float(seconds))


BACKUP_STALE_AFTER = timedelta(hours=36)
DRILL_STALE_AFTER = timedelta(days=8)


def beat(name: str = WORKER) -> Heartbeat:
    row, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": timezone.now(), "host": socket.gethostname()[:100]}
    )
    return row


@dataclass
class Status:
    label: str
    at: object
    ok: bool


def status() -> list[Status]:
    now = timezone.now()
    heartbeat = Heartbeat.objects.filter(name=WORKER).first()
    rows = [
        Status(
            "worker",
            heartbeat.last_seen if heartbeat else None,
            bool(heartbeat and now - heartbeat.last_seen <= worker_silent_after()),
        )
    ]
    for label, job, stale in (
        ("backup", "records.backup", BACKUP_STALE_AFTER),
        ("drill", "records.restore_drill", DRILL_STALE_AFTER),
    ):
        last = JobRun.objects.filter(name=job, ok=True).order_by("-started_at").first()
        rows.append(
            Status(
                label,
                last.started_at if last else None,
                bool(last and now - last.started_at <= stale),
            )
        )
    return rows


def open_problems() -> list[OpsAlert]:
    """Operations problems the watch (records/ops/watch.py) sees now, oldest first."""
    return list(OpsAlert.objects.filter(closed_at__isnull=True).order_by("opened_at"))
