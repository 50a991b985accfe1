"""Backup and restore benchmarks on PostgreSQL (issue 7). Run on demand, never in the suite.

    .venv/bin/python benchmarks/backup_bench.py                   # 1M files
    .venv/bin/python benchmarks/backup_bench.py --records 200000 --reps 5
    .venv/bin/python benchmarks/backup_bench.py --server postgres://u@host --source a --target b

Own databases ``baomi_bench_backup`` (source) and ``baomi_bench_restored`` (target), or the
names given, created and dropped each run. Files are rows with realistic sealed-column sizes
inserted by SQL. Prints the wall time, throughput and peak memory of
``records.ops.backups.create`` (pg_dump, sealing, verifying) and
``records.ops.restore.restore`` (decrypt, verify, pg_restore, re-apply destructions) against
plain ``pg_dump -Fc`` and ``pg_restore`` of the same database, run in turn with them
(``--reps`` pairs, medians); goal within 1.5x.
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

from benchmarks.common import configure, drop, insert_files, recreate, rss_mb  # noqa: E402 - after sys.path

SERVER = os.environ.get("BENCH_BACKUP_SERVER", "postgres://postgres@127.0.0.1:5432")


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


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3, help="alternating pairs of each")
    parser.add_argument("--server", default=SERVER, help="PostgreSQL server URL, no database")
    parser.add_argument("--source", default="baomi_bench_backup", help="database backed up")
    parser.add_argument("--target", default="baomi_bench_restored", help="database restored")
    args = parser.parse_args()
    source, target = f"{args.server}/{args.source}", f"{args.server}/{args.target}"
    configure(source)
    drop(target)
    recreate(source)  # migrated: DATABASE_URL names the source
    import django

    django.setup()
    from django.core.files.storage import storages
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    from benchmarks.records_bench import people
    from records.ops import backups
    from records.ops.restore import restore

    _departments, sales, _heads = people()
    seed(args.records, sales)
    work = Path(tempfile.mkdtemp(prefix="baomi-bench-"))
    plain = work / "plain.pgdump"
    times: dict[str, list[float]] = {"ours": [], "plain": [], "restore": [], "pg_restore": []}

    def timed(name: str, run) -> None:
        start = time.perf_counter()
        run()
        times[name].append(time.perf_counter() - start)

    try:
        made = None
        for _ in range(args.reps):  # ours and the baseline in turn, same cache, same load
            if made is not None:
                storages["backups"].delete(made.name)
            start = time.perf_counter()
            made = backups.create()
            times["ours"].append(time.perf_counter() - start)
            timed(
                "plain",
                lambda: subprocess.run(
                    ["pg_dump", "-Fc", "--no-owner", f"--file={plain}", source], check=True
                ),
            )
        assert made is not None
        archive = Path(storages["backups"].path(made.name))
        for _ in range(args.reps):
            recreate(target, migrate=False)
            timed("restore", lambda: restore(archive, target, work / "files"))
            recreate(target, migrate=False)
            timed(
                "pg_restore",
                lambda: subprocess.run(
                    ["pg_restore", "--no-owner", f"--dbname={target}", str(plain)], check=True
                ),
            )
        ours, base = _median(times["ours"]), _median(times["plain"])
        print(
            f"backup: {made.size / 1e6:,.0f} MB archive, median {ours:,.1f} s of {args.reps} "
            f"({made.size / 1e6 / ours:,.1f} MB/s); peak RSS {rss_mb():,.0f} MB"
        )
        print(
            f"  baseline: plain pg_dump -Fc, median {base:,.1f} s "
            f"({plain.stat().st_size / 1e6:,.0f} MB); ratio {ours / base:.2f}x "
            "(ours also seals and verifies)   goal < 1.5x"
        )
        ours, base = _median(times["restore"]), _median(times["pg_restore"])
        print(
            f"restore: median {ours:,.1f} s; baseline plain pg_restore {base:,.1f} s; "
            f"ratio {ours / base:.2f}x   goal < 1.5x; peak RSS {rss_mb():,.0f} MB"
        )
        storages["backups"].delete(made.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        drop(target)
        drop(source)


if __name__ == "__main__":
    main()
