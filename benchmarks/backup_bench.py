"""Backup and restore benchmarks on PostgreSQL (issue 7). Run on demand, never in the suite.

    .venv/bin/python benchmarks/backup_bench.py                   # 1M files
    .venv/bin/python benchmarks/backup_bench.py --records 200000

Own databases ``baomi_bench_backup`` (source) and ``baomi_bench_restored`` (target), created and
dropped each run. Files are rows with realistic sealed-column sizes inserted by SQL. Prints the
wall time, throughput and peak memory of ``records.ops.backups.create`` (pg_dump, sealing,
verifying) and ``records.ops.restore.restore`` (decrypt, verify, pg_restore, re-apply
destructions) against plain ``pg_dump -Fc`` and ``pg_restore`` of the same database; goal
within 1.5x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import drop, insert_files, recreate, rss_mb  # noqa: E402 - after sys.path

BASE = os.environ.get("BENCH_BACKUP_SERVER", "postgres://postgres@127.0.0.1:5432")
SOURCE, TARGET = "baomi_bench_backup", "baomi_bench_restored"
os.environ["DATABASE_URL"] = f"{BASE}/{SOURCE}"
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("BAOMI_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("BAOMI_LOG_LEVEL", "ERROR")


def seed(total: int, sales) -> None:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        insert_files(
            cursor,
            total,
            sales,
            archive_number="'KH-B' || lpad(g::text, 9, '0')",
            acquired_at="DATE '2024-01-01'",
            categories='\'["identity","contact"]\'::jsonb',
            wrapped_key="gen_random_bytes(61)",
            sealed_identity="gen_random_bytes(420)",
            sealed_financial="gen_random_bytes(90)",
            sealed_transaction="gen_random_bytes(160)",
            name_index="md5(g::text)",
            phone_index="md5((g * 7)::text)",
            retention_policy="'open-inactive v1'",
        )
    print(f"seed: {total:,} files in {time.perf_counter() - start:,.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    drop(f"{BASE}/{TARGET}")
    recreate(f"{BASE}/{SOURCE}")  # migrated: DATABASE_URL names the source
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    from benchmarks.records_bench import people
    from records.ops import backups
    from records.ops.restore import restore

    _departments, sales, _heads = people()
    seed(args.records, sales)
    work = Path(tempfile.mkdtemp(prefix="baomi-bench-"))
    try:
        start = time.perf_counter()
        made = backups.create()
        ours_backup = time.perf_counter() - start
        print(
            f"backup: {made.size / 1e6:,.0f} MB archive in {ours_backup:,.1f} s "
            f"({made.size / 1e6 / ours_backup:,.1f} MB/s); peak RSS {rss_mb():,.0f} MB"
        )
        plain = work / "plain.pgdump"
        start = time.perf_counter()
        subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", f"--file={plain}", f"{BASE}/{SOURCE}"], check=True
        )
        plain_backup = time.perf_counter() - start
        print(
            f"  baseline: plain pg_dump -Fc in {plain_backup:,.1f} s "
            f"({plain.stat().st_size / 1e6:,.0f} MB); ratio {ours_backup / plain_backup:.2f}x "
            "(ours also seals and verifies)   goal < 1.5x"
        )
        from django.core.files.storage import storages

        archive = Path(storages["backups"].path(made.name))
        recreate(f"{BASE}/{TARGET}", migrate=False)
        start = time.perf_counter()
        restore(archive, f"{BASE}/{TARGET}", work / "files")
        ours_restore = time.perf_counter() - start
        recreate(f"{BASE}/{TARGET}", migrate=False)
        start = time.perf_counter()
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={BASE}/{TARGET}", str(plain)], check=True
        )
        plain_restore = time.perf_counter() - start
        print(
            f"restore: {ours_restore:,.1f} s; baseline plain pg_restore {plain_restore:,.1f} s; "
            f"ratio {ours_restore / plain_restore:.2f}x   goal < 1.5x; peak RSS {rss_mb():,.0f} MB"
        )
        storages["backups"].delete(made.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        drop(f"{BASE}/{TARGET}")
        drop(f"{BASE}/{SOURCE}")


if __name__ == "__main__":
    main()
