"""Register import benchmark on PostgreSQL (issue 19 §1). Run on demand, never in the tests.

    .venv/bin/python benchmarks/import_bench.py                    # 3 rounds, then 100,000 rows
    .venv/bin/python benchmarks/import_bench.py --rows 20000 --round 2000 --rounds 2

Own database ``baomi_bench_import`` on 127.0.0.1:5432 (BENCH_IMPORT_DATABASE_URL overrides),
created and dropped each run. Registers are built by records.imports.samples (valid, fictitious
people at levels 1-3, every fifth without the place of its signed consent). Prints:

- rounds: the import (check, then the commit task's body ``service.run``) of ``--round`` rows,
  alternating in the same process with the baseline, calling the intake service once per row
  (the same row check, then ``intake.create``) for a fifth as many rows: rows/s of each, and
  two ratios, goal >= 5x: the whole import against check + ``intake.create`` per row, and the
  commit (saving rows already checked) against ``intake.create`` alone;
- full: one import of ``--rows`` rows (default 100,000): rows/s of the check and of the commit,
  the workbook's size, and the process's peak memory before and after it, goal flat.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import configure, drop, recreate, rss_mb  # noqa: E402 - after sys.path

DEFAULT_URL = os.environ.get(
    "BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/baomi_bench_import"
)

_next_number = [1]


def _register(count: int) -> bytes:
    from records.imports import samples

    rows = samples.person_rows(count, ["bench-sales"], seed=_next_number[0], first_number=0)
    for index, row in enumerate(rows):  # numbers unique across the run: nothing is "known"
        row["old_number"] = f"B-{_next_number[0] + index:07d}"
    _next_number[0] += count
    return samples.build({"person": rows})


def _import(head, data: bytes) -> tuple[float, float, int]:
    """(check seconds, commit seconds, files created) of one import."""
    from records.imports import service

    start = time.perf_counter()
    batch = service.check(head, head.department, data)
    checked = time.perf_counter() - start
    service.start(head, batch)  # queues the task (the broker is not consumed here) ...
    start = time.perf_counter()
    service.run(str(batch.pk))  # ... and this is its body, run in this process
    committed = time.perf_counter() - start
    batch.refresh_from_db()
    return checked, committed, batch.created_files


def _one_by_one(sales, head, data: bytes) -> tuple[float, float, int]:
    """The baseline: each row checked the same way, then saved by ``intake.create``.
    (seconds in all, seconds in ``intake.create`` alone, files made)."""
    from records import intake
    from records.imports import rows, workbook

    handlers = rows.Handlers(head.department, head)
    start = time.perf_counter()
    creating = 0.0
    made = 0
    for row in workbook.read(data):
        checked = rows.check(row, handlers)
        if isinstance(checked, list):
            continue
        begun = time.perf_counter()
        intake.create(sales, checked.meta, checked.content, checked.terms)
        creating += time.perf_counter() - begun
        made += 1
    return time.perf_counter() - start, creating, made


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--round", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="do not drop the bench database")
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help="its own database, dropped and created"
    )
    args = parser.parse_args()
    configure(args.database_url)
    recreate(args.database_url)
    import django

    django.setup()
    from access import people
    from access.models import Department
    from access.roles import Role
    from tests.factories import make_person

    dept = Department.objects.create(code="bench-import", name="导入测试部")
    head = make_person("bench-head", roles=[Role.DEPT_HEAD], department=dept)
    people.set_head(dept, head)
    sales = make_person("bench-sales", roles=[Role.SALES], department=dept)
    print(f"PostgreSQL {args.database_url.rsplit('@', 1)[-1]}, {os.cpu_count()} CPUs")

    whole, saving = [], []
    for number in range(1, args.rounds + 1):
        checked, committed, made = _import(head, _register(args.round))
        ours = made / (checked + committed)
        spent, creating, single = _one_by_one(sales, head, _register(args.round // 5))
        baseline, create_rate = single / spent, single / creating
        whole.append(ours / baseline)
        saving.append(made / committed / create_rate)
        print(
            f"round {number}: import {made:,} rows at {ours:,.0f} rows/s (check "
            f"{made / checked:,.0f}/s, commit {made / committed:,.0f}/s), RSS {rss_mb():,.0f} MB; "
            f"one by one {single:,} rows at {baseline:,.0f} rows/s (intake.create alone "
            f"{create_rate:,.0f}/s); ratios: import {ours / baseline:,.1f}x, commit against "
            f"intake.create {made / committed / create_rate:,.1f}x"
        )
    print(
        f"ratio over {len(whole)} rounds (min): whole import (check + commit) against check + "
        f"intake.create per row {min(whole):,.1f}x; the commit against intake.create per row "
        f"{min(saving):,.1f}x   goal: >= 5x"
    )

    start = time.perf_counter()
    data = _register(args.rows)
    built = time.perf_counter() - start
    before = rss_mb()
    checked, committed, made = _import(head, data)
    print(
        f"full: {args.rows:,} rows ({len(data) / 1e6:,.1f} MB xlsx, built in {built:,.0f} s): "
        f"check {checked:,.0f} s ({args.rows / checked:,.0f} rows/s), commit {committed:,.0f} s "
        f"({made / committed:,.0f} rows/s), {made:,} files created"
    )
    print(
        f"  process peak RSS {before:,.0f} MB before (the register built and the rounds done), "
        f"{rss_mb():,.0f} MB after   goal: flat"
    )
    if not args.keep:
        drop(args.database_url)


if __name__ == "__main__":
    main()
