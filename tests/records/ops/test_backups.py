"""Encrypted backups (R31, issue 7 part 1): sealed, verified, refused when altered, pruned."""

from __future__ import annotations

import tarfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import storages

from audit.models import AuditEvent
from records import crypto
from records.ops import backups
from records.ops.models import Backup
from tests.factories import PERSON, register


def _archive(backup: Backup) -> Path:
    return Path(storages["backups"].path(backup.name))


@pytest.mark.django_db(transaction=True)  # the online database copy needs committed data
def test_r31_a_backup_holds_database_and_files_sealed_and_verifies(sales_org):
    record = register(sales_org.sales)
    made = backups.create()
    path = _archive(made)
    raw = path.read_bytes()
    assert raw.startswith(crypto.BACKUP_MAGIC)
    assert PERSON["full_name"].encode() not in raw
    assert b"manifest" not in raw  # even the tar structure is sealed
    manifest = backups.verify_file(path)
    assert manifest["counts"]["records.CustomerRecord"] == 1
    names = set(manifest["members"])
    assert any(n.startswith("database.") for n in names)
    assert any(str(record.pk) in n for n in names)  # the attachment blob
    assert AuditEvent.objects.filter(action="backup.created").count() == 1


@pytest.mark.django_db(transaction=True)
def test_r31_wrong_key_truncated_and_bit_flipped_archives_are_refused_clearly(sales_org, tmp_path):
    register(sales_org.sales)
    path = _archive(backups.create())
    raw = path.read_bytes()
    with pytest.raises(crypto.WrongBackupKey):
        backups.verify_file(path, key=b"\x07" * 32)
    truncated = tmp_path / "truncated.bmbk"
    truncated.write_bytes(raw[: len(raw) - 40])
    with pytest.raises(crypto.DecryptionFailed):
        backups.verify_file(truncated)
    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0x01
    damaged = tmp_path / "flipped.bmbk"
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(crypto.DecryptionFailed) as error:
        backups.verify_file(damaged)
    assert "damaged or altered" in str(error.value)


@pytest.mark.django_db(transaction=True)
def test_a_backup_that_fails_halfway_leaves_nothing_marked_good(sales_org, monkeypatch):
    register(sales_org.sales)

    def broken():
        yield from ()
        raise OSError("disk gone")  # the storage fails halfway

    monkeypatch.setattr(backups, "_stored_files", broken)
    with pytest.raises(OSError, match="disk gone"):
        backups.create()
    assert not Backup.objects.exists()
    folder = Path(storages["backups"].location)
    assert not folder.exists() or not any(folder.iterdir())  # no half-written archive stored


def test_generations_keep_the_newest_of_each_day_week_and_month(db):
    tz = ZoneInfo("Asia/Shanghai")
    start = datetime(2026, 11, 23, 3, 15, tzinfo=tz)
    rows = [
        Backup(pk=i + 1, name=f"b{i}", size=1, sha256="x", manifest={},
               created_at=start - timedelta(days=i))
        for i in range(120)
    ]  # fmt: skip
    kept = backups.keep(rows, daily=7, weekly=4, monthly=12)
    assert {1, 2, 3, 4, 5, 6, 7} <= kept  # the last seven days
    assert len(kept) < 7 + 4 + 12
    assert 120 not in kept or len(kept) <= 23
    newest_of_august = max(
        (r for r in rows if r.created_at.month == 8), key=lambda r: r.created_at
    ).pk
    assert newest_of_august in kept


def test_the_sealed_stream_round_trips_across_chunks(tmp_path):
    key = b"\x01" * 32
    data = bytes(range(256)) * (crypto.BACKUP_CHUNK // 128)  # two chunks and a bit
    path = tmp_path / "x.bin"
    with path.open("wb") as out:
        sealer = crypto.BackupSealer(out, key)
        sealer.write(data)
        sealer.close()
    with path.open("rb") as raw:
        assert b"".join(crypto.open_backup(raw, key)) == data
    assert tarfile.is_tarfile(path) is False
