"""Access benchmarks on PostgreSQL (issue 5; also issue 4's guardian comparison). On demand only.

    .venv/bin/python benchmarks/access_bench.py                   # 1M files, 100k grants
    .venv/bin/python benchmarks/access_bench.py --records 200000 --grants 20000
    .venv/bin/python benchmarks/access_bench.py --reuse           # keep the seeded database
    .venv/bin/python benchmarks/access_bench.py --database-url postgres://postgres@host/db

It creates (and drops, unless --reuse) its own database ``baomi_bench_access`` on 127.0.0.1:5432
(BENCH_ACCESS_DATABASE_URL overrides). Files are metadata-only rows inserted by SQL (the queries
measured here never decrypt; records_bench.py measures sealed files). Figures, each with p50/p95:

- decide: ``policy.decide`` per call (a file held through a grant: one indexed lookup) and
  ``policy.decide_many`` for a page of 50, against guardian's ``ObjectPermissionChecker``
  (``prefetch_perms`` + ``has_perm``) for the same 50, which knows no expiry;
- visible: ``policy.visible_records(user)`` ordered by last change, first 50 ids, for
  salespeople holding 0, 100 and 10,000 grants and a department head (goal p95 < 50 ms), each
  timed alternately with guardian's ``get_objects_for_user`` for the same person over the same
  direct-FK rows (no expiry, no handler / department scope), with the ratio; and
  ``policy.loans`` (the "files on loan to me" list, soonest ending first).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import configure, insert_files, percentile, recreate  # noqa: E402 - after sys.path

DEFAULT_URL = os.environ.get(
    "BENCH_ACCESS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/baomi_bench_access"
)

HOLDERS = {"none": 0, "some": 100, "many": 10_000}


def timed(call, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, seconds: list[float], goal: str = "", unit: str = "ms") -> float:
    scale = 1000 if unit == "ms" else 1e6
    values = [s * scale for s in seconds]
    p95 = percentile(values, 0.95)
    print(
        f"  {name:<58} p50 {statistics.median(values):8.2f} {unit}  p95 {p95:8.2f} {unit}"
        + (f"   goal {goal}" if goal else "")
    )
    return p95


def seed(total: int, grant_rows: int, sales) -> None:
    """Metadata-only files spread over the salespeople (90 % approved), then guardian rows:
    10,000 and 100 live grants for two people, the rest spread over everyone, 10 % expired."""
    from django.db import connection

    from access.grants import permission_id

    start = time.perf_counter()
    with connection.cursor() as cursor:
        insert_files(
            cursor,
            total,
            sales,
            archive_number="CASE WHEN g %% 10 <> 0 THEN 'KH-A' || lpad(g::text, 9, '0') END",
            tier="1 + g %% 4",
            minimum_tier="1 + g %% 4",
            status="CASE WHEN g %% 10 <> 0 THEN 'approved' ELSE 'submitted' END",
            created_at="now() - (g || ' seconds')::interval",
            updated_at="now() - (g || ' seconds')::interval",
        )
        print(f"seed: {total:,} files in {time.perf_counter() - start:,.0f} s", flush=True)
        holders = {name: sales[i] for i, name in enumerate(HOLDERS)}
        perm = permission_id("view_customerrecord")
        start = time.perf_counter()
        for name, count in HOLDERS.items():
            # Other departments' files, the way borrowing gives them.
            cursor.execute(
                """
                INSERT INTO access_recorduserobjectpermission
                    (user_id, permission_id, content_object_id, expires_at)
                SELECT %s, %s, id, now() + interval '7 days'
                FROM records_customerrecord
                WHERE department_id <> %s AND status = 'approved'
                ORDER BY id LIMIT %s
                """,
                [holders[name].pk, perm, holders[name].department_id, count],
            )
        rest = grant_rows - sum(HOLDERS.values())
        others = [u.pk for u in sales[len(HOLDERS) :]]
        cursor.execute(
            """
            INSERT INTO access_recorduserobjectpermission
                (user_id, permission_id, content_object_id, expires_at)
            SELECT DISTINCT ON (u, id) u, %s, id,
                   CASE WHEN random() < 0.1 THEN now() - interval '1 day'
                        ELSE now() + interval '7 days' END
            FROM (SELECT id, (%s::int[])[1 + floor(random() * %s)::int] AS u
                  FROM records_customerrecord TABLESAMPLE SYSTEM (20) LIMIT %s) AS picked
            ON CONFLICT DO NOTHING
            """,
            [perm, others, len(others), rest],
        )
        cursor.execute("ANALYZE records_customerrecord")
        cursor.execute("ANALYZE access_recorduserobjectpermission")
        cursor.execute("SELECT count(*) FROM access_recorduserobjectpermission")
        (rows,) = cursor.fetchone()
    print(f"grants: {rows:,} guardian rows in {time.perf_counter() - start:,.0f} s", flush=True)


def bench(rounds: int, sales, heads) -> None:
    from guardian.core import ObjectPermissionChecker
    from guardian.shortcuts import get_objects_for_user

    from access import policy
    from records.models import CustomerRecord

    total = CustomerRecord.objects.count()
    print(f"on {total:,} files ({rounds} runs each)")
    holders = {name: sales[i] for i, name in enumerate(HOLDERS)}
    many = holders["many"]
    held = list(policy.granted_records(many, CustomerRecord.objects.all())[:50])
    assert len(held) == 50, "the 10k holder should hold grants"

    print("decide")
    report(
        "policy.decide(view), one granted file",
        timed(lambda: policy.decide(many, "view", held[0]), rounds * 10),
        unit="µs",
    )
    report(
        "policy.decide_many(view), page of 50 granted files",
        timed(lambda: policy.decide_many(many, "view", held), rounds),
        "p95 < 50 ms",
    )

    def guardian_page() -> None:
        checker = ObjectPermissionChecker(many)
        checker.prefetch_perms(held)
        for record in held:
            checker.has_perm("view_customerrecord", record)

    report("baseline: guardian prefetch_perms + has_perm, same 50", timed(guardian_page, rounds))

    print("visible records: first 50 by last change, alternating with guardian's")
    print("  (guardian get_objects_for_user over the same direct-FK rows: grants only, no expiry,")
    print("  no own or department files; ratio = guardian p50 / ours p50, above 1 is faster)")
    from benchmarks.common import alternate

    people = [(f"salesperson, {count:,} grants", holders[name]) for name, count in HOLDERS.items()]
    people.append(("department head, 0 grants", heads[0]))
    for label, user in people:
        own = CustomerRecord.objects.filter(handler=user).count()

        def first_page(user=user) -> list:
            qs = policy.visible_records(user, CustomerRecord.objects.all())
            return list(qs.order_by("-updated_at", "-id").values_list("id", flat=True)[:50])

        def guardian_first_page(user=user) -> list:
            found = get_objects_for_user(
                user,
                "records.view_customerrecord",
                CustomerRecord.objects.all(),
                use_groups=False,
                with_superuser=False,
                accept_global_perms=False,
            )
            return list(found.order_by("-updated_at", "-id").values_list("id", flat=True)[:50])

        assert len(first_page()) == 50
        ours, theirs = alternate(rounds, first_page, guardian_first_page)
        report(f"{label} ({own:,} own files)", ours, "p95 < 50 ms")
        ratio = statistics.median(theirs) / statistics.median(ours)
        print(f"    guardian p50 {statistics.median(theirs) * 1000:7.2f} ms  ratio {ratio:.2f}x")
    report(
        "salesperson with 10,000 grants: files on loan, first 50",
        timed(lambda: policy.loans(many, 50), rounds),
        "p95 < 50 ms",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--grants", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="the benchmark's database")
    args = parser.parse_args()
    random.seed(5)
    configure(args.database_url)  # here, not on import: importers keep their DATABASE_URL
    if not args.reuse:
        recreate(args.database_url)
    else:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
        )
    import django

    django.setup()
    from benchmarks.records_bench import people

    _departments, sales, heads = people()
    print(f"PostgreSQL {args.database_url.rsplit('@', 1)[-1]}, {os.cpu_count()} CPUs")
    if not args.reuse:
        seed(args.records, args.grants, sales)
    bench(args.rounds, sales, heads)


if __name__ == "__main__":
    main()
