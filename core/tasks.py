"""Queueing background work without letting a broker outage break the page, and the tasks that
tell whether the background machinery is alive."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerUnreachable

log = logging.getLogger("baomi.tasks")


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Queue a task from a web request. False (and a warning in the log) when the broker cannot
    be reached after a short retry, so the page can say so instead of failing: the web stays
    usable while Redis is down, and what a beat job covers is caught up when it returns."""
    try:
        task.apply_async(
            args=args,
            kwargs=kwargs,
            ignore_result=True,  # nobody waits for it; and no result-store round trip first
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        )
    except BrokerUnreachable:
        log.warning("message broker unreachable: %s was not queued", task.name)
        return False
    return True


@shared_task(name="baomi.heartbeat")
def heartbeat() -> str:
    """Every minute from beat: the worker is alive (shown on the KPIs page)."""
    from core import health

    return health.beat().last_seen.isoformat()


@shared_task(name="baomi.ping", ignore_result=False)  # the one task whose answer is read
def ping() -> str:
    """A no-op round trip used by the health check and the broker integration test."""
    return "pong"
