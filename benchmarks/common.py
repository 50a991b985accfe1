"""What every benchmark script does around its measurements: a database of its own on the
benchmark PostgreSQL server, percentiles, peak memory. Imported after the script has put the
project root on ``sys.path``."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(database_url: str) -> None:
    """Point Django at a benchmark's database. Each script calls it from ``main``, never on
    import, so a process that imports a benchmark keeps its own DATABASE_URL (issue 20 §7)."""
    import os

    os.environ["DATABASE_URL"] = database_url
    # A broker URL turns off the embedded mode's seal-on-commit: a separate sealer runs, as in
    # production. Nothing is sent to it.
    os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("BAOMI_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BAOMI_LOG_LEVEL", "ERROR")


def psql(database_url: str, sql: str) -> None:
    """Run one statement on the server of ``database_url``, connected to its postgres database."""
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-q", "-c", sql], check=True, capture_output=True)


def database_name(database_url: str) -> str:
    return database_url.rsplit("/", 1)[1]


def recreate(database_url: str, *, migrate: bool = True) -> None:
    """Drop and create the benchmark's database; migrate it (the script set DATABASE_URL)."""
    name = database_name(database_url)
    psql(database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(database_url, f"CREATE DATABASE {name}")
    if migrate:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
        )


def drop(database_url: str) -> None:
    """Drop the benchmark's database, closing this process's connections to it first."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    psql(database_url, f"DROP DATABASE IF EXISTS {database_name(database_url)} WITH (FORCE)")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def alternate(rounds: int, ours, baseline) -> tuple[list[float], list[float]]:
    """Time ``ours`` and ``baseline`` in turn, ``rounds`` times each, so both meet the same
    caches and the same load."""
    mine, base = [], []
    for _ in range(rounds):
        for run, times in ((ours, mine), (baseline, base)):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    return mine, base


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Every column of a client file, as the SQL expression a seed row gets (``g`` counts 1..N): the
# one generator the benchmarks share, so a new column is taught to them once. Benchmarks
# override what they measure (levels, statuses, sizes of the sealed columns, retention).
FILE_COLUMNS = {
    "id": "gen_random_uuid()",
    "archive_number": "'KH-X' || lpad(g::text, 9, '0')",
    "kind": "'person'",
    "tier": "2",
    "minimum_tier": "2",
    "status": "'approved'",
    "handler_id": "(%(handlers)s::int[])[1 + g %% %(people)s]",
    "department_id": "(%(departments)s::int[])[1 + g %% %(people)s]",
    "source": "'walk_in'",
    "acquired_at": "DATE '2026-01-01'",
    "categories": "'[]'::jsonb",
    "public_authorised": "false",
    "key_version": "1",
    "wrapped_key": "'\\x00'::bytea",
    "sealed_identity": "''",
    "sealed_financial": "''",
    "sealed_transaction": "''",
    "sealed_other": "''",
    "sealed_communications": "''",
    "sealed_review_comment": "''",
    "name_index": "''",
    "phone_index": "''",
    "id_index": "''",
    "created_at": "now()",
    "updated_at": "now()",
    "outcome": "'open'",
    "retention_until": "NULL",
    "retention_policy": "''",
    "on_hold": "false",
    "old_number": "''",
    "import_batch_id": "NULL",
}


def insert_files(cursor, total: int, people: list, **columns: str) -> None:
    """Insert ``total`` client files in one statement, spread over ``people`` (their department
    is the file's), with ``columns`` replacing the defaults above."""
    chosen = {**FILE_COLUMNS, **columns}
    unknown = set(columns) - set(FILE_COLUMNS)
    if unknown:
        raise ValueError(f"not a column of a client file: {sorted(unknown)}")
    cursor.execute(
        f"INSERT INTO records_customerrecord ({', '.join(chosen)}) "  # noqa: S608 - constant SQL
        f"SELECT {', '.join(chosen.values())} FROM generate_series(1, %(total)s) AS g",
        {
            "handlers": [u.pk for u in people],
            "departments": [u.department_id for u in people],
            "people": len(people),
            "total": total,
        },
    )
