"""gunicorn's hooks for Prometheus' multi-process mode (``--config=python:config.gunicorn_conf``
in docker-compose.yml and the Dockerfile). Every other setting stays on the command line.

With ``PROMETHEUS_MULTIPROC_DIR`` set, each worker writes its request figures to files there and
a scrape adds them up (config/metrics.py). The folder must start empty, or figures of an earlier
run would be counted again; a worker that exits hands back its files. Without the variable
these hooks do nothing. See https://prometheus.github.io/client_python/multiprocess/.
"""

from __future__ import annotations

import os as _os
import shutil as _shutil
from typing import Any


def on_starting(server: Any) -> None:
    folder = _os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        _shutil.rmtree(folder, ignore_errors=True)
        _os.makedirs(folder, mode=0o700, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if _os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
