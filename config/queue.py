"""How Celery runs Baomi's tasks (settings ``CELERY_*``; the schedule is config/schedule.py).

Tasks acknowledge late and go back to the queue when a worker dies (a killed backup is redone,
not lost); one task at a time per worker process. Nobody reads task results: each task records
what it did in its job row (core.jobs), so results are not stored. Every task stops softly, then
hard, before Redis would hand an unacknowledged task to a second worker: the visibility timeout
lies above the hard limit (issue 18 §8; before, Redis' one-hour default let a second worker start
the nightly verification of a very long chain again).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ


def embedded_broker(var_dir: Path) -> dict[str, Any]:
    """kombu's file-system transport: the embedded default's broker (issue 16 §9). The demo and a
    single-machine install run a real worker and beat with no Redis: messages are files under
    ``var/broker`` (one process writes, another reads; nothing else to install)."""
    folder = var_dir / "broker"
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir(mode=0o700, parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        # kombu's default is ./control, beside whatever directory the process started in.
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


def celery_settings(
    env: environ.Env, broker_url: str, time_zone: str, var_dir: Path | None = None
) -> dict[str, Any]:
    hard = env.int("BAOMI_TASK_LIMIT_SECONDS", default=4 * 3600)
    soft = env.int("BAOMI_TASK_SOFT_LIMIT_SECONDS", default=hard - 1800)
    result_backend = env.str(
        "CELERY_RESULT_BACKEND",
        default=broker_url if broker_url.startswith("redis") else "",
    )
    return {
        "CELERY_TASK_EAGER_PROPAGATES": True,
        "CELERY_RESULT_BACKEND": result_backend or None,
        "CELERY_TASK_SERIALIZER": "json",
        "CELERY_RESULT_SERIALIZER": "json",
        "CELERY_ACCEPT_CONTENT": ["json"],
        "CELERY_TIMEZONE": time_zone,
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
        "CELERY_RESULT_EXPIRES": timedelta(days=1),
        "CELERY_TASK_IGNORE_RESULT": True,
        "CELERY_TASK_SOFT_TIME_LIMIT": soft,
        "CELERY_TASK_TIME_LIMIT": hard,
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "visibility_timeout": hard + 3600,
            **(
                embedded_broker(var_dir)
                if var_dir is not None and broker_url.startswith("filesystem://")
                else {}
            ),
        },
    }
