"""Periodic audit jobs (Celery). Each is idempotent and safe to run twice or to kill halfway."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from audit import anchors, anomalies, chain, incidents, verification
from audit.api import record
from audit.models import VerificationRun
from core.jobs import job_run


@shared_task(name="audit.seal", acks_late=True)
def seal() -> int:
    with job_run("audit.seal", keep_idle=False) as counts:
        counts["sealed"] = chain.seal_pending()
    return counts["sealed"]


@shared_task(name="audit.anchor", acks_late=True)
def anchor() -> int | None:
    # No audit event per anchor: every few minutes, each would move the head the next anchor
    # signs. The signed anchor files are the record; the log line and the job run say it ran.
    with job_run("audit.anchor") as counts:
        written = anchors.write_anchor()
        counts["seq"] = written.seq if written else 0
        counts["number"] = (written.number or 0) if written else 0
    return counts["seq"]


def start_verification(user: object) -> VerificationRun:
    """A verification asked for from the chain page, run by the worker. When the broker cannot
    be reached the run is closed as failed at once, so the page never shows it running."""
    from core.tasks import enqueue

    run = VerificationRun.objects.create()
    if not enqueue(verify, run.pk, getattr(user, "pk", None)):
        run.outcome, run.finished_at = VerificationRun.Outcome.FAILED, timezone.now()
        run.problem = "message broker unreachable: not started"
        run.save(update_fields=["outcome", "finished_at", "problem"])
    return run


@shared_task(name="audit.verify", acks_late=True)
def verify(run_id: int | None = None, actor_id: int | None = None) -> str:
    """Verify the chain and keep the outcome on the chain status page (and as an event)."""
    run = (
        VerificationRun.objects.get(pk=run_id)
        if run_id
        else VerificationRun.objects.create(started_at=timezone.now())
    )
    with job_run("audit.verify") as counts:
        chain.seal_pending()

        def progress(checked: int) -> None:
            VerificationRun.objects.filter(pk=run.pk).update(checked=checked)

        try:
            report = verification.verify_chain(progress=progress)
        except Exception as error:
            run.outcome, run.problem, run.finished_at = (
                VerificationRun.Outcome.FAILED,
                f"{type(error).__name__}: {error}"[:2000],
                timezone.now(),
            )
            run.save()
            raise
        run.checked, run.head_seq = report.checked, report.head_seq
        run.anchors_checked, run.unsealed = report.anchors_checked, report.unsealed
        run.finished_at = timezone.now()
        problem = report.problem
        if problem is None:  # report.ok
            run.outcome = VerificationRun.Outcome.OK
        else:
            run.outcome = VerificationRun.Outcome.BROKEN
            run.problem = problem.message
            run.broken_seq, run.broken_event_id = problem.seq, problem.event_id
        run.save()
        counts["checked"] = report.checked
        record(
            _actor(actor_id),
            "audit.verify",
            outcome=run.outcome,
            checked=report.checked,
            head=report.head_seq,
            problem=report.problem.kind if report.problem else "",
        )
    return run.outcome


def _actor(actor_id: int | None) -> object | None:
    if actor_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=actor_id).first()


@shared_task(name="audit.scan_anomalies", acks_late=True)
def scan_anomalies() -> int:
    with job_run("audit.scan_anomalies") as counts:
        counts["alerts"] = len(anomalies.scan())
    return counts["alerts"]


@shared_task(name="audit.escalate_incidents", acks_late=True)
def escalate_incidents() -> int:
    """Incidents past their response deadline go to management, each once (R73, R83)."""
    with job_run("audit.escalate_incidents") as counts:
        counts["escalated"] = len(incidents.escalate_overdue())
    return counts["escalated"]
