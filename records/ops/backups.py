"""Encrypted backups (R31, issue 7, first part: making, verifying and pruning archives).

An archive is a tar stream sealed by ``records.crypto.BackupSealer`` under the backup key: the
database (PostgreSQL ``pg_dump`` custom format streamed in parts, or SQLite's online backup
taken in memory; never a clear dump on disk), every stored file
(already encrypted per record) and, last, ``manifest.json`` (time, counts per model, audit chain
head, every member's size and SHA-256). It is written to a temporary file and moved into the
``backups`` storage only when complete; only then is a ``Backup`` row written, so a worker killed
halfway leaves nothing marked good. The ``backups`` storage is a local folder or, off-site, a
bucket on S3-compatible object storage (settings ``BAOMI_BACKUP_S3_BUCKET``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

import audit
from access.models import User
from records import crypto
from records.ops.models import Backup

MANIFEST = "manifest.json"
SUFFIX = ".bmbk"
# Work folders are named after the process that owns them, so that the next run can tell a
# folder left behind by a killed worker (its unfinished archive) from one still being written.
WORK_PREFIX = "baomi-backup-"


class _Hashing:
    """A file-like reader that hashes what passes through (for the manifest)."""

    def __init__(self, raw: Any):
        self.raw, self.digest, self.size = raw, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


# The database goes into the archive in parts of this size, straight from pg_dump's output:
# no clear copy of the dump ever lies on disk (issue 17 §21), and memory holds one part at most.
DUMP_PART_BYTES = 32 << 20
DUMP_PREFIX = "database."


def check_pg_dump(version_text: str, server_version_num: int) -> None:
    """pg_dump cannot dump a server of a newer major version (issue 18 §6: Debian's pg_dump 15
    against a managed PostgreSQL 16 or 17): refuse before starting, saying what to install,
    rather than fail halfway with pg_dump's "server version mismatch"."""
    found = re.search(r"(\d+)(?:\.\d+)?", version_text)
    client = int(found.group(1)) if found else 0
    server = server_version_num // 10000
    if client < server:
        raise RuntimeError(
            f"pg_dump {client or '(unknown version)'} cannot back up PostgreSQL {server}: "
            f"install postgresql-client-{server} (apt.postgresql.org) in the image, or back up "
            "with a server of the same major version as pg_dump"
        )


def _add_database(tar: tarfile.TarFile, members: dict) -> None:
    """Stream the database into the archive: SQLite's online backup into memory, then one
    member; PostgreSQL's ``pg_dump`` output read in parts, each its own member, in order."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        with sqlite3.connect(":memory:") as copy:
            connection.connection.backup(copy)
            data = copy.serialize()
        _add(tar, f"{DUMP_PREFIX}sqlite3", io.BytesIO(data), len(data), members)
        return
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise RuntimeError("pg_dump is not installed (Debian package postgresql-client)")
    version = subprocess.run(  # noqa: S603 (a fixed program, no input from a request)
        [pg_dump, "--version"], capture_output=True, text=True, check=False
    ).stdout
    check_pg_dump(version, connection.pg_version)  # type: ignore[attr-defined]
    arguments = [
        pg_dump,
        "--format=custom",
        "--no-owner",
        f"--host={db.get('HOST') or '127.0.0.1'}",
        f"--port={db.get('PORT') or 5432}",
        f"--username={db.get('USER') or 'postgres'}",
        db["NAME"],
    ]
    # A fixed program; the arguments come from our own settings, never from a request.
    # Messages go to a file, not a pipe: a pipe nobody reads while the dump streams could fill
    # up and stop pg_dump.
    with (
        tempfile.TemporaryFile() as messages,
        subprocess.Popen(  # noqa: S603
            arguments, env=env, stdout=subprocess.PIPE, stderr=messages
        ) as dump,
    ):
        part = 0
        while data := _read_part(dump.stdout):
            name = f"{DUMP_PREFIX}pgdump.part-{part:05d}"
            _add(tar, name, io.BytesIO(data), len(data), members)
            part += 1
        if dump.wait() != 0:
            messages.seek(0)
            raise RuntimeError(f"pg_dump failed: {messages.read().decode(errors='replace')[-500:]}")


def _read_part(stream: Any) -> bytes:
    """Up to ``DUMP_PART_BYTES`` from a pipe (a pipe returns less than asked at a time)."""
    chunks, size = [], 0
    while size < DUMP_PART_BYTES:
        block = stream.read(min(1 << 20, DUMP_PART_BYTES - size))
        if not block:
            break
        chunks.append(block)
        size += len(block)
    return b"".join(chunks)


def _stored_files() -> Iterator[str]:
    storage = storages["default"]

    def walk(folder: str) -> Iterator[str]:
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in sorted(files):
            yield f"{folder}/{name}" if folder else name
        for sub in sorted(dirs):
            yield from walk(f"{folder}/{sub}" if folder else sub)

    yield from walk("")


def _counts() -> dict[str, int]:
    mine = {"access", "records", "disposal", "audit"}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in mine and not model._meta.proxy
    }


def _chain_head() -> dict[str, Any]:
    from audit.chain import chain_head

    seq, head = chain_head()
    return {"seq": seq, "hash": head}


def create(actor: User | None = None) -> Backup:
    """Make, seal, verify and store one archive; returns its row."""
    key = crypto.backup_key()
    now = timezone.now()
    name = f"baomi-{timezone.localtime(now):%Y%m%d-%H%M%S}{SUFFIX}"
    _remove_abandoned_work()
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
    try:
        sealed_path = work / name
        members: dict[str, dict[str, Any]] = {}
        with sealed_path.open("wb") as out:
            sealer = crypto.BackupSealer(out, key)
            # typeshed asks every fileobj for read/seek/tell; stream mode ("w|") only writes.
            with tarfile.open(fileobj=sealer, mode="w|") as tar:  # type: ignore[call-overload]
                _add_database(tar, members)
                storage = storages["default"]
                for stored in _stored_files():
                    with storage.open(stored, "rb") as handle:
                        _add(tar, f"files/{stored}", handle, storage.size(stored), members)
                manifest: dict[str, Any] = {
                    "format": 1,
                    "created_at": now.isoformat(),
                    "database": connection.vendor,
                    "counts": _counts(),
                    "audit_chain_head": _chain_head(),
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()
                _add(tar, MANIFEST, io.BytesIO(data), len(data), {})
            sealer.close()
        verify_file(sealed_path, key)  # never store an archive that does not open
        digest = _file_sha256(sealed_path)
        size = sealed_path.stat().st_size
        target = storages["backups"]
        with sealed_path.open("rb") as handle:
            stored_name = target.save(name, File(handle, name=name))
        if target.size(stored_name) != size:  # an upload cut short is not a backup
            target.delete(stored_name)
            raise OSError(f"the stored copy of {stored_name} is incomplete")
        backup = Backup.objects.create(
            name=stored_name, size=size, sha256=digest, manifest=manifest
        )
        audit.record(
            actor,
            "backup.created",
            backup,
            size_bytes=size,
            files=len(members) - 1,
            sha256=digest,
            chain_seq=manifest["audit_chain_head"].get("seq", 0),
        )
        return backup
    finally:
        shutil.rmtree(work, ignore_errors=True)


def stored_archives() -> list[str]:
    """Archive names in the backups storage, oldest first (names carry the time). Read from the
    storage itself, so that disaster recovery works without the lost database's ``Backup`` rows."""
    try:
        _dirs, files = storages["backups"].listdir("")
    except FileNotFoundError:
        return []
    return sorted(name for name in files if name.endswith(SUFFIX))


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """The archive as a local file: the stored file itself on a folder storage, a temporary
    download (removed afterwards) from object storage."""
    storage = storages["backups"]
    try:
        stored = Path(storage.path(name))
    except NotImplementedError:  # object storage has no local path
        stored = None
    if stored is not None:
        yield stored
        return
    work = Path(tempfile.mkdtemp(prefix="baomi-fetch-"))
    try:
        local = work / Path(name).name
        with storage.open(name, "rb") as remote, local.open("wb") as out:
            shutil.copyfileobj(remote, out, 1 << 20)
        yield local
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _remove_abandoned_work() -> None:
    """Delete work folders of backup runs whose process is gone (killed mid-run: the archive in
    them was never stored nor recorded, but it holds a copy of the data, sealed or not)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*-*"):
        pid = folder.name[len(WORK_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _add(tar: tarfile.TarFile, name: str, handle: Any, size: int, members: dict) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    reader = _Hashing(handle)
    tar.addfile(info, reader)
    handle.close()
    members[name] = {"size": reader.size, "sha256": reader.digest.hexdigest()}


class _Chunks(io.RawIOBase):
    """The decrypted archive as a readable stream, for tarfile."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks, self._rest = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            try:
                self._rest = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._rest))
        buffer[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n


def verify_file(path: Path, key: bytes | None = None) -> dict[str, Any]:
    """Decrypt the whole archive and check every member against the manifest; returns the
    manifest. Raises ``crypto.DecryptionFailed`` (wrong key, altered, truncated) or
    ``ValueError`` (a member that does not match)."""
    key = key or crypto.backup_key()
    seen: dict[str, dict[str, Any]] = {}
    manifest: dict[str, Any] | None = None
    with path.open("rb") as raw:
        stream = io.BufferedReader(_Chunks(crypto.open_backup(raw, key)), 1 << 20)
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for info in tar:
                handle = tar.extractfile(info)
                if handle is None:
                    continue
                if info.name == MANIFEST:
                    manifest = json.loads(handle.read())
                    continue
                digest, size = hashlib.sha256(), 0
                while block := handle.read(1 << 20):
                    digest.update(block)
                    size += len(block)
                seen[info.name] = {"size": size, "sha256": digest.hexdigest()}
    if manifest is None:
        raise ValueError("the archive has no manifest")
    if seen != manifest["members"]:
        differing = sorted(set(seen) ^ set(manifest["members"])) or [
            n for n in seen if seen[n] != manifest["members"].get(n)
        ]
        raise ValueError(f"members do not match the manifest: {', '.join(differing[:5])}")
    return manifest


def keep(backups: list[Backup], daily: int = 7, weekly: int = 4, monthly: int = 12) -> set[int]:
    """Which archives a generations policy keeps: the newest of each of the last ``daily`` days,
    ``weekly`` ISO weeks and ``monthly`` months (R31)."""
    kept: set[int] = set()
    for span, count in (("day", daily), ("week", weekly), ("month", monthly)):
        seen: list[tuple] = []
        for backup in sorted(backups, key=lambda b: b.created_at, reverse=True):
            local = timezone.localtime(backup.created_at)
            bucket = {
                "day": (local.year, local.month, local.day),
                "week": tuple(local.isocalendar()[:2]),
                "month": (local.year, local.month),
            }[span]
            if bucket not in seen:
                seen.append(bucket)
                if len(seen) <= count:
                    kept.add(backup.pk)
    return kept


def prune(actor: User | None = None) -> int:
    """Delete archives the generations policy no longer keeps; each deletion is audited."""
    live = list(Backup.objects.filter(pruned_at__isnull=True))
    kept = keep(
        live,
        settings.BAOMI_BACKUP_KEEP_DAILY,
        settings.BAOMI_BACKUP_KEEP_WEEKLY,
        settings.BAOMI_BACKUP_KEEP_MONTHLY,
    )
    pruned = 0
    for backup in live:
        if backup.pk in kept:
            continue
        storages["backups"].delete(backup.name)
        Backup.objects.filter(pk=backup.pk).update(pruned_at=timezone.now())
        audit.record(actor, "backup.pruned", backup)
        pruned += 1
    return pruned


def stale(hours: int = 36) -> bool:
    """No good backup in the last ``hours``: the dashboard shows it red."""
    return not Backup.objects.filter(
        pruned_at__isnull=True, created_at__gte=timezone.now() - timedelta(hours=hours)
    ).exists()
