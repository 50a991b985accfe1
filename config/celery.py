"""The Celery application.

Without ``CELERY_BROKER_URL`` the settings make every task run eagerly in the calling process, so
the embedded mode needs no broker and no worker. Beat entries come from
``settings.CELERY_BEAT_SCHEDULE``; any of them can be switched off with ``BAOMI_BEAT_DISABLE``.
"""

from __future__ import annotations

import os

from celery import Celery

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
