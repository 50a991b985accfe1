"""R60 on PostgreSQL: a disposal sweep killed with SIGKILL mid-run and run again proposes every
due file exactly once (each chunk commits with the run's position)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from access.models import Department
from access.roles import Role
from disposal import sweep
from disposal.models import DisposalItem, SweepRun
from records.models import CustomerRecord
from tests.factories import bare_record, make_person
from tests.integration.test_audit_concurrency import _database_url

ROOT = Path(__file__).resolve().parents[2]
FILES = 240

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_r60_a_sweep_killed_mid_run_and_run_again_proposes_every_due_file_once():
    if connection.vendor != "postgresql":
        pytest.skip("a second OS process needs the shared database of the CI PostgreSQL leg")
    departments = [Department.objects.create(code=f"d{i}", name=f"部门{i}") for i in range(3)]
    for i in range(FILES):
        dept = departments[i % 3]
        owner = make_person(f"s{i}", roles=[Role.SALES], department=dept) if i < 3 else None
        handler = owner or CustomerRecord.objects.filter(department=dept).first().handler
        record = bare_record(handler, dept, tier=2 + i % 3)
        CustomerRecord.objects.filter(pk=record.pk).update(
            retention_until=date(2020, 1, 1), retention_policy="no-deal v1"
        )
    env = {**os.environ, "DATABASE_URL": _database_url()}
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.disposal_sweeper", "--chunk", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run = SweepRun.objects.first()
        if run is not None and 10 <= run.scanned < FILES - 10:
            break
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    interrupted = SweepRun.objects.get()
    assert interrupted.finished_at is None
    assert 0 < DisposalItem.objects.count() < FILES

    resumed = sweep.propose_due(chunk=50)
    assert resumed.pk == interrupted.pk  # it carried on from the stored position
    assert DisposalItem.objects.filter(active=True).count() == FILES
    assert DisposalItem.objects.values("record").distinct().count() == FILES
    assert sweep.propose_due().proposed == 0
