"""Disposal benchmarks on PostgreSQL (issue 6). Run on demand, never in the test suite.

    .venv/bin/python benchmarks/disposal_bench.py                  # 1M files, 10 % due
    .venv/bin/python benchmarks/disposal_bench.py --records 200000 --execute 1000

Own database ``baomi_bench_disposal`` on 127.0.0.1:5432 (BENCH_DISPOSAL_DATABASE_URL overrides),
created and dropped each run. Files are metadata-only rows inserted by SQL (the sweep never
decrypts; shredding blanks columns without reading them). Prints:

- sweep: ``disposal.sweep.propose_due`` over all files with 10 % past their keep-until date:
  wall time, files per second, and peak Python memory (tracemalloc) and process RSS growth,
  goal flat memory under 200 MB;
- execute: ``disposal.batches.execute`` of an approved batch (per file: hold re-check, policy,
  shred, grants, tombstone, audit event) in files per second, against a plain ``DELETE`` of
  the same number of rows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import configure, drop, insert_files, recreate, rss_mb  # noqa: E402 - after sys.path

DEFAULT_URL = os.environ.get(
    "BENCH_DISPOSAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/baomi_bench_disposal"
)


def seed(total: int, sales) -> None:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        insert_files(
            cursor,
            total,
            sales,
            archive_number="'KH-D' || lpad(g::text, 9, '0')",
            tier="2 + g %% 3",
            minimum_tier="2 + g %% 3",
            acquired_at="DATE '2020-01-01'",
            sealed_identity="'\\x01'::bytea",
            sealed_transaction="'\\x02'::bytea",
            name_index="'n'",
            phone_index="'p'",
            outcome="'no_deal'",
            # One file in ten is due.
            retention_until="CASE WHEN g %% 10 = 0 THEN DATE '2021-01-01' "
            "ELSE DATE '2031-01-01' END",
            retention_policy="'no-deal v1'",
        )
        cursor.execute("ANALYZE records_customerrecord")
    print(f"seed: {total:,} files ({total // 10:,} due) in {time.perf_counter() - start:,.0f} s")


def bench_sweep() -> None:
    from disposal import sweep

    before = rss_mb()
    tracemalloc.start()
    start = time.perf_counter()
    run = sweep.propose_due(chunk=1000)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"sweep: scanned {run.scanned:,}, proposed {run.proposed:,} in {elapsed:,.1f} s "
        f"({run.proposed / elapsed:,.0f} files/s)"
    )
    print(
        f"  peak Python memory {peak / 1e6:,.1f} MB (tracemalloc); process RSS "
        f"{before:,.0f} -> {rss_mb():,.0f} MB (max)   goal: flat, < 200 MB"
    )


def bench_execute(count: int, head, keeper, officer) -> None:
    from django.db import connection

    from disposal import batches
    from disposal.models import BatchState, DisposalBatch, DisposalItem
    from records.models import CustomerRecord

    batch = DisposalBatch.objects.filter(department=head.department).first()
    keep = list(batch.items.filter(active=True).order_by("id").values_list("id", flat=True)[count:])
    DisposalItem.objects.filter(pk__in=keep).update(active=False, removed_reason="bench")
    for role, user in (("head", head), ("archivist", keeper)):
        batches.sign(user, batch, role)
    batch.refresh_from_db()
    if batch.state != BatchState.APPROVED:
        batches.sign(officer, batch, "officer")
    start = time.perf_counter()
    done = batches.execute(keeper, batch)
    ours = time.perf_counter() - start
    victims = list(
        CustomerRecord.objects.filter(status="approved", disposal_items__isnull=True).values_list(
            "id", flat=True
        )[:count]
    )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for chunk in range(0, len(victims), 500):
            cursor.execute(
                "DELETE FROM records_customerrecord WHERE id = ANY(%s)",
                [victims[chunk : chunk + 500]],
            )
    plain = time.perf_counter() - start
    print(f"execute: {done:,} files destroyed in {ours:,.1f} s ({done / ours:,.0f} files/s)")
    print(
        f"  baseline: plain DELETE of {len(victims):,} rows in {plain:,.2f} s "
        f"({len(victims) / plain:,.0f} rows/s); ratio {ours / done / (plain / len(victims)):,.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--execute", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="do not drop the bench database")
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help="its own database, dropped and created"
    )
    args = parser.parse_args()
    configure(args.database_url)
    recreate(args.database_url)
    import django

    django.setup()
    from access.models import User
    from access.roles import Role
    from benchmarks.records_bench import people
    from tests.factories import make_person

    _departments, sales, heads = people()
    keeper = make_person("bench-keeper", roles=[Role.ARCHIVIST])
    officer = make_person("bench-officer", roles=[Role.SECURITY_OFFICER])
    head = User.objects.get(pk=heads[0].pk)
    print(f"PostgreSQL {args.database_url.rsplit('@', 1)[-1]}, {os.cpu_count()} CPUs")
    seed(args.records, sales)
    bench_sweep()
    bench_execute(args.execute, head, keeper, officer)
    if not args.keep:
        drop(args.database_url)


if __name__ == "__main__":
    main()
