"""Operations beat jobs (Celery): the nightly backup and the weekly restore drill."""

from __future__ import annotations

from celery import shared_task

from core.jobs import job_run
from records.ops import backups, drill


@shared_task(name="records.restore_drill", acks_late=True)
def restore_drill() -> dict:
    """Weekly: restore the newest backup into a scratch database and compare with its manifest.
    A failed drill is a failed job row (the dashboard shows it red) and a ``backup.drill`` event."""
    with job_run("records.restore_drill") as counts:
        outcome = drill.run()
        counts["rows"] = outcome.get("rows", 0)
        if not outcome["ok"]:
            raise RuntimeError(f"restore drill failed: {outcome['problem']}")
    return outcome


@shared_task(name="records.backup", acks_late=True)
def nightly_backup() -> dict[str, int]:
    """Back up, then prune old generations. A failed run leaves a failed job row (dashboard)."""
    with job_run("records.backup") as counts:
        made = backups.create()
        counts["bytes"] = made.size
        counts["pruned"] = backups.prune()
    return dict(counts)


@shared_task(
    name="records.send_outbox", acks_late=True, ignore_result=True, soft_time_limit=300,
    time_limit=360,
)  # fmt: skip
def send_outbox() -> dict[str, int]:
    """Right after a transaction that wrote mail, and every minute: deliver the sealed outbox
    (records/ops/outbox.py); what fails waits for its next attempt."""
    from records.ops import outbox

    return outbox.deliver_pending()
