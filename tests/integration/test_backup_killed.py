"""R31 with a real worker: the process making a backup is killed with SIGKILL halfway. Nothing is
marked good, no archive is stored; the task goes back to the queue (acks_late and
reject_on_worker_lost), runs again, and exactly one good archive results; the killed run's work
folder (an unfinished archive) is removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import JobRun
from records import crypto
from records.ops.backups import WORK_PREFIX, verify_file
from records.ops.models import Backup
from tests.integration.stack import ROOT, wait_for
from tests.integration.test_audit_concurrency import _database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STORED_MB = 240  # enough that sealing takes a moment on this machine


def _work_folders(tmp: Path) -> list[Path]:
    return sorted(tmp.glob(f"{WORK_PREFIX}*"))


def test_r31_a_worker_killed_during_a_backup_leaves_nothing_marked_good_and_the_retry_completes(
    tmp_path,
):
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("a real worker needs the shared PostgreSQL database and the Redis broker")
    files, backups, work = tmp_path / "files", tmp_path / "backups", tmp_path / "tmp"
    for folder in (files, backups, work):
        folder.mkdir()
    for i in range(STORED_MB // 10):  # stand-ins for encrypted attachments
        (files / f"a{i:02}.bin").write_bytes(os.urandom(10 << 20))
    key_text = crypto.generate_key_text()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "BAOMI_FILE_ROOT": str(files),
        "BAOMI_BACKUP_ROOT": str(backups),
        "BAOMI_BACKUP_KEY": key_text,
        "BAOMI_VAR_DIR": str(tmp_path / "var"),
        "TMPDIR": str(work),
    }
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1",
         "--loglevel=INFO", f"--hostname=killed-{os.getpid()}@%h", "--without-gossip",
         "--without-mingle"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for("the worker", lambda: "ready." in log.read_text())
        from config.celery import app

        app.send_task("records.backup")

        def sealing_under_way() -> Path | None:
            for folder in _work_folders(work):
                archives = list(folder.glob("*.bmbk"))
                if archives and archives[0].stat().st_size > 20 << 20:
                    return folder
            return None

        folder = wait_for("the backup to be half written", sealing_under_way, timeout=120)
        child = int(folder.name[len(WORK_PREFIX) :].split("-", 1)[0])
        assert child != worker.pid  # the pool process doing the work, not the supervisor
        os.kill(child, signal.SIGKILL)
        wait_for("the killed process to be gone", lambda: not _pid_alive(child))
        assert not Backup.objects.exists()
        assert not JobRun.objects.filter(name="records.backup", ok=True).exists()
        assert list(backups.iterdir()) == []  # nothing half-written reached the storage

        # The task goes back to the queue and runs again to completion, once.
        backup = wait_for("the retried backup", lambda: Backup.objects.first(), timeout=180)
        time.sleep(1)
        assert Backup.objects.count() == 1
        assert [p.name for p in backups.iterdir()] == [backup.name]
        manifest = verify_file(backups / backup.name, crypto._decode_key(key_text, "key"))
        assert len([m for m in manifest["members"] if m.startswith("files/")]) == STORED_MB // 10
        assert not folder.exists()  # the killed run's unfinished archive was removed
        assert _work_folders(work) == []
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    output = log.read_text()
    assert "WorkerLostError" in output or "exited prematurely" in output, output[-3000:]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child stays a zombie until its parent reaps it; count that as gone.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())
