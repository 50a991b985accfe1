"""The restore drill (R31, issue 7 item 3): the latest backup is restored into a scratch
database, its row counts compared with the manifest, and the outcome reported (a job row on the
dashboard and an audit event). A corrupted archive fails the drill loudly."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import connection

import audit
from core.refusals import Refused
from records.ops.backups import local_copy
from records.ops.models import Backup
from records.ops.restore import _open_target, _target_settings, restore


def _scratch() -> tuple[str, Any]:
    """A new empty database of the running kind, and how to drop it."""
    work = Path(tempfile.mkdtemp(prefix="baomi-drill-"))
    if connection.vendor == "sqlite":
        return f"sqlite:///{work / 'drill.sqlite3'}", lambda: shutil.rmtree(work, True)
    import psycopg

    db = _drill_connection()
    name = f"baomi_drill_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(
            host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432,
            user=db.get("USER") or "postgres", password=db.get("PASSWORD") or None,
            dbname="postgres", autocommit=True,
        )  # fmt: skip
        admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:  # a failed drill, said in words: the job and alerts see it
        shutil.rmtree(work, True)
        raise Refused(f"the scratch database could not be created: {error}") from error

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(work, True)

    user = quote(db.get("USER") or "postgres", safe="")
    if db.get("PASSWORD"):
        user += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}@{host}/{name}", drop


def _drill_connection() -> dict[str, Any]:
    """Who creates the scratch database: ``BAOMI_DRILL_DATABASE_URL``'s role (CREATEDB and
    nothing else, deploy/postgres/10-baomi-roles.sh) when set, so the application's own role
    needs no right to create databases; else the application's own connection."""
    url = getattr(settings, "BAOMI_DRILL_DATABASE_URL", "")
    if not url:
        return dict(connection.settings_dict)
    import environ

    return dict(environ.Env.db_url_config(url))


def _counts(url: str) -> dict[str, int]:
    config = _target_settings(url)
    vendor = "sqlite" if config["ENGINE"].endswith("sqlite3") else "postgresql"
    db = _open_target(config, vendor)
    try:
        cursor = db.cursor()
        found = {}
        for model in apps.get_models():
            if model._meta.app_label in {"access", "records", "disposal", "audit"}:
                table = model._meta.db_table  # our own model tables, no user input
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
                found[model._meta.label] = cursor.fetchone()[0]
        return found
    finally:
        db.close()


def run() -> dict[str, Any]:
    """Restore the newest backup into a scratch database and compare; never raises for a bad
    archive (the outcome says so), so the beat job records the failure."""
    latest = Backup.objects.filter(pruned_at__isnull=True).first()
    if latest is None:
        outcome = {"ok": False, "problem": "no backup to drill"}
        audit.record(None, "backup.drill", **outcome)
        return outcome
    try:
        url, drop = _scratch()
    except Refused as refused:
        outcome = {"ok": False, "backup": latest.name, "problem": str(refused)}
        audit.record(None, "backup.drill", latest, **outcome)
        return outcome
    files = Path(tempfile.mkdtemp(prefix="baomi-drill-files-"))
    try:
        with local_copy(latest.name) as archive:
            done = restore(archive, url, files)
        expected = done["manifest"]["counts"]
        got = _counts(url)
        differing = sorted(k for k in expected if got.get(k) != expected[k])
        problems = [f"row counts differ: {', '.join(differing)}"] if differing else []
        if not done["audit"]["ok"]:
            problems.append("audit chain: " + " ".join(done["audit"]["report"]))
        outcome = {
            "ok": not problems,
            "backup": latest.name,
            "rows": sum(got.values()),
            "problem": "; ".join(problems),
        }
    except Refused as refused:
        outcome = {"ok": False, "backup": latest.name, "problem": str(refused)}
    finally:
        drop()
        shutil.rmtree(files, True)
    audit.record(None, "backup.drill", latest, **outcome)
    return outcome
