"""Disposal beat jobs (Celery). Idempotent and resumable: safe to run twice or to kill."""

from __future__ import annotations

from celery import shared_task

from core.jobs import job_run
from disposal import drafts, processing, retention, sweep


@shared_task(name="disposal.recompute_due_dates", acks_late=True)
def recompute_due_dates() -> int:
    with job_run("disposal.recompute_due_dates", keep_idle=False) as counts:
        counts["changed"] = retention.recompute_all()
    return counts["changed"]


@shared_task(name="disposal.sweep", acks_late=True)
def daily_sweep() -> dict[str, int]:
    """Bring due dates up to date, then propose what is due (one batch per department)."""
    with job_run("disposal.sweep") as counts:
        counts["due_dates_changed"] = retention.recompute_all()
        run = sweep.propose_due()
        counts["scanned"] = run.scanned
        counts["proposed"] = run.proposed
        counts["drafts_noticed"] = drafts.notify()
        counts["drafts_purged"] = drafts.purge()
        # Parties and purposes change outside this app: the record of processing follows daily.
        counts["processing_record_versions"] = int(processing.refresh() is not None)
    return dict(counts)
