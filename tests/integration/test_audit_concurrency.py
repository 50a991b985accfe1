"""R70 on PostgreSQL: several OS processes append at once and the result is one valid chain."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from audit.chain import seal_pending, seq_of
from audit.models import AuditEvent
from audit.verification import verify_chain

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
    events = list(AuditEvent.objects.values_list("id", "details"))
    order = seq_of([event_id for event_id, _details in events])
    assert sorted(order.values()) == list(range(1, total + 1))  # all sealed, no gap, no twin
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == total
    # Each writer's own events keep the order in which that writer appended them.
    for i in range(WRITERS):
        mine = sorted(
            (order[event_id], details["n"])
            for event_id, details in events
            if details["writer"] == f"w{i}"
        )
        assert [n for _seq, n in mine] == list(range(EVENTS_EACH))
    assert "sealed" in sealer_out


def test_r70_an_event_that_commits_after_later_ids_is_still_sealed_exactly_once(settings):
    """On PostgreSQL ids are handed out before commit: id 1 may become visible after id 2."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite commits writers one at a time, in id order")
    import threading

    from django.db import connections, transaction

    import audit

    settings.BAOMI_AUDIT_SEAL_GRACE_SECONDS = 0
    inserted, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                audit.record(None, "access.denied", writer="slow")
                inserted.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inserted.wait(30)
    fast = audit.record(None, "access.denied", writer="fast")
    for _ in range(3):  # several passes while the slow transaction is open: floor must wait
        seal_pending()
    assert seq_of([fast.pk]) == {fast.pk: 1}
    release.set()
    thread.join(30)
    seal_pending()
    slow = AuditEvent.objects.get(details__writer="slow")
    assert slow.pk < fast.pk
    assert seq_of([slow.pk, fast.pk]) == {fast.pk: 1, slow.pk: 2}
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == 2
    assert report.unsealed == 0


def test_r70_parallel_verification_finds_the_same_first_problem_as_a_single_process():
    if connection.vendor != "postgresql":
        pytest.skip("parallel verification runs on PostgreSQL only")
    import audit
    from audit import chain, dbguard

    for i in range(40):
        audit.record(None, "access.denied", n=i)
    for _ in range(4):  # several blocks
        chain.SEAL_BATCH, saved = 10, chain.SEAL_BATCH
        try:
            seal_pending(max_batches=1)
        finally:
            chain.SEAL_BATCH = saved
    assert verify_chain(workers=2).checked == 40
    victim = sorted(AuditEvent.objects.values_list("id", flat=True))[27]
    dbguard.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET details = '{}' WHERE id = %s", [victim])
    finally:
        dbguard.install(connection)
    single, parallel = verify_chain(workers=1), verify_chain(workers=2)
    assert single.problem == parallel.problem
    assert (parallel.problem.kind, parallel.problem.event_id) == ("changed", victim)
    assert parallel.checked == single.checked == 27
