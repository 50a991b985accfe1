"""The Celery application.

Without ``CELERY_BROKER_URL`` the settings make every task run eagerly in the calling process, so
the embedded mode needs no broker and no worker. Beat entries come from
``settings.CELERY_BEAT_SCHEDULE``; any of them can be switched off with ``BAOMI_BEAT_DISABLE``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery
from kombu.exceptions import OperationalError as BrokerUnreachable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("baomi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _drop_disabled_beat_entries(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    disabled = set(getattr(settings, "BAOMI_BEAT_DISABLE", []))
    sender.conf.beat_schedule = {
        name: entry for name, entry in sender.conf.beat_schedule.items() if name not in disabled
    }


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


@app.task(name="baomi.heartbeat")
def heartbeat() -> str:
    """Every minute from beat: the worker is alive (shown on the KPIs page)."""
    from audit import health

    return health.beat().last_seen.isoformat()


@app.task(name="baomi.ping")
def ping() -> str:
    """A no-op round trip used by the health check and the broker integration test."""
    return "pong"
