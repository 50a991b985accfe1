"""Celery wiring: eager in the embedded mode, a real worker over Redis when a broker is set."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django_guid import set_guid

from config.celery import app
from core.tasks import ping

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def test_embedded_mode_runs_tasks_in_process_without_a_broker():
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a broker is configured in this run; the worker round trip is tested instead")
    assert ping.delay().get(timeout=5) == "pong"


def test_a_real_worker_takes_tasks_from_the_configured_broker(tmp_path):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("no CELERY_BROKER_URL in this run (the PostgreSQL + Redis leg of CI sets one)")
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--hostname",
            f"ci-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text() and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.2)
        assert "ready." in log.read_text(), log.read_text()
        # The id of the request (or task) that starts a task reaches the task's log lines
        # (issue 18 §10: django-guid's Celery integration).
        started_by = uuid.uuid4().hex
        set_guid(started_by)
        assert ping.delay().get(timeout=30) == "pong"
        set_guid(None)
        assert app.conf.task_serializer == "json"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert "baomi.ping" in log.read_text()
    task_lines = [line for line in log.read_text().splitlines() if "baomi.ping" in line]
    assert any(started_by in line for line in task_lines), task_lines
