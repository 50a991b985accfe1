"""Customer-rights beat jobs (Celery)."""

from __future__ import annotations

from celery import shared_task

from core.jobs import job_run
from records.rights import subject_requests


@shared_task(name="records.subject_requests_overdue", acks_late=True)
def subject_requests_overdue() -> int:
    """Daily: customers' requests past their legal deadline, reported once each."""
    with job_run("records.subject_requests_overdue", keep_idle=False) as counts:
        counts["overdue"] = subject_requests.notify_overdue()
    return counts["overdue"]


@shared_task(name="records.refresh_holidays", acks_late=True)
def refresh_holidays() -> int:
    """Monthly: add the official holidays and swapped working days the calendar lacks (the
    next year's appear once the chinesecalendar package carries the State Council's notice)."""
    from django.utils import timezone

    from records.rights import holidays

    with job_run("records.refresh_holidays", keep_idle=False) as counts:
        counts["added"] = holidays.seed(since=timezone.localdate().replace(month=1, day=1))
    return counts["added"]
