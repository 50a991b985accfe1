"""The Celery application.

Without ``CELERY_BROKER_URL`` the settings make every task run eagerly in the calling process;
with ``filesystem://`` (what ``scripts/demo`` uses) a worker and beat run on kombu's file-system
transport, so the embedded mode has real periodic jobs without Redis. Beat entries come from
``settings.CELERY_BEAT_SCHEDULE``; any of them can be switched off with ``BAOMI_BEAT_DISABLE``.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("baomi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_scheduler = "config.beat:WatchfulScheduler"  # beat also keeps the ops watch
app.autodiscover_tasks()


@worker_ready.connect
def _first_heartbeat(sender: object, **kwargs: object) -> None:
    """A worker that has just started says so at once, not a beat interval later (the KPI page
    would show it silent for the first minute)."""
    app.send_task("baomi.heartbeat")


@app.on_after_finalize.connect
def _drop_disabled_beat_entries(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    disabled = set(getattr(settings, "BAOMI_BEAT_DISABLE", []))
    sender.conf.beat_schedule = {
        name: entry for name, entry in sender.conf.beat_schedule.items() if name not in disabled
    }
