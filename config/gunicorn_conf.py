"""gunicorn's hooks for Prometheus' multi-process mode (``--config=python:config.gunicorn_conf``
in docker-compose.yml and the Dockerfile). Every other setting stays on the command line.

With ``PROMETHEUS_MULTIPROC_DIR`` set, each worker writes its request figures to ``*.db`` files
there and a scrape adds them up (config/metrics.py). Those files must be gone at start, or the
figures of an earlier run would be counted again; only they are removed (a folder set by
mistake to one that holds other things loses nothing else), and a file that cannot be removed
stops the start. A worker that exits hands back its files. Without the variable these hooks do
nothing but warn when metrics are on with several workers: each scrape would then see one
worker's counts. See https://prometheus.github.io/client_python/multiprocess/.
"""

from __future__ import annotations

import os as _os
from pathlib import Path as _Path
from typing import Any


def on_starting(server: Any) -> None:
    folder = _os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        where = _Path(folder)
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        for stale in where.glob("*.db"):
            stale.unlink()
        return
    metrics_on = _os.environ.get("BAOMI_METRICS_TOKEN") or _os.environ.get(
        "BAOMI_METRICS_TOKEN_FILE"
    )
    if metrics_on and server.cfg.workers > 1:
        server.log.warning(
            "metrics are on with %s workers but PROMETHEUS_MULTIPROC_DIR is not set: each scrape "
            "shows the counts of whichever worker answers",
            server.cfg.workers,
        )


def child_exit(server: Any, worker: Any) -> None:
    if _os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
