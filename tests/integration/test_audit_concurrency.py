"""R70 on PostgreSQL: several OS processes append at once and the result is one valid chain."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from audit.chain import seal_pending, verify_chain
from audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 4
EVENTS_EACH = 500

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _spawn(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.audit_writer", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_r70_four_processes_appending_500_events_each_leave_one_gapless_chain(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent OS-process writers are tested on PostgreSQL (the CI PostgreSQL leg)"
        )
    stop = tmp_path / "stop"
    sealer = _spawn(["seal", "--until", str(stop)])
    writers = [
        _spawn(["write", "--events", str(EVENTS_EACH), "--tag", f"w{i}"]) for i in range(WRITERS)
    ]
    for writer in writers:
        _out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    stop.touch()
    sealer_out, sealer_err = sealer.communicate(timeout=120)
    assert sealer.returncode == 0, sealer_err
    seal_pending()

    total = WRITERS * EVENTS_EACH
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))  # every event sealed, no gap, no duplicate
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == total
    # Each writer's own events keep the order in which that writer appended them.
    for i in range(WRITERS):
        ns = [
            details["n"]
            for details in AuditEvent.objects.filter(details__writer=f"w{i}")
            .order_by("seq")
            .values_list("details", flat=True)
        ]
        assert ns == list(range(EVENTS_EACH))
    assert "sealed" in sealer_out
