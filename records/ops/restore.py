"""Restoring a backup (R31) into an empty database, destroying again every file destroyed after
the backup was taken (R60), so a restore never brings a destroyed file back.

The archive is decrypted and checked against its manifest in full before anything is written;
a wrong key, a truncated or altered archive, or a target that is not empty is refused with a
clear message and the target is not touched. Last, the restored audit chain is verified against
the anchors kept outside the database, in "restored up to" mode: anchors written after the
backup are expected and listed (they show what the restore could not bring back).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import environ
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils import timezone

from core.refusals import Refused
from records import content as record_content
from records import crypto
from records.ops import backups, journal


def _target_settings(url: str) -> dict[str, Any]:
    config = environ.Env.db_url_config(url)
    config.setdefault("OPTIONS", {})
    config.setdefault("TIME_ZONE", None)
    config.setdefault("CONN_MAX_AGE", 0)
    config.setdefault("CONN_HEALTH_CHECKS", False)
    config.setdefault("AUTOCOMMIT", True)
    config.setdefault("ATOMIC_REQUESTS", False)
    config.setdefault("TEST", {})
    return config


def _is_empty(config: dict[str, Any], vendor: str) -> bool:
    if vendor == "sqlite":
        path = Path(config["NAME"])
        return not path.exists() or path.stat().st_size == 0
    db = _open_target(config, vendor)
    try:
        cursor = db.cursor()
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        return cursor.fetchone()[0] == 0
    finally:
        db.close()


def restore(
    archive: Path, target_url: str, files_root: Path, key: bytes | None = None
) -> dict[str, Any]:
    """Restore ``archive`` into the empty database at ``target_url`` and the stored files into
    ``files_root``; returns what was restored and how many destructions were re-applied."""
    try:
        manifest = backups.verify_file(archive, key)
    except crypto.WrongBackupKey:
        raise Refused("This archive was made with another backup key (BAOMI_BACKUP_KEY).") from None
    except crypto.DecryptionFailed as error:
        raise Refused(f"The archive is damaged or incomplete: {error}.") from None
    except ValueError as error:
        raise Refused(f"The archive does not match its manifest: {error}.") from None
    config = _target_settings(target_url)
    vendor = "sqlite" if config["ENGINE"].endswith("sqlite3") else "postgresql"
    if vendor != manifest["database"]:
        raise Refused(
            f"The archive holds a {manifest['database']} database; the target is {vendor}."
        )
    if not _is_empty(config, vendor):
        raise Refused("The target database is not empty; restore only into a new one.")
    _extract(archive, key, files_root, _Loader(config, vendor))
    reapplied = _reapply_destructions(config, vendor, files_root, manifest["created_at"])
    audit_check = verify_audit_chain(target_url, manifest)
    return {"manifest": manifest, "reapplied": reapplied, "audit": audit_check}


def verify_audit_chain(target_url: str, manifest: dict[str, Any]) -> dict[str, Any]:
    """Run ``audit_verify`` against the restored database, in its own process: the very check an
    operator runs, on a database the running application has no connection to."""
    env = {**os.environ, "DATABASE_URL": target_url}
    anchors = storages["anchors"]
    if isinstance(anchors, FileSystemStorage):
        env["BAOMI_ANCHOR_ROOT"] = str(anchors.location)
    head = (manifest.get("audit_chain_head") or {}).get("seq") or 0
    command = [
        sys.executable,
        str(settings.BASE_DIR / "manage.py"),
        "audit_verify",
        "--no-seal",
        "--workers=1",
        f"--restored-up-to={head}",
    ]
    # Our own program and arguments; the URL travels in the environment, not on a command line.
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return {"ok": done.returncode == 0, "report": lines[-3:]}


class _Loader:
    """Feeds the archive's database parts straight into the target, in order: SQLite's into
    the new database file, PostgreSQL's into ``pg_restore``'s input. No clear copy of the dump
    is written anywhere else (issue 17 §21)."""

    def __init__(self, config: dict[str, Any], vendor: str):
        self.config, self.vendor = config, vendor
        self.sink: Any = None
        self.process: subprocess.Popen | None = None
        self.messages: Any = None

    def write(self, handle: Any) -> None:
        if self.sink is None:
            self.sink = self._open()
        shutil.copyfileobj(handle, self.sink, 1 << 20)

    def _open(self) -> Any:
        if self.vendor == "sqlite":
            return open(self.config["NAME"], "wb")
        pg_restore = shutil.which("pg_restore")
        if pg_restore is None:
            raise Refused("pg_restore is not installed (Debian package postgresql-client).")
        arguments = [
            pg_restore,
            "--no-owner",
            f"--host={self.config.get('HOST') or '127.0.0.1'}",
            f"--port={self.config.get('PORT') or 5432}",
            f"--username={self.config.get('USER') or 'postgres'}",
            f"--dbname={self.config['NAME']}",
        ]
        env = {**os.environ, "PGPASSWORD": self.config.get("PASSWORD") or ""}
        # Messages to a file: a full pipe nobody reads would stop pg_restore mid-input.
        self.messages = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish()
        # A fixed program; arguments from the operator's command line; the dump on its input.
        self.process = subprocess.Popen(  # noqa: S603
            arguments, env=env, stdin=subprocess.PIPE, stderr=self.messages
        )
        return self.process.stdin

    def finish(self) -> None:
        if self.sink is None:
            raise Refused("The archive holds no database.")
        self.sink.close()
        if self.process is not None:
            failed = self.process.wait() != 0
            self.messages.seek(0)
            problem = self.messages.read().decode(errors="replace")[-500:]
            self.messages.close()
            if failed:
                raise Refused(f"pg_restore failed: {problem}")


def _extract(archive: Path, key: bytes | None, files_root: Path, loader: _Loader) -> None:
    key = key or crypto.backup_key()
    with archive.open("rb") as raw:
        stream = io.BufferedReader(backups._Chunks(crypto.open_backup(raw, key)), 1 << 20)
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for info in tar:
                handle = tar.extractfile(info)
                if handle is None or info.name == backups.MANIFEST:
                    continue
                if info.name.startswith(backups.DUMP_PREFIX):
                    loader.write(handle)  # parts arrive in order, before any file
                    continue
                relative = Path(info.name.removeprefix("files/"))
                if relative.is_absolute() or ".." in relative.parts:
                    raise Refused(f"unsafe path in the archive: {info.name}")
                target = files_root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    shutil.copyfileobj(handle, out, 1 << 20)
    loader.finish()


def _open_target(config: dict[str, Any], vendor: str) -> Any:
    """A plain DB-API connection to the restored database (not a Django alias: the restore
    runs beside the live application, whose connections it must not touch)."""
    if vendor == "sqlite":
        import sqlite3

        return sqlite3.connect(config["NAME"])
    import psycopg

    return psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        dbname=config["NAME"],
    )


def _reapply_destructions(
    config: dict[str, Any], vendor: str, files_root: Path, taken_at: str
) -> int:
    """Destroy again, in the restored database and files, whatever the destruction journal
    says was destroyed since the backup was taken."""
    since = datetime.fromisoformat(taken_at)
    ids = sorted(journal.destroyed_since(since))
    if not ids:
        return 0
    mark = "?" if vendor == "sqlite" else "%s"
    keys = [uuid.UUID(i).hex if vendor == "sqlite" else i for i in ids]
    places = ", ".join([mark] * len(keys))
    blanks = record_content.shredded_values()
    assignments = ", ".join(f"{column} = {mark}" for column in blanks)
    # Table and column names are our own constants and every value is a bound parameter.
    find = f"SELECT storage_name FROM records_attachment WHERE record_id IN ({places})"  # noqa: S608
    unlink = f"UPDATE records_consent SET evidence_id = NULL WHERE record_id IN ({places})"  # noqa: S608
    drop = f"DELETE FROM records_attachment WHERE record_id IN ({places})"  # noqa: S608
    shred = (
        f"UPDATE records_customerrecord SET status = 'destroyed', destroyed_at = {mark}, "  # noqa: S608
        f"{assignments} WHERE id IN ({places}) AND status <> 'destroyed'"
    )
    now = timezone.now()
    db = _open_target(config, vendor)
    try:
        cursor = db.cursor()
        cursor.execute(find, keys)
        for (name,) in cursor.fetchall():
            (files_root / name).unlink(missing_ok=True)
        cursor.execute(unlink, keys)
        cursor.execute(drop, keys)
        stamp = now.isoformat() if vendor == "sqlite" else now
        cursor.execute(shred, [stamp, *blanks.values(), *keys])
        reapplied = cursor.rowcount
        db.commit()
    finally:
        db.close()
    return reapplied
