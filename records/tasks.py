"""Records beat jobs (Celery)."""

from __future__ import annotations

from celery import shared_task

from audit.jobs import job_run
from records import backups


@shared_task(name="records.backup", acks_late=True)
def nightly_backup() -> dict[str, int]:
    """Back up, then prune old generations. A failed run leaves a failed job row (dashboard)."""
    with job_run("records.backup") as counts:
        made = backups.create()
        counts["bytes"] = made.size
        counts["pruned"] = backups.prune()
    return dict(counts)
