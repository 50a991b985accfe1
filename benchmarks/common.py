"""What every benchmark script does around its measurements: a database of its own on the
benchmark PostgreSQL server, percentiles, peak memory. Imported after the script has put the
project root on ``sys.path``."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
