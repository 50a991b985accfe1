"""Restore (R31, R60): a destroyed file stays destroyed, everything else comes back identical;
wrong key, damaged archives and non-empty targets are refused with nothing touched."""

from __future__ import annotations

import io
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from audit import anchors, chain, verification
from core.refusals import Refused
from disposal import batches, sweep
from disposal.models import DisposalBatch
from records.models import CustomerRecord
from records.ops import backups
from records.ops.restore import restore
from tests.factories import approved, build_world, make_due

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = ["id", "status", "wrapped_key", "sealed_identity", "sealed_transaction", "phone_index"]


def _normal(values) -> list:
    record_id, *rest = values
    return [str(uuid.UUID(str(record_id)))] + [
        bytes(v) if isinstance(v, bytes | memoryview) else v for v in rest
    ]


def _target(tmp_path: Path):
    """An empty database of the same kind as the test's, and a way to read rows from it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def rows(record_id):
            with sqlite3.connect(path) as db:
                return db.execute(
                    f"SELECT {', '.join(COLUMNS)} FROM records_customerrecord WHERE id = ?",
                    [str(record_id).replace("-", "")],
                ).fetchone()

        return f"sqlite:///{path}", rows, lambda: None
    import psycopg

    name = f"baomi_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")

    def rows(record_id):
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname=name) as db:
            return db.execute(
                f"SELECT {', '.join(COLUMNS)} FROM records_customerrecord WHERE id = %s",
                [record_id],
            ).fetchone()

    def drop():
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()

    return f"postgres://postgres@127.0.0.1:5432/{name}", rows, drop


def _live(record_id):
    return CustomerRecord.objects.filter(pk=record_id).values_list(*COLUMNS).get()


def test_r31_r60_backup_destroy_restore_the_destroyed_file_stays_destroyed(tmp_path):
    world = build_world()
    kept = approved(world.sales, world.head, {"full_name": "保留客户", "mobile": "13900000001"})
    doomed = make_due(
        approved(world.sales, world.head, {"full_name": "销毁客户", "mobile": "13900000002"})
    )
    doomed_files = list(doomed.attachments.values_list("storage_name", flat=True))
    kept_files = list(kept.attachments.values_list("storage_name", flat=True))
    assert anchors.write_anchor() is not None  # the nightly anchor before the backup
    archive = Path(storages["backups"].path(backups.create().name))

    sweep.propose_due()
    batch = DisposalBatch.objects.get()
    batches.sign(world.head, batch, "head")
    batch = batches.sign(world.keeper, batch, "archivist")
    batches.execute(world.keeper, batch)
    after = anchors.write_anchor()  # the next night's anchor: its events are not in the backup

    url, rows, drop = _target(tmp_path)
    try:
        files = tmp_path / "files"
        done = restore(archive, url, files)
        assert done["reapplied"] == 1
        # The restored audit chain verifies against the anchors up to the backup; the later
        # anchor is named as what the restore could not bring back, not as tampering.
        assert done["audit"]["ok"], done["audit"]
        report = " ".join(done["audit"]["report"])
        assert f"1 anchor(s) were written after the backup (from sequence {after.seq}" in report
        assert "chain intact" in report
        restored_doomed = rows(doomed.pk)
        assert restored_doomed[1] == "destroyed"
        assert not bytes(restored_doomed[2])  # no data key came back
        assert not bytes(restored_doomed[3])
        assert _normal(rows(kept.pk)) == _normal(_live(kept.pk))  # the rest is identical
        for name in doomed_files:
            assert not (files / name).exists()
        for name in kept_files:
            assert (files / name).read_bytes() == storages["default"].open(name).read()
    finally:
        drop()


def test_r31_wrong_key_damaged_archive_and_non_empty_target_are_refused_untouched(tmp_path):
    world = build_world()
    approved(world.sales, world.head, {"full_name": "客户", "mobile": "13900000003"})
    archive = Path(storages["backups"].path(backups.create().name))
    url, _rows, drop = _target(tmp_path)
    try:
        with pytest.raises(Refused, match="another backup key"):
            restore(archive, url, tmp_path / "f1", key=b"\x05" * 32)
        damaged = tmp_path / "damaged.bmbk"
        raw = bytearray(archive.read_bytes())
        raw[len(raw) // 3] ^= 0xFF
        damaged.write_bytes(bytes(raw))
        with pytest.raises(Refused, match="damaged or incomplete"):
            restore(damaged, url, tmp_path / "f2")
        assert not (tmp_path / "f1").exists()
        assert not (tmp_path / "f2").exists()
        if connection.vendor == "sqlite":
            assert not (tmp_path / "restored.sqlite3").exists()
            busy = tmp_path / "busy.sqlite3"
            with sqlite3.connect(busy) as db:
                db.execute("CREATE TABLE keep_me (x)")
            before = busy.read_bytes()
            with pytest.raises(Refused, match="not empty"):
                restore(archive, f"sqlite:///{busy}", tmp_path / "f3")
            assert busy.read_bytes() == before
    finally:
        drop()


def test_r31_the_restore_drill_passes_on_a_good_backup_and_catches_a_corrupted_one(tmp_path):
    from audit.models import AuditEvent
    from records.ops import drill

    world = build_world()
    approved(world.sales, world.head, {"full_name": "演练客户", "mobile": "13900000004"})
    made = backups.create()
    good = drill.run()
    assert good["ok"], good
    path = Path(storages["backups"].path(made.name))
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x10
    path.write_bytes(bytes(raw))
    bad = drill.run()
    assert not bad["ok"]
    assert "damaged" in bad["problem"]
    outcomes = list(
        AuditEvent.objects.filter(action="backup.drill")
        .order_by("id")
        .values_list("details__ok", flat=True)
    )
    assert outcomes == [True, False]


def test_r31_the_restore_drill_creates_its_scratch_database_with_the_drill_role(settings):
    """Issue 18 §2: the drill needs CREATEDB, which the application role does not get; a role
    with that right alone (``BAOMI_DRILL_DATABASE_URL``) creates, fills and drops the scratch
    database."""
    from records.ops import drill

    if connection.vendor != "postgresql":
        pytest.skip("database roles exist only on PostgreSQL")
    role = f"baomi_drill_{uuid.uuid4().hex[:6]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN CREATEDB")
    try:
        db = connection.settings_dict
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        settings.BAOMI_DRILL_DATABASE_URL = f"postgres://{role}@{host}/postgres"
        world = build_world()
        approved(world.sales, world.head, {"full_name": "演练客户", "mobile": "13900000004"})
        backups.create()
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER ROLE {role} NOCREATEDB")
        refused = drill.run()  # the drill uses this role, not the application's connection
        assert not refused["ok"]
        assert "permission denied to create database" in refused["problem"]
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER ROLE {role} CREATEDB")
        outcome = drill.run()
        assert outcome["ok"], outcome
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba"
                " WHERE r.rolname = %s",
                [role],
            )
            assert cursor.fetchone()[0] == 0  # its scratch database is gone again
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP ROLE IF EXISTS {role}")


def test_r31_a_restored_audit_chain_that_disagrees_with_the_anchors_stops_the_restore(tmp_path):
    world = build_world()
    approved(world.sales, world.head, {"full_name": "客户", "mobile": "13900000004"})
    chain.seal_pending()
    seq, _head = chain.chain_head()
    assert seq > 0
    archive = Path(storages["backups"].path(backups.create().name))
    # An anchor kept outside the database says the log looked different at that point: the
    # archive holds a rewritten log.
    forged = json.dumps({"seq": seq, "hash": "00" * 32, "at": 1}).encode()
    storages["anchors"].save(
        f"{anchors.ANCHOR_DIR}/20260101T000000000000-{seq}.json", ContentFile(forged)
    )
    url, _rows, drop = _target(tmp_path)
    out = io.StringIO()
    try:
        with pytest.raises(CommandError, match="audit chain does not verify"):
            call_command(
                "restore", str(archive), "--to", url, "--files", str(tmp_path / "f"), stdout=out
            )
    finally:
        drop()
    assert "the log was rewritten" in out.getvalue()


def test_r31_a_restored_chain_shorter_than_the_backup_recorded_is_a_truncation(db):
    build_world()
    chain.seal_pending()
    seq, _head = chain.chain_head()
    report = verification.verify_chain(restored_up_to=seq + 5)
    assert report.problem.kind == "truncated"
    assert f"recorded the chain up to sequence {seq + 5}" in report.problem.message


def test_r31_the_dump_never_lies_in_clear_on_disk_and_restores_from_its_parts(
    tmp_path, monkeypatch
):
    """Issue 17 §21: the database goes from pg_dump (or SQLite's backup) straight into the
    sealed archive, in parts, and from the archive straight into pg_restore (or the new file)."""
    import tempfile

    world = build_world()
    kept = approved(world.sales, world.head, {"full_name": "保留客户", "mobile": "13900000001"})
    monkeypatch.setattr(backups, "DUMP_PART_BYTES", 4096)  # several parts on PostgreSQL
    seen_on_disk: list[str] = []
    real_add = backups._add

    def watching(tar, name, handle, size, members):
        if name.startswith(backups.DUMP_PREFIX):
            for folder in Path(tempfile.gettempdir()).glob(f"{backups.WORK_PREFIX}*"):
                seen_on_disk.extend(p.name for p in folder.iterdir())
        real_add(tar, name, handle, size, members)

    monkeypatch.setattr(backups, "_add", watching)
    made = backups.create()
    assert seen_on_disk
    assert all(name.endswith(backups.SUFFIX) for name in seen_on_disk)  # only the sealed archive
    parts = sorted(n for n in made.manifest["members"] if n.startswith(backups.DUMP_PREFIX))
    if connection.vendor == "postgresql":
        assert len(parts) > 1
    url, rows, drop = _target(tmp_path)
    try:
        restore(Path(storages["backups"].path(made.name)), url, tmp_path / "files")
        assert _normal(rows(kept.pk)) == _normal(_live(kept.pk))
    finally:
        drop()
