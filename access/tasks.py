"""Periodic access jobs (Celery beat). Idempotent: safe to run twice or to kill halfway."""

from __future__ import annotations

from celery import shared_task

from access import grants, purge, reminders, reviews
from core.jobs import job_run


@shared_task(name="access.sweep_grants", acks_late=True)
def sweep_grants() -> int:
    with job_run("access.sweep_grants", keep_idle=False) as counts:
        counts["removed"] = grants.sweep_expired()
    return counts["removed"]


@shared_task(name="access.reminders", acks_late=True)
def send_reminders() -> dict[str, int]:
    with job_run("access.reminders", keep_idle=False) as counts:
        counts["overdue"] = reminders.overdue_returns()
        counts["grants_ending"] = reminders.expiring_grants()
        counts["approvals_waiting"] = reminders.stale_approvals()
        counts["copies_not_destroyed"] = reminders.copies_not_destroyed()
        counts["ndas_expiring"] = reminders.expiring_ndas()
        counts["training_due"] = reminders.training_due()
        counts["reviews_escalated"] = reviews.escalate_due()
    return dict(counts)


@shared_task(name="access.purge_personal_data", acks_late=True)
def purge_personal_data() -> dict[str, int]:
    """Daily: sign-in logs, lockout counters, expired sessions and field history past their
    periods (BAOMI_KEEP_*) are deleted."""
    with job_run("access.purge_personal_data", keep_idle=False) as counts:
        done = purge.purge()
        counts.update(
            sign_in_logs=done.sign_in_logs,
            lockout_attempts=done.lockout_attempts,
            sessions=done.sessions,
            field_history=done.field_history,
        )
    return dict(counts)
